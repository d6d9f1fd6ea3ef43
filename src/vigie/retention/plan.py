"""The plan: what a sweep at a date will destroy, per processing and organisation, with the rule that applies;
and what ends in the months after it. The command line draws it as a table; the DPO console as a chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from vigie.access.service import Gate
from vigie.durations import Duration
from vigie.retention import queries
from vigie.retention.ends import NOT_STARTED, refresh
from vigie.retention.sweep import check_date
from vigie.store import connect
from vigie.taxonomy import CLOCK_OWNER_LABELS, EVENT_LABELS

HORIZON = Duration(years=1)


@dataclass(frozen=True)
class PlanLine:
    """Records of one processing and organisation that one rule makes due."""

    processing: str
    organisation: str
    rule: str
    count: int
    ends_from: date
    ends_to: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "processing": self.processing,
            "organisation": self.organisation,
            "rule": self.rule,
            "count": self.count,
            "ends_from": self.ends_from.isoformat(),
            "ends_to": self.ends_to.isoformat(),
        }


@dataclass(frozen=True)
class Plan:
    """What is due at `at` (held records included in the lines, counted apart), and what ends in the next year,
    per month and processing."""

    at: date
    lines: list[PlanLine]
    held: int
    upcoming: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def due(self) -> int:
        return sum(line.count for line in self.lines) - self.held

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "due": self.due,
            "held": self.held,
            "lines": [line.to_dict() for line in self.lines],
            "upcoming": [{"month": m, "processing": p, "count": n} for m, p, n in self.upcoming],
        }


def rule_text(gate: Gate, processing: str, index: int | None) -> str:
    """The rule that set an end date, in French: its label and its clock."""
    clocks = gate.env.policy.retention_rules(processing)
    if index is None or index == NOT_STARTED or not 0 <= index < len(clocks):
        return "règle inconnue (registre modifié depuis le calcul)"
    clock = clocks[index]
    via = f", comme « {clock.via} »" if clock.via else ""
    return (
        f"{clock.label} ({clock.duration.french()} après {EVENT_LABELS[clock.event]} "
        f"{CLOCK_OWNER_LABELS[clock.of]}{via})"
    )


def plan(gate: Gate, at: date | None = None) -> Plan:
    """The plan at `at` (today by default); end dates are brought up to date first."""
    when = check_date(gate, at)
    with connect(gate.env.engine) as connection:
        refresh(connection, gate.env.policy)
    with connect(gate.env.engine) as connection:
        rows = queries.plan_rows(connection, when)
        held = queries.held_count(connection, when)
        upcoming = queries.upcoming_rows(connection, when, HORIZON.after(when))
    lines = [
        PlanLine(processing, organisation, rule_text(gate, processing, rule), int(count), low, high)
        for processing, organisation, rule, count, low, high in rows
    ]
    return Plan(when, lines, held, [(str(month), processing, int(n)) for processing, month, n in upcoming])
