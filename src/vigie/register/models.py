"""The register's models: what one processing, organisation, recipient and role are.

Models are frozen pydantic classes that reject unknown fields, so that a typo in a YAML key is an error
rather than a silently ignored rule. Error messages are French; `loader` adds the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator

from vigie.durations import Duration
from vigie.taxonomy import Category, LegalBasis, LifecycleEvent, SubjectKind, Theme

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
ORGANISATION_CODE = re.compile(r"^[A-Z][A-Z0-9-]*$")


def _duration(value: object) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise ValueError("durée attendue sous forme de texte ISO 8601, par exemple P5Y")
    return Duration.parse(value)


IsoDuration = Annotated[Duration, BeforeValidator(_duration), PlainSerializer(lambda d: d.iso(), return_type=str)]


def _identifier(value: str) -> str:
    if not IDENTIFIER.match(value):
        raise ValueError(f"identifiant « {value} » invalide : lettres minuscules, chiffres et _ seulement")
    return value


class Frozen(BaseModel):
    """Base of register models: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Controller(Frozen):
    name: str
    national_body: str


class SupervisoryAuthority(Frozen):
    name: str
    address: tuple[str, ...] = Field(min_length=1)


class OrganisationKind(StrEnum):
    NATIONAL = "national"
    LOCAL = "local"


class Organisation(Frozen):
    """The Cnam or a CPAM: the addressees of rights requests are its director and its DPO."""

    code: str
    name: str
    kind: OrganisationKind
    department: str | None = None
    city: str | None = None
    director: str
    dpo: str

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not ORGANISATION_CODE.match(value):
            raise ValueError(f"code « {value} » invalide : majuscules, chiffres et tirets seulement")
        return value


class RecipientKind(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"


class Recipient(Frozen):
    """A determined recipient; only those with `nir_allowed` may receive the NIR."""

    id: str
    name: str
    kind: RecipientKind
    nir_allowed: bool

    _id = field_validator("id")(_identifier)


class Role(Frozen):
    """An agent role and the processings it serves; national roles cross organisation boundaries.

    `audit` roles (the DPO) read the audit journal; a role serving no processing reads no personal data.
    """

    id: str
    title: str
    national: bool = False
    audit: bool = False
    processings: tuple[str, ...] = ()

    _id = field_validator("id")(_identifier)


class RetentionRule(Frozen):
    """How long data is kept: `duration` after `event`; `minimum` when the policy states a range."""

    event: LifecycleEvent
    duration: IsoDuration
    minimum: IsoDuration | None = None
    label: str


class Notice(Frozen):
    """An information notice (« mention d'information »)."""

    title: str = Field(min_length=1)
    date: dt.date | None = None


class CookieCategory(StrEnum):
    STRICTLY_NECESSARY = "strictly_necessary"
    AUDIENCE = "audience"
    CAMPAIGNS = "campaigns"
    INTERACTIVITY = "interactivity"


class CookieConsent(StrEnum):
    """Whether a cookie needs consent: exempt, exempt with an opt-out, or opt-in required."""

    EXEMPT = "exempt"
    OPT_OUT = "opt_out"
    REQUIRED = "required"


class Cookie(Frozen):
    name: str
    purpose: str
    lifetime: IsoDuration


class CookieSet(Frozen):
    category: CookieCategory
    consent: CookieConsent
    items: tuple[Cookie, ...] = Field(min_length=1)


class Processing(Frozen):
    """One processing activity: a row of the register, from which access and retention are derived."""

    id: str
    title: str
    theme: Theme
    purposes: tuple[str, ...] = Field(min_length=1)
    legal_basis: LegalBasis
    subjects: dict[SubjectKind, tuple[Category, ...]] = Field(min_length=1)
    recipients: tuple[str, ...] = Field(min_length=1)
    retention: tuple[RetentionRule, ...] = Field(min_length=1)
    objection_allowed: bool
    pseudonymised_statistics: bool
    notices: tuple[Notice, ...] = ()
    cookies: CookieSet | None = None

    _id = field_validator("id")(_identifier)


class ThemeInfo(Frozen):
    id: Theme
    title: str
    summary: str
