"""The cookie policy as the banner shows it, compiled once from the register's cookie processings.

Its version is a hash of the register's cookie section (categories, consent modes, every cookie's name,
purpose and lifetime, the purposes of each processing, the choice's duration): change any of it and every
stored choice is out of date, so the banner asks again. Its services are the cookies a person may refuse one
by one; the strictly necessary ones are listed, never asked about.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from vigie.durations import Duration
from vigie.errors import ConfigurationError
from vigie.register import Register
from vigie.register.models import CookieConsent
from vigie.taxonomy import LifecycleEvent

CATEGORY_TITLES = {
    "strictly_necessary": "Cookies strictement nécessaires",
    "audience": "Mesure d'audience",
    "campaigns": "Mesure de l'efficacité des campagnes",
    "interactivity": "Interactivité et réseaux sociaux",
}
BANNER_TEXT = (
    "Ce site utilise des cookies. Certains sont strictement nécessaires à son fonctionnement et ne demandent "
    "pas votre accord. Avec votre accord, d'autres mesurent l'audience du site, l'efficacité de nos campagnes "
    "d'information, et permettent de voir des vidéos et de partager des contenus sur les réseaux sociaux. "
    "Vous pouvez tout accepter, tout refuser, ou choisir catégorie par catégorie et service par service ; "
    "votre choix vaut {duration}, et vous pouvez le changer à tout moment par le lien « Gestion des cookies » "
    "en bas de chaque page. Refuser n'a aucune conséquence sur l'accès au site."
)


def slug(text: str) -> str:
    """A stable identifier for a cookie name: ASCII, lower case, words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@dataclass(frozen=True)
class Service:
    """One cookie of the register, as the banner lists it."""

    id: str
    name: str
    purpose: str
    lifetime: Duration
    category: str


@dataclass(frozen=True)
class Category:
    """One of the register's four cookie categories."""

    id: str
    title: str
    purposes: tuple[str, ...]
    consent: CookieConsent
    services: tuple[Service, ...]

    @property
    def asked(self) -> bool:
        """Whether the person chooses for this category (every category but the strictly necessary)."""
        return self.consent is not CookieConsent.EXEMPT

    @property
    def preselected(self) -> bool:
        """Exempt from consent with an objection possible (audience): ticked in the detailed form, and still
        refused by « Tout refuser »."""
        return self.consent is CookieConsent.OPT_OUT


@dataclass(frozen=True)
class CookiePolicy:
    """The banner's content, its version and the duration of a choice."""

    categories: tuple[Category, ...]
    duration: Duration
    version: str
    banner_text: str

    @cached_property  # read at every choice: computed once (the policy is immutable)
    def asked(self) -> tuple[Category, ...]:
        return tuple(category for category in self.categories if category.asked)

    @cached_property
    def services(self) -> tuple[Service, ...]:
        """The services a person chooses, in a fixed order (the cookie's bit positions depend on it)."""
        return tuple(service for category in self.asked for service in category.services)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def screen_hash(self, screen: str) -> str:
        """SHA-256 of the text shown on `screen` (« bandeau » or « gestion »): what the proof records."""
        lines = [screen, self.banner_text]
        if screen == "gestion":
            for category in self.categories:
                lines.append(f"{category.title} : {' ; '.join(category.purposes)}")
                lines.extend(f"{s.name} : {s.purpose} ({s.lifetime.french()})" for s in category.services)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _choice_duration(register: Register) -> Duration:
    for processing in register.processings.values():
        if processing.cookies is None:
            continue
        for rule in processing.retention:
            if rule.event is LifecycleEvent.CONSENT_GIVEN and rule.duration is not None:
                return rule.duration
    raise ConfigurationError("le registre ne donne pas la durée des choix de consentement aux cookies")


def cookie_policy(register: Register, *, declared_version: str | None = None) -> CookiePolicy:
    """The banner compiled from `register`; `declared_version` replaces the computed hash when given."""
    categories = []
    for processing in register.processings.values():
        cookies = processing.cookies
        if cookies is None:
            continue
        category = cookies.category.value
        services = tuple(
            Service(slug(item.name), item.name, item.purpose, item.lifetime, category) for item in cookies.items
        )
        categories.append(
            Category(
                category,
                CATEGORY_TITLES.get(category, processing.title),
                tuple(purpose.text for purpose in processing.purposes),
                cookies.consent,
                services,
            )
        )
    if not categories:
        raise ConfigurationError("le registre ne décrit aucun cookie : pas de bandeau possible")
    duration = _choice_duration(register)
    canonical = json.dumps(
        {
            "duration": duration.iso(),
            "categories": [
                [c.id, c.consent.value, c.purposes, [[s.name, s.purpose, s.lifetime.iso()] for s in c.services]]
                for c in categories
            ],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    version = declared_version or hashlib.sha256(canonical.encode()).hexdigest()[:16]
    text = BANNER_TEXT.format(duration=duration.french())
    return CookiePolicy(tuple(categories), duration, version, text)
