"""The journal's own retention: connection traces and other entries past their period are purged under the
signed anchor, nothing younger goes, and what remains still verifies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from retention_world import Sweeping
from sqlalchemy import Engine, select

from vigie.access.service import Gate
from vigie.audit import AuditAction, AuditEvent, Journal, check
from vigie.clock import FixedClock
from vigie.environment import Environment
from vigie.retention.logs import purge_expired_logs
from vigie.store import connect
from vigie.store.schema import audit_entries


def _entry(sweeping: Sweeping, action: AuditAction, day: date) -> int:
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return sweeping.gate.journal.append(AuditEvent(action=action, allowed=True, reason="test", at=at))


def _left(sweeping: Sweeping) -> list[int]:
    with connect(sweeping.env.engine) as connection:
        return list(connection.scalars(select(audit_entries.c.seq).order_by(audit_entries.c.seq)))


def test_entries_past_a_year_are_purged_and_the_rest_still_verifies(sweeping: Sweeping) -> None:
    old_login = _entry(sweeping, AuditAction.LOGIN, date(2025, 11, 27))
    old_read = _entry(sweeping, AuditAction.READ, date(2025, 11, 27))
    last_day = _entry(sweeping, AuditAction.LOGOUT, date(2025, 11, 28))  # exactly a year: still kept
    young = _entry(sweeping, AuditAction.READ, date(2026, 6, 1))
    sweeping.on(date(2026, 11, 28))
    result = purge_expired_logs(sweeping.gate)
    assert result.purged == 2
    left = _left(sweeping)
    assert old_login not in left and old_read not in left
    assert {last_day, young} <= set(left)
    assert left[-1] > young  # the purge itself is journaled
    assert check(sweeping.env.engine, sweeping.env.keyring).ok


def test_a_longer_period_for_other_entries_keeps_them_and_what_follows(
    engine: Engine, make_env: Callable[..., Environment]
) -> None:
    clock = FixedClock(date(2026, 11, 28))
    env = make_env(engine, clock=clock, audit_log_retention="P5Y")
    with Journal(engine, env.keyring) as journal:
        _longer(Sweeping(Gate(env, journal), clock))


def _longer(sweeping: Sweeping) -> None:
    gate, env = sweeping.gate, sweeping.env
    old_login = _entry(sweeping, AuditAction.LOGIN, date(2024, 1, 1))
    old_read = _entry(sweeping, AuditAction.READ, date(2024, 1, 2))
    later_login = _entry(sweeping, AuditAction.LOGIN, date(2024, 1, 3))
    sweeping.on(date(2026, 11, 28))
    assert purge_expired_logs(gate).purged == 1
    assert _left(sweeping)[:2] == [old_read, later_login]  # nothing younger than its period went
    assert old_login not in _left(sweeping)
    assert check(env.engine, env.keyring).ok
