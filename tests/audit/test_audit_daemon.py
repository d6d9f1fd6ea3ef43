"""ProcessJournal: the same guarantees as Journal, with the writing done by a child process."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from vigie.audit import AuditAction, AuditEvent, JournalError, check
from vigie.audit.daemon import ProcessJournal
from vigie.crypto import Keyring
from vigie.store import migrate
from vigie.store.schema import audit_entries


def event(n: int) -> AuditEvent:
    return AuditEvent(
        action=AuditAction.READ,
        allowed=n % 2 == 0,
        reason=f"lecture {n}",
        at=datetime.now(UTC),
        agent_id=f"agent-{n % 7}",
        purpose="social_support",
        categories=("contact",),
    )


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_concurrent_submits_get_contiguous_seqs_and_one_valid_chain(engine: Engine, keyring: Keyring) -> None:
    migrate(engine)
    seqs: list[int] = []
    lock = threading.Lock()

    def producer(k: int) -> None:
        receipts = [journal.submit(event(k * 1000 + i)) for i in range(250)]
        got = [receipt.wait(timeout=30) for receipt in receipts]
        with lock:
            seqs.extend(got)

    with ProcessJournal(url_of(engine), keyring) as journal:
        threads = [threading.Thread(target=producer, args=(k,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert journal.append_many([event(9000), event(9001)]) == [1001, 1002]
    assert sorted(seqs) == list(range(1, 1001))
    report = check(engine, keyring)
    assert report.ok and report.entries_checked == 1002


def test_a_receipt_resolves_only_once_the_entry_is_in_the_database(engine: Engine, keyring: Keyring) -> None:
    migrate(engine)
    with ProcessJournal(url_of(engine), keyring) as journal:
        seq = journal.append(event(1))
        with engine.connect() as connection:
            stored = connection.scalar(select(audit_entries.c.reason).where(audit_entries.c.seq == seq))
    assert stored == "lecture 1"


def test_a_lone_entry_is_written_within_the_group_delay(engine: Engine, keyring: Keyring) -> None:
    migrate(engine)
    with ProcessJournal(url_of(engine), keyring, max_delay=0.01) as journal:
        receipt = journal.submit(event(1))
        assert receipt.wait(timeout=5) == 1  # not held back waiting for 99 more


def test_a_dead_writer_fails_pending_receipts_and_refuses_new_entries(engine: Engine, keyring: Keyring) -> None:
    migrate(engine)
    journal = ProcessJournal(url_of(engine), keyring, max_delay=60)
    try:
        assert journal.append_many([event(0)]) == [1]
        pending = journal.submit(event(1))  # held: the group is not full and its delay is long
        pid = journal._process.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(JournalError, match="processus d'écriture"):
            pending.wait(timeout=10)
        with pytest.raises(JournalError, match="fermé"):
            journal.submit(event(2))
    finally:
        journal.close()
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(audit_entries)) == 1
    assert check(engine, keyring).ok
