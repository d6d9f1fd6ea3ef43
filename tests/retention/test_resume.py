"""A sweep interrupted after its last batch, before or after writing its certificate, resumes to exactly one
certificate covering every batch (the journal is searched before writing)."""

from __future__ import annotations

from datetime import date

import pytest
from retention_world import Sweeping, add_people, add_records
from sqlalchemy import select

from vigie import retention
from vigie.access.lifecycle import journal_destruction
from vigie.audit import check
from vigie.retention import lock, queries
from vigie.retention.sweep import _destroy, certificate_text
from vigie.store import connect
from vigie.store.schema import audit_entries


def _interrupted(sweeping: Sweeping, *, certified: bool) -> int:
    """Run a sweep's batches (and its certificate when asked) as a process killed just after would have."""
    with connect(sweeping.env.engine) as connection:
        add_people(connection, [{"id": i, "kind": "insured", "rights_end_on": date(2020, 1, 1)} for i in range(1, 8)])
        add_records(connection, [{"id": i, "subject_id": i, "processing_id": "rights_benefits"} for i in range(1, 8)])
    gate, env = sweeping.gate, sweeping.env
    at = sweeping.on(date(2026, 11, 28))
    holder = lock.holder_name()
    lock.acquire(env.engine, holder, env.clock.now())
    with connect(env.engine) as connection:
        retention.refresh(connection, env.policy)
        run_id = queries.new_run(connection, at, "2026-11-28T11:00:00.000000Z", 0)
        row = queries.run(connection, run_id)
    _destroy(gate, row, holder, 3, None)
    if certified:
        with connect(env.engine) as connection:
            journal_destruction(gate, certificate_text(queries.run(connection, run_id)))
    lock.release(env.engine, holder)
    return run_id


def _certificates(sweeping: Sweeping) -> list[tuple[int, str]]:
    with connect(sweeping.env.engine) as connection:
        rows = connection.execute(
            select(audit_entries.c.seq, audit_entries.c.reason).where(audit_entries.c.action == "destroy")
        ).all()
    return [(int(seq), reason) for seq, reason in rows]


@pytest.mark.parametrize("certified", [False, True])
def test_an_interrupted_sweep_ends_with_one_certificate_for_all_its_batches(
    sweeping: Sweeping, certified: bool
) -> None:
    run_id = _interrupted(sweeping, certified=certified)
    report = retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)))
    assert (report.run_id, report.resumed, report.destroyed, report.batches) == (run_id, True, 7, 3)
    certificates = _certificates(sweeping)
    assert [seq for seq, _ in certificates] == [report.certificate]
    assert '"détruits":7' in certificates[0][1]
    assert check(sweeping.env.engine, sweeping.env.keyring).ok
