"""Decisions from the register and the person's state, processing by processing, each with its legal ground.

Nothing here is written per case: the outcome of a right for a processing follows from what the register says
of it (legal basis, whether objection is allowed, its categories, its retention clocks) and from the person's
state (kind, consents, the retention events that happened). Pure functions: the service loads, these decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from vigie.register import Policy, Register
from vigie.register.ends import EventDates, end_of
from vigie.register.policy import Clock
from vigie.rights.model import Outcome, RequestKind, Ruling
from vigie.taxonomy import (
    HEALTH_CATEGORIES,
    LEGAL_BASIS_LABELS,
    ClockOwner,
    LegalBasis,
    LifecycleEvent,
    SubjectKind,
)

UNFOUNDED = (
    "demande manifestement infondée ou excessive, notamment par son caractère répétitif (RGPD, art. 12(5)) : {reason}"
)
_BASIS_REFUSAL = {
    LegalBasis.PUBLIC_TASK: "traitement nécessaire à l'exécution d'une mission d'intérêt public prévue par la loi "
    "(RGPD, art. 17(3)(b))",
    LegalBasis.LEGAL_OBLIGATION: "traitement nécessaire au respect d'une obligation légale (RGPD, art. 17(3)(b))",
}
_PUBLIC_HEALTH = "motifs d'intérêt public dans le domaine de la santé publique (RGPD, art. 17(3)(c) et 9(2)(i))"
_LEGAL_CLAIMS = (
    "constatation, exercice ou défense de droits en justice : un contentieux est en cours (RGPD, art. 17(3)(e))"
)


@dataclass(frozen=True)
class Held:
    """One record as an erasure decision sees it: its processing, category and own event."""

    processing: str
    category: str
    event: str | None
    event_on: date | None


@dataclass(frozen=True)
class PersonEvents:
    """The retention events that happened to the person."""

    rights_end_on: date | None = None
    death_on: date | None = None
    activity_end_on: date | None = None


def _dates(person: PersonEvents, record: Held) -> EventDates:
    dates: dict[tuple[ClockOwner, LifecycleEvent], date] = {}
    for event, when in (
        (LifecycleEvent.RIGHTS_END, person.rights_end_on),
        (LifecycleEvent.DEATH, person.death_on),
        (LifecycleEvent.ACTIVITY_END, person.activity_end_on),
    ):
        if when is not None:  # the person's own records: they are the subject and the file's owner
            dates[(ClockOwner.SUBJECT, event)] = when
            dates[(ClockOwner.FILE_OWNER, event)] = when
    if record.event is not None and record.event_on is not None and record.event in LifecycleEvent._value2member_map_:
        dates[(ClockOwner.RECORD, LifecycleEvent(record.event))] = record.event_on
    return dates


def _litigation(clocks: Iterable[Clock], kind: SubjectKind, dates: EventDates, today: date) -> bool:
    """Whether a prevailing clock (litigation) has started and still runs."""
    for clock in clocks:
        if clock.prevails and kind in clock.kinds:
            ends = end_of([clock], kind, dates)
            if ends is not None and ends > today:
                return True
    return False


def _retention(clocks: tuple[Clock, ...], kind: SubjectKind, records: list[Held], person: PersonEvents) -> date | None:
    """The latest end among the records (None: at least one record has no end yet, its life still runs)."""
    latest: date | None = None
    for record in records:
        end = end_of(clocks, kind, _dates(person, record))
        if end is None:
            return None
        latest = end if latest is None or end > latest else latest
    return latest


def erasure(
    policy: Policy, kind: SubjectKind, processing: str, records: list[Held], person: PersonEvents, today: date
) -> Ruling:
    """Erasure of the person's data in one processing (GDPR 17)."""
    basis = policy.legal_basis[processing]
    if basis is LegalBasis.CONSENT:
        return Ruling(
            processing, True, "traitement fondé sur le consentement, retiré par la demande (RGPD, art. 17(1)(b))"
        )
    if not records:
        return Ruling(processing, True, "aucune donnée détenue pour ce traitement : rien à effacer (RGPD, art. 17(1))")
    clocks = policy.retention_rules(processing)
    if any(_litigation(clocks, kind, _dates(person, r), today) for r in records):
        return Ruling(processing, False, _LEGAL_CLAIMS)
    end = _retention(clocks, kind, records, person)
    if end is not None and end <= today:
        return Ruling(
            processing,
            True,
            f"données qui ne sont plus nécessaires : durée de conservation échue le {end.strftime('%d/%m/%Y')} "
            "(RGPD, art. 17(1)(a))",
        )
    running = (
        f"la durée de conservation court jusqu'au {end.strftime('%d/%m/%Y')}"
        if end is not None
        else "la durée de conservation n'a pas commencé à courir (les données servent encore le traitement)"
    )
    uses_health = bool(policy.categories_of.get((processing, kind), frozenset()) & HEALTH_CATEGORIES)
    held_health = any(r.category in HEALTH_CATEGORIES for r in records)
    if basis is LegalBasis.PUBLIC_TASK and uses_health and held_health:
        return Ruling(processing, False, f"{_PUBLIC_HEALTH} ; {running}")
    return Ruling(processing, False, f"{_BASIS_REFUSAL[basis]} ; {running}")


def objection(policy: Policy, processing: str) -> Ruling:
    """Objection (GDPR 21), or withdrawal of consent (GDPR 7(3)) for a consent-based processing."""
    if policy.legal_basis[processing] is LegalBasis.CONSENT:
        return Ruling(
            processing, True, "retrait du consentement, sans effet sur les traitements antérieurs (RGPD, art. 7(3))"
        )
    if processing in policy.objection_allowed:
        return Ruling(
            processing, True, "le registre prévoit le droit d'opposition pour ce traitement (RGPD, art. 21(1))"
        )
    return Ruling(
        processing,
        False,
        "mission d'intérêt public fixée par la loi : le droit d'opposition ne s'applique pas à ce traitement "
        "(RGPD, art. 21(1) et 23 ; loi Informatique et Libertés, art. 56)",
    )


def portability(policy: Policy, processing: str) -> Ruling:
    """Portability (GDPR 20): only data processed on consent or contract, by automated means."""
    if policy.legal_basis[processing] is LegalBasis.CONSENT:
        return Ruling(
            processing,
            True,
            "traitement fondé sur le consentement : données remises au format JSON (RGPD, art. 20(1)(a))",
        )
    basis = LEGAL_BASIS_LABELS[policy.legal_basis[processing]]
    return Ruling(
        processing,
        False,
        f"traitement fondé sur : {basis} ; ni sur le consentement ni sur un contrat : la portabilité ne "
        "s'applique pas (RGPD, art. 20(1)(a) et 20(3))",
    )


def rectification(policy: Policy, processing: str) -> Ruling:
    """Rectification (GDPR 16): granted; the recipients that received the data are listed (GDPR 19)."""
    recipients = tuple(sorted(policy.recipients_of.get(processing, frozenset())))
    return Ruling(
        processing,
        True,
        "donnée inexacte rectifiée (RGPD, art. 16) ; les destinataires qui l'ont reçue en sont avisés (art. 19)",
        recipients,
    )


def rulings(
    policy: Policy,
    kind: RequestKind,
    subject_kind: SubjectKind,
    processings: Iterable[str],
    held: Mapping[str, list[Held]],
    person: PersonEvents,
    today: date,
) -> tuple[Ruling, ...]:
    """The outcome of a request for each processing it concerns."""
    if kind is RequestKind.ACCESS:
        return tuple(Ruling(p, True, "droit d'accès : données communiquées (RGPD, art. 15)") for p in processings)
    if kind is RequestKind.INFORMATION:
        return tuple(
            Ruling(p, True, "droit à l'information : informations communiquées (RGPD, art. 13 et 14)")
            for p in processings
        )
    if kind is RequestKind.LIMITATION:
        return (
            Ruling(
                None,
                True,
                "données limitées : seules leur conservation et la défense de droits en justice restent permises, "
                "jusqu'à la levée de la limitation (RGPD, art. 18)",
            ),
        )
    if kind is RequestKind.ERASURE:
        return tuple(erasure(policy, subject_kind, p, held.get(p, []), person, today) for p in processings)
    if kind is RequestKind.OBJECTION:
        return tuple(objection(policy, p) for p in processings)
    if kind is RequestKind.PORTABILITY:
        return tuple(portability(policy, p) for p in processings)
    return tuple(rectification(policy, p) for p in processings)


def unfounded(reason: str) -> tuple[Ruling, ...]:
    """Refusal of a manifestly unfounded or excessive request, with the DPO's reason."""
    return (Ruling(None, False, UNFOUNDED.format(reason=reason)),)


def overall(found: Iterable[Ruling]) -> Outcome:
    """Granted when every ruling grants, refused when none does, otherwise partly."""
    granted = [r.granted for r in found]
    if granted and all(granted):
        return Outcome.GRANTED
    return Outcome.PARTLY if any(granted) else Outcome.REFUSED


def concerned(
    register: Register, subject_kind: SubjectKind, named: tuple[str, ...] | None, holding: Iterable[str]
) -> list[str]:
    """The processings a request concerns: those it names, or every processing that uses data of the person's
    kind or holds records on them (the answering processing itself left out)."""
    if named is not None:
        return list(named)
    found = {p.id for p in register.processings.values() if subject_kind in p.subjects} | set(holding)
    found.discard("rights_requests")
    return sorted(found)


__all__ = [
    "Held",
    "PersonEvents",
    "concerned",
    "erasure",
    "objection",
    "overall",
    "portability",
    "rectification",
    "rulings",
    "unfounded",
]
