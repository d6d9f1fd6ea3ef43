"""Factories for the audit tests: events, a filled journal, and raw SQL tampering helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text, update

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


class Tamper:
    """Direct SQL on the journal's tables, as someone with database access would do it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(text(sql), params)

    def row(self, seq: int) -> dict[str, Any]:
        with self.engine.connect() as connection:
            found = connection.execute(select(audit_entries).where(audit_entries.c.seq == seq)).mappings().one()
        return dict(found)

    def insert(self, values: dict[str, Any]) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(audit_entries).values(values))

    def swap_contents(self, first: int, second: int) -> None:
        """Exchange every column but seq between two rows."""
        a, b = self.row(first), self.row(second)
        with self.engine.begin() as connection:
            for seq, values in ((first, b), (second, a)):
                changes = {k: v for k, v in values.items() if k != "seq"}
                connection.execute(update(audit_entries).where(audit_entries.c.seq == seq).values(changes))


@pytest.fixture
def tamper(engine: Engine) -> Tamper:
    return Tamper(engine)
