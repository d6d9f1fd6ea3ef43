"""Durability: an entry whose seq was handed back survives a kill -9 of the process that wrote it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from vigie.audit import check
from vigie.crypto import Keyring
from vigie.store import migrate, open_database
from vigie.store.schema import audit_entries

CHILD = r"""
import sys, threading
from datetime import UTC, datetime
from vigie.audit import AuditEvent, Journal
from vigie.audit.daemon import ProcessJournal
from vigie.crypto import Keyring
from vigie.store import open_database

keyring = Keyring(bytes(32), bytes(32), bytes.fromhex(sys.argv[2]))
if sys.argv[3] == "process":
    journal = ProcessJournal(sys.argv[1], keyring)
else:
    journal = Journal(open_database(sys.argv[1]), keyring)
lock = threading.Lock()

def worker(k):
    i = 0
    while True:
        i += 1
        event = AuditEvent(
            action="read", allowed=True, reason=f"lecture {k}-{i}", at=datetime.now(UTC), agent_id=f"a{k}"
        )
        seq = journal.append(event)
        with lock:
            sys.stdout.write(f"{seq}\n")
            sys.stdout.flush()

for k in range(4):
    threading.Thread(target=worker, args=(k,), daemon=True).start()
threading.Event().wait()
"""


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_every_seq_printed_before_a_kill_9_is_in_the_database_and_the_chain_verifies(
    tmp_path: Path, writer: str
) -> None:
    url = f"sqlite:///{tmp_path / 'vigie.db'}"
    engine = open_database(url)
    migrate(engine)
    keyring = Keyring.generate()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, keyring.signing_seed.hex(), writer], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    printed: list[int] = []
    deadline = time.monotonic() + 30
    try:
        while len(printed) < 400 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            printed.append(int(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    printed += [int(line) for line in child.stdout.read().split()]
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert len(printed) >= 400, "the child wrote too little before the deadline"
    with engine.connect() as connection:
        stored = set(connection.scalars(select(audit_entries.c.seq)))
    assert set(printed) <= stored
    assert stored == set(range(1, len(stored) + 1))
    report = check(engine, keyring)
    assert report.ok, report.reason
    engine.dispose()
