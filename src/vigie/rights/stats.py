"""Counts of requests by kind, outcome and organisation; the median time to answer; how many are overdue."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from typing import Any

from vigie.environment import Environment
from vigie.rights import queries
from vigie.store import connect


@dataclass(frozen=True)
class Stats:
    """What a DPO (or the Cnam) follows: aggregated, no personal data."""

    by_kind: dict[str, int]
    by_outcome: dict[str, int]
    by_organisation: dict[str, int]
    median_days_to_answer: float | None
    answered: int
    overdue: int
    open: int

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def stats(env: Environment, organisation: str | None, today: date) -> Stats:
    """Aggregates grouped in SQL; the median over answered requests (one row each, dates only)."""
    by_kind: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    by_organisation: dict[str, int] = {}
    with connect(env.engine) as connection:
        for org, kind, outcome, _status, count in queries.counts(connection, organisation):
            by_kind[kind] = by_kind.get(kind, 0) + count
            key = outcome or "pending"
            by_outcome[key] = by_outcome.get(key, 0) + count
            by_organisation[org] = by_organisation.get(org, 0) + count
        delays = [(answered - received).days for received, answered in queries.answer_delays(connection, organisation)]
        deadlines = queries.open_deadlines(connection, organisation)
    overdue = sum(1 for d in deadlines if d is not None and d < today)
    median = float(statistics.median(delays)) if delays else None
    return Stats(by_kind, by_outcome, by_organisation, median, len(delays), overdue, len(deadlines))


__all__ = ["Stats", "stats"]
