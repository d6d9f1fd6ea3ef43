"""The register's entries with their sources, flattened: for `register show --sources`, `register sources` and
the policy page, so that a reader can check each entry against the policy in minutes."""

from __future__ import annotations

from dataclasses import dataclass

from vigie.register.models import Processing
from vigie.register.policy import Clock
from vigie.register.register import Register
from vigie.register.sources import Source
from vigie.taxonomy import CATEGORY_LABELS, CLOCK_OWNER_LABELS, EVENT_LABELS, SUBJECT_KIND_LABELS, ClockOwner


@dataclass(frozen=True, slots=True)
class Entry:
    """One sourced entry: the processing, the field as written in the YAML, a French label, the source."""

    processing: str
    field: str
    label: str
    source: Source


def processing_entries(register: Register, processing: Processing) -> list[Entry]:
    """Every sourced entry of one processing, in the order of the register."""
    pid = processing.id
    entries = [Entry(pid, "source", f"traitement « {processing.title} »", processing.source)]
    for n, purpose in enumerate(processing.purposes):
        entries.append(Entry(pid, f"purposes[{n}]", f"finalité « {purpose.text} »", purpose.source))
    for kind, data in processing.subjects.items():
        who = SUBJECT_KIND_LABELS[kind]
        entries.append(Entry(pid, f"subjects.{kind.value}", f"données des {who}", data.source))
        if data.condition is not None:
            text = f"condition pour les {who} : {data.condition.text}"
            entries.append(Entry(pid, f"subjects.{kind.value}.condition", text, data.condition.source))
        for n, reservation in enumerate(data.reserved):
            names = ", ".join(CATEGORY_LABELS[c] for c in reservation.categories)
            to = ", ".join(reservation.roles) or "aucun rôle d'agent"
            label = f"{names} des {who} réservé(es) à : {to}"
            entries.append(Entry(pid, f"subjects.{kind.value}.reserved[{n}]", label, reservation.source))
    for n, ref in enumerate(processing.recipients):
        name = register.recipients[ref.id].name if ref.id in register.recipients else ref.id
        entries.append(Entry(pid, f"recipients[{n}]", f"destinataire : {name}", ref.source))
    for n, rule in enumerate(processing.retention):
        entries.append(Entry(pid, f"retention[{n}]", f"conservation : {rule.label}", rule.source))
    for n, mapping in enumerate(processing.event_mapping):
        label = f"{EVENT_LABELS[mapping.event]} vaut {EVENT_LABELS[mapping.counts_as]}"
        entries.append(Entry(pid, f"event_mapping[{n}]", label, mapping.source))
    if processing.archive is not None:
        label = f"archivage après : {EVENT_LABELS[processing.archive.event]}, pour {processing.archive.purpose}"
        entries.append(Entry(pid, "archive", label, processing.archive.source))
    if processing.statistics_source is not None:
        entries.append(Entry(pid, "statistics_source", "statistiques pseudonymisées", processing.statistics_source))
    if processing.cookies is not None:
        for n, cookie in enumerate(processing.cookies.items):
            entries.append(Entry(pid, f"cookies.items[{n}]", f"cookie « {cookie.name} »", cookie.source))
    return entries


def entries(register: Register) -> list[Entry]:
    """Every sourced entry of the register, theme by theme."""
    return [e for _, processings in register.by_theme() for p in processings for e in processing_entries(register, p)]


def decisions(register: Register) -> list[Entry]:
    """The entries where the register chose because the policy is silent: the list to review."""
    return [entry for entry in entries(register) if entry.source.decisions]


def clock_start(clock: Clock) -> str:
    """What starts a clock, in French: the event, and whose it is when it happens to a person."""
    event = EVENT_LABELS[clock.event]
    return event if clock.of is ClockOwner.RECORD else f"{event} {CLOCK_OWNER_LABELS[clock.of]}"
