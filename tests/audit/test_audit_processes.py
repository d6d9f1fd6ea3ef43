"""Writers in separate processes (service workers, CLI commands) share one journal without forking its chain."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, select

from vigie.audit import check
from vigie.crypto import Keyring
from vigie.store.schema import audit_entries

WRITER = r"""
import os, sys, time
from datetime import UTC, datetime
from vigie.audit import AuditEvent, Journal
from vigie.crypto import Keyring
from vigie.store import open_database

url, seed, name, count, start = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
keyring = Keyring(bytes(32), bytes(32), seed)
seqs = []

def event(reason):
    return AuditEvent(action="read", allowed=True, reason=reason, at=datetime.now(UTC), agent_id=name)

with Journal(open_database(url), keyring, max_delay=0.002) as journal:
    open(start + "." + name, "w").close()  # ready: imported and connected
    while not os.path.exists(start):  # every writer starts at once
        time.sleep(0.001)
    for wave in range(0, count, 10):  # small groups, so that the writers' groups interleave
        receipts = [
            journal.submit(event(f"{name} {i}"))
            for i in range(wave, wave + 10)
        ]
        seqs += [r.wait(timeout=120) for r in receipts]
print(" ".join(map(str, seqs)))
"""


def test_three_writer_processes_appending_at_once_leave_one_unforked_chain(
    database_url: str, engine: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    """The head row's lock serialises writers across processes: no seq given twice, none lost, one chain."""
    start, count = tmp_path / "start", 200
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, database_url, keyring.signing_seed.hex(), f"w{k}", str(count), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(3)
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"start.w{k}").exists() for k in range(3)) and time.monotonic() < deadline:
        time.sleep(0.01)  # a loaded machine takes seconds to start three interpreters: wait for all of them
    start.touch()
    outputs = [writer.communicate(timeout=300) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0, 0], [err[-2000:] for _, err in outputs]
    seqs = sorted(int(seq) for out, _ in outputs for seq in out.split())
    assert seqs == list(range(1, 3 * count + 1))
    with engine.connect() as connection:
        authors = list(connection.scalars(select(audit_entries.c.agent_id).order_by(audit_entries.c.seq)))
    switches = sum(1 for before, after in itertools.pairwise(authors) if before != after)
    assert switches > 2, "the writers did not run at the same time: nothing was tested"
    report = check(engine, keyring)
    assert report.ok, report.reason
