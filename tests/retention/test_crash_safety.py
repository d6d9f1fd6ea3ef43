"""Crash safety: a real `vigie retention sweep` process killed (SIGKILL) at several points, on both engines,
loses nothing that should stay, leaves nothing half-destroyed, resumes to one certificate covering everything,
and `vigie audit verify` passes. Also: two sweepers never run at once (the lock in the database)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from vigie.store import open_database
from vigie.store.schema import audit_entries, records, retention_statistics, retention_sweeps

VIGIE = Path(sys.executable).with_name("vigie")


def _environ(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    env |= {
        "VIGIE_DATA_DIR": str(tmp_path / "donnees"),
        "VIGIE_DATABASE_URL": database_url,
        "VIGIE_DEMO": "true",
        "VIGIE_RETENTION_BATCH_SIZE": "25",
        "COLUMNS": "200",
    }
    return env


def _vigie(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VIGIE), *args], capture_output=True, text=True, env=env, timeout=300)


def _state(url: str) -> dict[str, Any]:
    engine = open_database(url, create=False)
    try:
        with engine.connect() as connection:
            run_row = connection.execute(select(retention_sweeps).order_by(retention_sweeps.c.id.desc())).first()
            return {
                "ids": set(connection.scalars(select(records.c.id))),
                "run": run_row,
                "reduced": connection.scalar(select(func.count()).select_from(retention_statistics)),
                "certificates": connection.execute(
                    select(audit_entries.c.seq, audit_entries.c.reason).where(audit_entries.c.action == "destroy")
                ).all(),
            }
    finally:
        engine.dispose()


def _kill_after(env: dict[str, str], url: str, batches: int) -> None:
    """Start a sweep and SIGKILL it once its run has committed at least `batches` batches."""
    process = subprocess.Popen(
        [str(VIGIE), "retention", "sweep"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    engine = open_database(url, create=False)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            with engine.connect() as connection:
                done = connection.scalar(
                    select(func.max(retention_sweeps.c.batches)).where(retention_sweeps.c.status == "running")
                )
            if done is not None and done >= batches:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        engine.dispose()
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


def test_a_sweep_killed_at_several_points_resumes_to_one_certificate(tmp_path: Path, database_url: str) -> None:
    env = _environ(tmp_path, database_url)
    seeded = _vigie(env, "demo", "seed", "--subjects", "400", "--json")
    assert seeded.returncode == 0, seeded.stderr
    planned = _vigie(env, "retention", "plan", "--json")
    assert planned.returncode == 0, planned.stderr
    due = json.loads(planned.stdout)["due"]
    assert due > 100  # enough batches of 25 to kill in the middle
    before = _state(database_url)["ids"]
    engine = open_database(database_url, create=False)
    with engine.connect() as connection:
        stay = set(
            connection.scalars(
                select(records.c.id).where((records.c.end_on.is_(None)) | (records.c.end_on >= func.current_date()))
            )
        )
    engine.dispose()
    for batches in (1, 3, 6):
        _kill_after(env, database_url, batches)
        state = _state(database_url)
        gone = before - state["ids"]
        assert stay <= state["ids"], "a record that should stay is gone"
        assert state["run"].status == "running"
        assert len(gone) == state["run"].destroyed, "records gone without their batch's progress marker"
        assert state["reduced"] == state["run"].reduced
        assert state["certificates"] == []
    finished = _vigie(env, "retention", "sweep", "--json")
    assert finished.returncode == 0, finished.stderr
    report = json.loads(finished.stdout)
    state = _state(database_url)
    assert report["resumed"] is True and report["destroyed"] == len(before - state["ids"]) == due
    assert [seq for seq, _ in state["certificates"]] == [report["certificate"]]
    verify = _vigie(env, "audit", "verify", "--agent", "paris-dpo")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_second_sweeper_finds_the_lock_taken_and_destroys_nothing(tmp_path: Path, database_url: str) -> None:
    env = _environ(tmp_path, database_url)
    assert _vigie(env, "demo", "seed", "--subjects", "300", "--json").returncode == 0
    engine = open_database(database_url, create=False)
    with engine.begin() as connection:  # another machine's sweeper, lease running
        connection.exec_driver_sql(
            "UPDATE retention_lock SET holder = 'autre-machine:1:abcd', expires_at = '9999-01-01T00:00:00.000000Z'"
        )
    before = _state(database_url)["ids"]
    busy = _vigie(env, "retention", "sweep")
    assert busy.returncode == 3 and "déjà en cours" in busy.stderr
    assert _state(database_url)["ids"] == before
    with engine.begin() as connection:  # a sweeper of this machine that died: its lock is taken over
        connection.exec_driver_sql(f"UPDATE retention_lock SET holder = '{os.uname().nodename[:64]}:999999999:dead'")
    engine.dispose()
    assert _vigie(env, "retention", "sweep").returncode == 0
    assert _state(database_url)["ids"] < before


def test_two_sweepers_started_together_never_both_sweep(tmp_path: Path, database_url: str) -> None:
    env = _environ(tmp_path, database_url)
    assert _vigie(env, "demo", "seed", "--subjects", "300", "--json").returncode == 0
    procs = [
        subprocess.Popen(
            [str(VIGIE), "retention", "sweep", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    state = _state(database_url)
    runs = state["run"].id
    # either one found the lock taken (exit 3), or they ran one after the other: never two runs at once
    assert codes in ([0, 0], [0, 3]), results
    assert len(state["certificates"]) == runs == codes.count(0)
    if codes == [0, 0]:
        first, second = (json.loads(out) for out, _ in results)
        assert 0 in (first["destroyed"], second["destroyed"])
