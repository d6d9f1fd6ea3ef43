"""What the account forms carry, parsed strictly: every field bounded, NUL and control characters refused, and
every problem reported next to its field, in French (`InvalidForm`), before anything is looked up.

The web routes hand the raw fields here; nothing else parses them, so the rules hold for every surface.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vigie import inputs
from vigie.accounts import passwords
from vigie.errors import InvalidForm, InvalidInput
from vigie.identifiers import validate_nir, validate_siret

NAME_MAX = 100
NUMBER_MAX = 32
CODE_LENGTH = 6
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{2})/(\d{2})/(\d{4})")
_NAME = re.compile(r"[^\W\d_]+(?:[ '’\-][^\W\d_]+)*")


class Profile(StrEnum):
    """Who holds an account: the three kinds of people who sign up, and agents (set up by an operator)."""

    INSURED = "insured"
    HEALTH_PROFESSIONAL = "health_professional"
    EMPLOYER = "employer"
    AGENT = "agent"


PROFILE_LABELS = {
    Profile.INSURED: "Assuré",
    Profile.HEALTH_PROFESSIONAL: "Professionnel de santé",
    Profile.EMPLOYER: "Employeur",
}


@dataclass(frozen=True)
class SignUp:
    """A parsed sign-up: the profile, the NIR or SIRET (compact), the person's words and the password."""

    profile: Profile
    number: str
    person: passwords.Person
    password: str


@dataclass(frozen=True)
class Credentials:
    """A parsed sign-in: the identifier (a NIR, a SIRET or an agent id), the password and, for agents, the code."""

    identifier: str
    password: str
    code: str | None = None


class _Collector:
    """Gathers each field's problems, so that a form says everything wrong at once."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw = raw
        self.problems: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.problems.setdefault(name, []).append(message)

    def text(self, name: str, limit: int, *, required: bool = True, strip: bool = True) -> str:
        value = self.raw.get(name, "")
        try:
            inputs.text(value, "text", limit=limit)
        except InvalidInput as error:
            self.add(name, error.reason[:1].upper() + error.reason[1:] + ".")
            return ""
        value = value.strip() if strip else value
        if required and not value:
            self.add(name, "Ce champ est obligatoire.")
        return value

    def done(self) -> None:
        if self.problems:
            raise InvalidForm(self.problems)


def _birth_date(collector: _Collector, value: str) -> date | None:
    if not value:
        return None
    found = _DATE.fullmatch(value)
    if found is None:
        collector.add("birth_date", "Date attendue sous la forme JJ/MM/AAAA.")
        return None
    y, m, d = (found.group(1), found.group(2), found.group(3)) if found.group(1) else found.group(6, 5, 4)
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        collector.add("birth_date", "Cette date n'existe pas.")
        return None


def _name(collector: _Collector, field: str) -> str:
    value = collector.text(field, NAME_MAX)
    if value and _NAME.fullmatch(value) is None:
        collector.add(field, "Lettres seulement, avec espaces, traits d'union ou apostrophes entre les mots.")
    return value


def _number(collector: _Collector, profile: Profile | None) -> str:
    value = collector.text("number", NUMBER_MAX)
    if not value or profile is None:
        return value
    try:
        return validate_siret(value) if profile is Profile.EMPLOYER else validate_nir(value)
    except InvalidInput as error:
        collector.add("number", error.reason[:1].upper() + error.reason[1:] + ".")
        return ""


def _nir_matches(nir: str, born: date) -> bool:
    """Whether the NIR's year and month (2nd to 5th digits) agree with the birth date; the civil record's
    special month codes (20 and above) agree with any month."""
    year, month = int(nir[1:3]), int(nir[3:5])
    return year == born.year % 100 and (month > 12 or month == born.month)


def parse_sign_up(raw: Mapping[str, str]) -> SignUp:
    """A sign-up form's fields (`profile`, `number`, `last_name`, `first_name`, `birth_date`, `password`,
    `confirmation`), or InvalidForm naming each wrong field."""
    collector = _Collector(raw)
    profile_text = collector.text("profile", 32)
    profile = next((p for p in PROFILE_LABELS if p.value == profile_text), None)
    if profile_text and profile is None:
        collector.add("profile", "Profil inconnu : assuré, professionnel de santé ou employeur.")
    number = _number(collector, profile)
    person = passwords.Person(_name(collector, "last_name"), _name(collector, "first_name"))
    born = _birth_date(collector, collector.text("birth_date", 10, required=profile is not Profile.EMPLOYER))
    person = passwords.Person(person.last_name, person.first_name, born)
    nir = profile is not None and profile is not Profile.EMPLOYER and number
    if born is not None and nir and not _nir_matches(number, born):
        collector.add("birth_date", "Elle ne correspond pas à l'année et au mois de naissance du NIR.")
    password = new_password(collector, person)
    collector.done()
    assert profile is not None
    return SignUp(profile, number, person, password)


def new_password(collector: _Collector, person: passwords.Person) -> str:
    """The `password` field checked against the rules and its `confirmation`."""
    password = collector.text("password", passwords.MAX_LENGTH, strip=False)
    confirmation = collector.raw.get("confirmation", "")
    if password:
        for problem in passwords.check(password, person).problems:
            collector.add("password", problem)
        if confirmation != password:
            collector.add("confirmation", "Les deux mots de passe saisis diffèrent.")
    return password


def parse_password_change(raw: Mapping[str, str], person: passwords.Person) -> tuple[str, str]:
    """A password change (`current`, `password`, `confirmation`): the current and the new password."""
    collector = _Collector(raw)
    current = collector.text("current", passwords.MAX_LENGTH, strip=False)
    new = new_password(collector, person)
    if current and new and current == new:
        collector.add("password", "Il doit différer du mot de passe actuel.")
    collector.done()
    return current, new


def parse_sign_in(raw: Mapping[str, str], *, agent: bool = False) -> Credentials:
    """A sign-in form: `identifier` (NIR, SIRET or agent id), `password`, and `code` for agents."""
    collector = _Collector(raw)
    identifier = collector.text("identifier", inputs.LIMITS["agent"] if agent else NUMBER_MAX)
    password = collector.text("password", passwords.MAX_LENGTH, strip=False)
    code = None
    if agent:
        code = collector.text("code", 16).replace(" ", "")
        if code and not (len(code) == CODE_LENGTH and code.isascii() and code.isdigit()):
            collector.add("code", f"Code de {CODE_LENGTH} chiffres attendu.")
    collector.done()
    return Credentials(identifier, password, code)


__all__ = [
    "PROFILE_LABELS",
    "Credentials",
    "Profile",
    "SignUp",
    "parse_password_change",
    "parse_sign_in",
    "parse_sign_up",
]
