"""ProcessJournal: the same guarantees as Journal, with the writing done by a child process."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from vigie.audit import AuditAction, AuditEvent, check
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


def test_by_default_a_lone_entry_goes_to_the_writer_at_once(engine: Engine, keyring: Keyring) -> None:
    """Idle commit: a fixed 10 ms wait for company would put each of these appends at 10 ms or more."""
    migrate(engine)
    took: list[float] = []
    with ProcessJournal(url_of(engine), keyring) as journal:
        journal.append(event(0))  # the writer process is up
        for i in range(1, 22):
            started = time.perf_counter()
            journal.append(event(i))
            took.append(time.perf_counter() - started)
    assert statistics.median(took) < 0.005


def test_by_default_entries_that_arrive_while_the_writer_is_busy_share_groups(engine: Engine, keyring: Keyring) -> None:
    migrate(engine)
    with ProcessJournal(url_of(engine), keyring) as journal:
        receipts = [journal.submit(event(i)) for i in range(600)]
        assert [receipt.wait(timeout=30) for receipt in receipts] == list(range(1, 601))
    groups = {id(receipt._group) for receipt in receipts}
    assert len(groups) < 100  # at most two single entries go ahead; the rest gathered while those were written
    assert check(engine, keyring).ok
