"""The register's models: what one processing, organisation, recipient and role are.

Models are frozen pydantic classes that reject unknown fields, so that a typo in a YAML key is an error
rather than a silently ignored rule. Error messages are French; `loader` adds the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    field_validator,
    model_validator,
)

from vigie.durations import Duration
from vigie.register.sources import Source, parse_source, serialise_source
from vigie.taxonomy import Category, ClockOwner, LegalBasis, LifecycleEvent, RetentionBound, SubjectKind, Theme

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
ORGANISATION_CODE = re.compile(r"^[A-Z][A-Z0-9-]*$")

# A source is written as one text or a list of texts, and read back as the same (sources.py is pydantic-free,
# so that the compiled policy, which carries sources, loads without pydantic).
SourceField = Annotated[Source, PlainValidator(parse_source), PlainSerializer(serialise_source)]


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
    """How long data is kept, and what starts the clock.

    A clock rule: `duration` after `event`, an event of `of` (the person the record is about, the person whose
    file holds it, or the record itself); `minimum` when the policy states a range; `bound` says whether the
    period is fixed, a ceiling, or a ceiling on a life that runs until then (`while_`). A follow rule instead
    applies the rules another processing gives a kind of person (`follows`, `as_kinds`). `kinds` limits a rule
    to some kinds of person (all of the processing's by default). See docs/register.md for how a sweep reads
    several rules.
    """

    event: LifecycleEvent | None = None
    of: ClockOwner | None = None
    duration: IsoDuration | None = None
    minimum: IsoDuration | None = None
    bound: RetentionBound = RetentionBound.AT_MOST
    while_: str | None = Field(default=None, alias="while", min_length=1)
    prevails: bool = False
    defers_to: str | None = Field(default=None, min_length=1)
    follows: str | None = None
    as_kinds: dict[SubjectKind, SubjectKind] | None = None
    kinds: tuple[SubjectKind, ...] | None = Field(default=None, min_length=1)
    label: str = Field(min_length=1)
    source: SourceField

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _shape(self) -> RetentionRule:
        if self.follows is not None:
            clock = ("event", "of", "duration", "minimum", "while_")
            if any(getattr(self, name) is not None for name in clock):
                raise ValueError("une règle qui suit un autre traitement ne donne ni événement ni durée")
            if not self.as_kinds:
                raise ValueError("as_kinds manquant : pour chaque type de personne, le type dont suivre les règles")
            return self
        missing = [name for name in ("event", "of", "duration") if getattr(self, name) is None]
        if missing:
            raise ValueError(f"champ obligatoire manquant : {', '.join(missing)} (ou follows)")
        if self.as_kinds is not None:
            raise ValueError("as_kinds ne s'emploie qu'avec follows")
        if self.bound is RetentionBound.WITHIN_LIMIT and self.while_ is None:
            raise ValueError("une durée « within_limit » dit ce qui dure jusque-là (champ while)")
        return self

    def applies_to(self, kind: SubjectKind) -> bool:
        """Does this rule govern records about a person of `kind`?"""
        return self.kinds is None or kind in self.kinds


class EventMapping(Frozen):
    """An event that counts as another for one processing (the holder's death closes the DMP)."""

    event: LifecycleEvent
    of: ClockOwner
    counts_as: LifecycleEvent
    source: SourceField


class Archive(Frozen):
    """After `event`, the processing's records are archived: kept, used by `roles` only for `purpose`."""

    event: LifecycleEvent
    purpose: str = Field(min_length=1)
    roles: tuple[str, ...] = ()
    source: SourceField


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
    source: SourceField


class CookieSet(Frozen):
    category: CookieCategory
    consent: CookieConsent
    items: tuple[Cookie, ...] = Field(min_length=1)


class Purpose(Frozen):
    text: str = Field(min_length=1)
    source: SourceField


class Reservation(Frozen):
    """Categories only `roles` may use (none: held, but read by no agent), e.g. pathology for the medical service."""

    categories: tuple[Category, ...] = Field(min_length=1)
    roles: tuple[str, ...]
    source: SourceField


class Condition(Frozen):
    text: str = Field(min_length=1)
    source: SourceField


class SubjectData(Frozen):
    """The categories a processing uses for one kind of person, and on what ground."""

    categories: tuple[Category, ...] = Field(min_length=1)
    source: SourceField
    condition: Condition | None = None
    reserved: tuple[Reservation, ...] = ()

    @model_validator(mode="after")
    def _reserved_are_used(self) -> SubjectData:
        for reservation in self.reserved:
            for category in reservation.categories:
                if category not in self.categories:
                    raise ValueError(f"catégorie réservée « {category.value} » absente des catégories utilisées")
        return self


class RecipientRef(Frozen):
    id: str
    source: SourceField


class Processing(Frozen):
    """One processing activity: a row of the register, from which access and retention are derived."""

    id: str
    title: str
    theme: Theme
    source: SourceField
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    legal_basis: LegalBasis
    subjects: dict[SubjectKind, SubjectData] = Field(min_length=1)
    recipients: tuple[RecipientRef, ...] = Field(min_length=1)
    retention: tuple[RetentionRule, ...] = Field(min_length=1)
    event_mapping: tuple[EventMapping, ...] = ()
    archive: Archive | None = None
    objection_allowed: bool
    # Used only at the person's own request (answering their rights requests): a limitation does not stop it,
    # the person asking being the consent GDPR 18(2) names.
    at_persons_request: bool = False
    pseudonymised_statistics: bool
    statistics_source: SourceField | None = None
    notices: tuple[Notice, ...] = ()
    cookies: CookieSet | None = None

    _id = field_validator("id")(_identifier)

    @model_validator(mode="after")
    def _statistics_grounded(self) -> Processing:
        if self.pseudonymised_statistics and self.statistics_source is None:
            raise ValueError("statistics_source manquant : des statistiques pseudonymisées doivent avoir une source")
        return self

    def categories(self, kind: SubjectKind) -> tuple[Category, ...]:
        """The categories used for `kind` (empty when the processing has none for it)."""
        data = self.subjects.get(kind)
        return data.categories if data is not None else ()


class ThemeInfo(Frozen):
    id: Theme
    title: str
    summary: str


class OutlineSection(Frozen):
    title: str = Field(min_length=1)
    paragraphs: int = Field(ge=1)


class OutlineTheme(Frozen):
    """One part of the policy as the register cites it: its title and its sections with their paragraph counts."""

    theme: str = Field(min_length=1)
    sections: tuple[OutlineSection, ...] = Field(min_length=1)
