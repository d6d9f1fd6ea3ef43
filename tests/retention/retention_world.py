"""Helpers of the retention tests: people and records written straight into the vault's tables, in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert

from vigie.access.service import Gate
from vigie.clock import FixedClock
from vigie.environment import Environment
from vigie.store.schema import record_events, records, subjects
from vigie.taxonomy import SubjectKind


def add_people(connection: Connection, people: list[dict[str, Any]]) -> None:
    """Insert subjects: each needs `id` and `kind`; organisation CPAM-75 and a placeholder key by default."""
    rows = [
        {
            "organisation_code": "CPAM-75",
            "created_on": date(2000, 1, 1),
            "wrapped_key": b"k",
            "identity": b"i",
            "restricted": False,
            "rights_end_on": None,
            "death_on": None,
            "activity_end_on": None,
            **person,
            "kind": SubjectKind(person["kind"]).value,
        }
        for person in people
    ]
    connection.execute(insert(subjects), rows)


def add_records(connection: Connection, rows: list[dict[str, Any]], extra: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
    """Insert records (each needs `id`, `subject_id`, `processing_id`) and extra record events."""
    full = [
        {
            "category": "rights",
            "payload": b"p",
            "recorded_on": date(2015, 1, 1),
            "event": None,
            "event_on": None,
            "file_owner_id": None,
            **row,
        }
        for row in rows
    ]
    connection.execute(insert(records), full)
    if extra:
        connection.execute(insert(record_events), list(extra))


@dataclass
class Sweeping:
    """A gate over a fresh database, with the clock it reads (moved by `on`)."""

    gate: Gate
    clock: FixedClock

    @property
    def env(self) -> Environment:
        return self.gate.env

    def on(self, day: date) -> date:
        """Move the clock to `day` (noon, Paris) and return it."""
        self.clock.set(datetime(day.year, day.month, day.day, 12, tzinfo=self.clock.timezone))
        return day
