"""Factories for the audit tests: events, a filled journal, and raw SQL tampering helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update

from vigie.audit import AuditAction, AuditEvent, Journal, subject_pseudonym
from vigie.crypto import Keyring
from vigie.store.schema import audit_entries

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

EventFactory = Callable[..., AuditEvent]


@pytest.fixture
def make_event(keyring: Keyring) -> EventFactory:
    """Build a plausible access event; keyword arguments override fields."""

    def build(i: int = 0, **fields: Any) -> AuditEvent:
        values: dict[str, Any] = {
            "action": AuditAction.READ,
            "allowed": i % 7 != 3,
            "reason": f"consultation n°{i} — besoin d'en connaître",
            "at": T0 + timedelta(seconds=i, microseconds=i),
            "agent_id": f"agent-{i % 5}",
            "subject_ref": subject_pseudonym(keyring, 1000 + i % 11),
            "purpose": "gestion_des_droits",
            "categories": ("identification", "health.care") if i % 2 else ("rights",),
            "recipient": "CAF" if i % 3 == 0 else None,
            "source": "10.0.0.7" if i % 4 == 0 else None,
        }
        values.update(fields)
        return AuditEvent(**values)

    return build


@pytest.fixture
def fill(engine: Engine, keyring: Keyring, make_event: EventFactory) -> Callable[[int], list[int]]:
    """Append `n` events through a Journal and return their seqs."""

    def run(n: int) -> list[int]:
        with Journal(engine, keyring) as journal:
            return journal.append_many(make_event(i) for i in range(n))

    return run


def execute(engine: Engine, sql: str, **params: Any) -> None:
    """Tamper directly in the database, as someone with SQL access would."""
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def row(engine: Engine, seq: int) -> dict[str, Any]:
    with engine.connect() as connection:
        found = connection.execute(select(audit_entries).where(audit_entries.c.seq == seq)).mappings().one()
    return dict(found)


def swap_contents(engine: Engine, first: int, second: int) -> None:
    """Exchange every column but seq between two rows."""
    a, b = row(engine, first), row(engine, second)
    with engine.begin() as connection:
        for seq, values in ((first, b), (second, a)):
            values = {k: v for k, v in values.items() if k != "seq"}
            connection.execute(update(audit_entries).where(audit_entries.c.seq == seq).values(values))
