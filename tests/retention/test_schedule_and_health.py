"""The daily sweep: its hour in the organisation's time zone, one sweeper at a time, and `/health` showing it."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from retention_world import Sweeping, add_people, add_records
from sqlalchemy import select

from vigie.retention import next_sweep_at, sweep_once
from vigie.store import connect
from vigie.store.schema import audit_entries, records, retention_lock
from vigie.web import create_app

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its test client; httpx, which the project installs, still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
    from starlette.testclient import TestClient

PARIS = ZoneInfo("Europe/Paris")


def test_the_next_sweep_is_at_the_hour_in_paris_today_or_tomorrow() -> None:
    before = datetime(2026, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 in Paris: today's 03:00 is still ahead
    assert next_sweep_at(before, 3, PARIS) == datetime(2026, 3, 28, 3, tzinfo=PARIS)
    after = datetime(2026, 3, 28, 2, 0, tzinfo=UTC)  # 03:00 in Paris: the next is tomorrow's
    assert next_sweep_at(after, 3, PARIS) == datetime(2026, 3, 29, 3, tzinfo=PARIS)
    assert next_sweep_at(after, 3, PARIS).utcoffset() != next_sweep_at(before, 3, PARIS).utcoffset()  # DST


def _due(sweeping: Sweeping) -> None:
    with connect(sweeping.env.engine) as connection:
        add_people(connection, [{"id": 1, "kind": "insured", "rights_end_on": date(2020, 1, 1)}])
        add_records(connection, [{"id": 1, "subject_id": 1, "processing_id": "rights_benefits"}])


def test_a_scheduled_run_skips_while_another_process_sweeps_then_sweeps_and_health_shows_it(
    sweeping: Sweeping,
) -> None:
    _due(sweeping)
    env = sweeping.env
    with connect(env.engine) as connection:
        connection.execute(retention_lock.update().values(holder="ailleurs:1:x", expires_at="9999-12-31T00:00:00Z"))
    assert sweep_once(env, sweeping.gate.journal) is None
    with connect(env.engine) as connection:
        assert connection.scalar(select(records.c.id)) == 1
        connection.execute(retention_lock.update().values(holder=None, expires_at=None))
    report = sweep_once(env, sweeping.gate.journal)
    assert report is not None and report.destroyed == 1
    with TestClient(create_app(env)) as client:
        body = client.get("/health").json()
    assert body["last_sweep"]["run"] == report.run_id
    assert body["last_sweep"]["destroyed"] == 1
    assert body["last_sweep"]["certificate"] == report.certificate
    assert body["last_sweep"]["status"] == "terminé"
    with connect(env.engine) as connection:
        actions = list(connection.scalars(select(audit_entries.c.action)))
    assert "destroy" in actions
