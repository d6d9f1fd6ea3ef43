"""The public privacy policy as a view: the register turned into French labels, ready for the templates.

Built once per application (the register is immutable), so that rendering the page is only template work and
every fact on the page (durations, recipients, addresses, notices) comes from the register, never from the
templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vigie.register.models import (
    CookieConsent,
    CookieSet,
    Notice,
    Organisation,
    OrganisationKind,
    Processing,
    SubjectData,
)
from vigie.register.policy import Clock, retention_clocks
from vigie.register.register import Register
from vigie.register.trace import clock_start, processing_entries
from vigie.taxonomy import (
    CATEGORY_LABELS,
    EVENT_LABELS,
    LEGAL_BASIS_LABELS,
    RIGHT_LABELS,
    SUBJECT_KIND_LABELS,
    LegalBasis,
    RightKind,
    SubjectKind,
)

RIGHT_EXPLANATIONS: dict[RightKind, str] = {
    RightKind.INFORMATION: "savoir si des données personnelles vous concernant sont traitées et à quel usage.",
    RightKind.ACCESS: "obtenir la communication des données qui vous concernent.",
    RightKind.RECTIFICATION: "faire corriger des données inexactes ou compléter des données incomplètes.",
    RightKind.RESTRICTION: "dans certains cas, obtenir que l'organisme conserve vos données sans les utiliser.",
    RightKind.ERASURE: "dans certains cas, obtenir l'effacement de vos données, notamment lorsque leur "
    "traitement repose sur votre consentement.",
    RightKind.OBJECTION: "sauf exception, vous ne pouvez pas vous opposer à l'utilisation de vos données pour "
    "les missions fixées par la loi ou pour des motifs de santé publique ; une mention d'information vous "
    "signale les cas où vous disposez de ce droit.",
}

COOKIE_CONSENT_LABELS: dict[CookieConsent, str] = {
    CookieConsent.EXEMPT: "Dispensés de consentement : indispensables au fonctionnement du site, ils ne "
    "peuvent pas être désactivés.",
    CookieConsent.OPT_OUT: "Dispensés de consentement ; vous pouvez vous y opposer avec le bouton « Refuser » "
    "de la gestion des cookies.",
    CookieConsent.REQUIRED: "Déposés uniquement avec votre accord, donné ou retiré depuis la gestion des cookies.",
}


def french_date(value: dt.date) -> str:
    """A date as French readers write it: dd/mm/yyyy."""
    return f"{value:%d/%m/%Y}"


@dataclass(frozen=True)
class Link:
    anchor: str
    title: str


@dataclass(frozen=True)
class RetentionView:
    label: str
    period: str
    starts_at: str


@dataclass(frozen=True)
class SubjectView:
    kind: str
    categories: list[str]
    condition: str | None
    reserved: list[str]


@dataclass(frozen=True)
class SourceView:
    entry: str
    source: str


@dataclass(frozen=True)
class NoticeView:
    title: str
    date: str | None
    iso_date: str | None


@dataclass(frozen=True)
class CookieRow:
    name: str
    purpose: str
    lifetime: str


@dataclass(frozen=True)
class CookieTable:
    caption: str
    consent: str
    rows: list[CookieRow]


@dataclass(frozen=True)
class ProcessingView:
    anchor: str
    title: str
    purposes: list[str]
    legal_basis: str
    subjects: list[SubjectView]
    recipients: list[str]
    retention: list[RetentionView]
    archive: str | None
    sources: list[SourceView]
    objection_allowed: bool
    notices: list[NoticeView]
    cookies: CookieTable | None


@dataclass(frozen=True)
class ThemeView:
    anchor: str
    title: str
    summary: str
    processings: list[ProcessingView]


@dataclass(frozen=True)
class RightView:
    label: str
    explanation: str
    applies_to: list[Link]


@dataclass(frozen=True)
class PolicyPage:
    """Everything the privacy-policy template shows."""

    controller: str
    national_body: Organisation
    local_organisations: int
    legal_bases: list[str]
    themes: list[ThemeView]
    rights: list[RightView]
    authority_name: str
    authority_address: list[str]


def _anchor(processing: Processing) -> str:
    return f"traitement-{processing.id}"


def _retention(clock: Clock) -> RetentionView:
    period = clock.duration.french()
    if clock.minimum is not None:
        period = f"de {clock.minimum.french()} à {period}"
    starts = clock_start(clock)
    if clock.defers_to is not None:
        starts += f", sauf durée fixée par {clock.defers_to}"
    return RetentionView(clock.label, period, starts)


def _subject(register: Register, kind: SubjectKind, data: SubjectData) -> SubjectView:
    reserved = []
    for reservation in data.reserved:
        names = ", ".join(CATEGORY_LABELS[c] for c in reservation.categories)
        roles = [register.roles[r].title if r in register.roles else r for r in reservation.roles]
        to = (
            f"utilisables seulement par : {', '.join(roles)}"
            if roles
            else "conservées, mais consultées par aucun agent"
        )
        reserved.append(f"{names} : {to}")
    condition = data.condition.text if data.condition is not None else None
    return SubjectView(SUBJECT_KIND_LABELS[kind], [CATEGORY_LABELS[c] for c in data.categories], condition, reserved)


def _archive(processing: Processing) -> str | None:
    archive = processing.archive
    if archive is None:
        return None
    return (
        f"les données sont archivées à compter de l'événement « {EVENT_LABELS[archive.event]} » ; elles ne "
        f"servent plus que pour {archive.purpose}."
    )


def _notice(notice: Notice) -> NoticeView:
    if notice.date is None:
        return NoticeView(notice.title, None, None)
    return NoticeView(notice.title, french_date(notice.date), notice.date.isoformat())


def _cookies(processing: Processing, cookies: CookieSet) -> CookieTable:
    rows = [CookieRow(c.name, c.purpose, c.lifetime.french()) for c in cookies.items]
    return CookieTable(processing.title, COOKIE_CONSENT_LABELS[cookies.consent], rows)


def _processing(register: Register, processing: Processing) -> ProcessingView:
    return ProcessingView(
        anchor=_anchor(processing),
        title=processing.title,
        purposes=[purpose.text for purpose in processing.purposes],
        legal_basis=LEGAL_BASIS_LABELS[processing.legal_basis],
        subjects=[_subject(register, kind, data) for kind, data in processing.subjects.items()],
        recipients=[register.recipients[r.id].name for r in processing.recipients],
        retention=list(dict.fromkeys(_retention(c) for c in retention_clocks(processing, register.processings))),
        archive=_archive(processing),
        sources=[SourceView(e.label, str(e.source)) for e in processing_entries(register, processing)],
        objection_allowed=processing.objection_allowed,
        notices=[_notice(n) for n in processing.notices],
        cookies=_cookies(processing, processing.cookies) if processing.cookies is not None else None,
    )


def _rights(register: Register) -> list[RightView]:
    """Each right, with the processings where the register says it can succeed (objection, erasure)."""
    processings = [p for _, in_theme in register.by_theme() for p in in_theme]
    applies = {
        RightKind.OBJECTION: [p for p in processings if p.objection_allowed],
        RightKind.ERASURE: [p for p in processings if p.legal_basis is LegalBasis.CONSENT],
    }
    return [
        RightView(label, RIGHT_EXPLANATIONS[kind], [Link(_anchor(p), p.title) for p in applies.get(kind, [])])
        for kind, label in RIGHT_LABELS.items()
    ]


def policy_page(register: Register) -> PolicyPage:
    """The privacy-policy view of a register."""
    used_bases = {p.legal_basis for p in register.processings.values()}
    return PolicyPage(
        controller=register.controller.name,
        national_body=register.national_body,
        local_organisations=sum(o.kind is OrganisationKind.LOCAL for o in register.organisations.values()),
        legal_bases=[label for basis, label in LEGAL_BASIS_LABELS.items() if basis in used_bases],
        themes=[
            ThemeView(f"theme-{info.id.value}", info.title, info.summary, [_processing(register, p) for p in ps])
            for info, ps in register.by_theme()
        ],
        rights=_rights(register),
        authority_name=register.supervisory_authority.name,
        authority_address=list(register.supervisory_authority.address),
    )


def organisations(register: Register) -> list[Organisation]:
    """The national body first, then the local funds in the register's order (by department)."""
    return sorted(register.organisations.values(), key=lambda o: o.kind is not OrganisationKind.NATIONAL)
