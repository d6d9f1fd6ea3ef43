"""The journal writer: contiguous seqs, one chain, group commit, nothing released before it is committed."""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from vigie.audit import AuditAction, AuditEvent, Journal, JournalError, check
from vigie.audit.events import GENESIS_HASH, categories_text, chain_hash, encode, timestamp_text
from vigie.audit.testing import RecordingJournal
from vigie.crypto import Keyring
from vigie.errors import InvalidInput
from vigie.store import migrate, open_database
from vigie.store.schema import audit_entries

EventFactory = Callable[..., AuditEvent]


def stored_seqs(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.scalars(select(audit_entries.c.seq).order_by(audit_entries.c.seq)))


def test_the_first_entry_chains_from_32_zero_bytes(engine: Engine, keyring: Keyring, make_event: EventFactory) -> None:
    event = make_event(1)
    with Journal(engine, keyring) as journal:
        assert journal.append(event) == 1
    with engine.connect() as connection:
        prev, stored = connection.execute(select(audit_entries.c.prev_hash, audit_entries.c.entry_hash)).one()
    canonical = encode(
        1, timestamp_text(event.at), event.action.value, event.agent_id, event.subject_ref, event.purpose,
        categories_text(event.categories), event.allowed, event.reason, event.recipient, event.source,
    )  # fmt: skip
    assert prev == GENESIS_HASH
    assert stored == chain_hash(GENESIS_HASH, canonical)


def test_a_thousand_submits_from_eight_threads_get_seqs_1_to_1000_and_one_valid_chain(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    got: list[int] = []
    lock = threading.Lock()
    with Journal(engine, keyring) as journal:

        def worker(first: int) -> None:
            receipts = [journal.submit(make_event(first + i)) for i in range(125)]
            seqs = [receipt.wait(timeout=30) for receipt in receipts]
            with lock:
                got.extend(seqs)

        threads = [threading.Thread(target=worker, args=(k * 125,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(got) == list(range(1, 1001))
    assert stored_seqs(engine) == list(range(1, 1001))
    report = check(engine, keyring)
    assert report.ok, report.reason
    assert report.entries_checked == 1000


def test_receipts_of_one_thread_resolve_in_submission_order(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    with Journal(engine, keyring) as journal:
        receipts = [journal.submit(make_event(i)) for i in range(250)]
        assert [r.wait(timeout=30) for r in receipts] == list(range(1, 251))


class CountingJournal(Journal):
    """Records the size of every group the writer commits."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.groups: list[int] = []
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def _write(self, events: list[AuditEvent]) -> int:
        self.groups.append(len(events))
        return super()._write(events)


def test_groups_never_exceed_one_hundred_entries(engine: Engine, keyring: Keyring, make_event: EventFactory) -> None:
    with CountingJournal(engine, keyring) as journal:
        receipts = [journal.submit(make_event(i)) for i in range(450)]
        receipts[-1].wait(timeout=30)
    assert sum(journal.groups) == 450
    assert max(journal.groups) == 100
    assert len(journal.groups) < 450  # grouped, not one commit per entry


def test_a_lone_entry_is_committed_after_the_delay_without_waiting_for_company(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    with CountingJournal(engine, keyring, max_delay=0.010) as journal:
        started = time.monotonic()
        receipt = journal.submit(make_event(0))
        assert receipt.wait(timeout=5) == 1
        assert time.monotonic() - started < 2
        assert journal.groups == [1]


def test_by_default_a_lone_entry_is_committed_at_once_without_waiting_for_company(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    """Idle commit: with the writer free, each of these appends is one commit of its own, with no delay to wait
    (a fixed 10 ms wait for company would put every one of them at 10 ms or more)."""
    took: list[float] = []
    with CountingJournal(engine, keyring) as journal:
        for i in range(21):
            started = time.perf_counter()
            journal.append(make_event(i))
            took.append(time.perf_counter() - started)
    assert journal.groups == [1] * 21
    assert statistics.median(took) < 0.005


def test_by_default_what_arrives_during_a_commit_makes_up_the_next_groups(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    entered, release = threading.Event(), threading.Event()

    class HeldJournal(CountingJournal):
        def _write(self, events: list[AuditEvent]) -> int:
            if not self.groups:  # the first commit waits until the test lets it go
                entered.set()
                release.wait(10)
            return super()._write(events)

    with HeldJournal(engine, keyring) as journal:
        first = journal.submit(make_event(0))
        assert entered.wait(10)
        rest = [journal.submit(make_event(i)) for i in range(1, 151)]
        release.set()
        assert [receipt.wait(timeout=30) for receipt in [first, *rest]] == list(range(1, 152))
    assert journal.groups == [1, 100, 50]


def test_nothing_is_released_before_it_is_committed(engine: Engine, keyring: Keyring, make_event: EventFactory) -> None:
    with Journal(engine, keyring) as journal:
        receipts = [journal.submit(make_event(i)) for i in range(30)]
        for receipt in receipts:
            seq = receipt.wait(timeout=30)
            assert seq in stored_seqs(engine)


def test_append_many_is_one_transaction_after_what_was_submitted_before(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    with CountingJournal(engine, keyring, max_delay=5) as journal:
        early = journal.submit(make_event(0))
        assert journal.append_many(make_event(i) for i in range(1, 301)) == list(range(2, 302))
        assert early.wait(timeout=5) == 1
        assert journal.groups == [1, 300]
        assert journal.append_many([]) == []
    assert check(engine, keyring).ok


def test_close_flushes_pending_entries_and_then_refuses_new_ones(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    journal = Journal(engine, keyring, max_delay=60)
    receipts = [journal.submit(make_event(i)) for i in range(5)]
    journal.close()
    assert [r.wait(timeout=0) for r in receipts] == [1, 2, 3, 4, 5]
    with pytest.raises(JournalError, match="fermé"):
        journal.submit(make_event(6))


def test_two_journals_on_one_database_never_fork_the_chain(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    """Two writers (a service and a CLI command, say) each lock the head before chaining."""
    with Journal(engine, keyring) as first, Journal(engine, keyring) as second:
        receipts = []
        for i in range(200):
            receipts.append((first if i % 2 else second).submit(make_event(i)))
        seqs = [r.wait(timeout=30) for r in receipts]
    assert sorted(seqs) == list(range(1, 201))
    report = check(engine, keyring)
    assert report.ok, report.reason


def test_a_failed_commit_reaches_every_waiting_caller_as_a_journal_error(
    tmp_path: Path, keyring: Keyring, make_event: EventFactory
) -> None:
    unmigrated = open_database(f"sqlite:///{tmp_path}/vide.db")
    with Journal(unmigrated, keyring) as journal:
        receipts = [journal.submit(make_event(i)) for i in range(3)]
        for receipt in receipts:
            with pytest.raises(JournalError, match="non enregistrée"):
                receipt.wait(timeout=10)
        migrate(unmigrated)
        assert journal.append(make_event(9)) == 1  # the writer recovers once the cause is gone
    unmigrated.dispose()


def test_only_audit_events_are_accepted(engine: Engine, keyring: Keyring) -> None:
    with Journal(engine, keyring) as journal, pytest.raises(InvalidInput):
        journal.submit("lecture du dossier")  # type: ignore[arg-type]


def test_a_receipt_not_confirmed_in_time_says_so(engine: Engine, keyring: Keyring, make_event: EventFactory) -> None:
    with Journal(engine, keyring, max_delay=60) as journal:
        receipt = journal.submit(make_event(0))
        assert not receipt.done()
        with pytest.raises(JournalError, match="non confirmée"):
            receipt.wait(timeout=0.01)


def test_a_power_safe_writer_fsyncs_each_group_on_sqlite_and_gives_its_connection_back_as_it_was(
    tmp_path: Path, keyring: Keyring, make_event: EventFactory
) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'vigie.db'}")
    migrate(engine)
    with Journal(engine, keyring, power_safe=True) as journal:
        journal.append(make_event(0))
        writer = journal._connect()
        assert writer.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        writer.rollback()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL, the store's setting
    engine.dispose()


def test_the_recording_journal_lets_other_modules_assert_on_their_audit_events(make_event: EventFactory) -> None:
    with RecordingJournal() as journal:
        assert journal.append(make_event(0, action=AuditAction.DISCLOSE)) == 1
        assert journal.submit(make_event(1)).wait() == 2
        assert journal.append_many([make_event(2)]) == [3]
    assert journal.actions() == [AuditAction.DISCLOSE, AuditAction.READ, AuditAction.READ]


def test_awkward_text_is_stored_exactly_and_still_verifies(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    awkward = "tab\tnouvelle\nligne \\N \\. ; 'apostrophe' \"guillemets\" é€𝄞 \u2028 \x01 [red]balise[/]"
    with Journal(engine, keyring) as journal:
        journal.append_many(
            [make_event(0, reason=awkward, purpose=awkward, source=awkward, categories=(awkward, "nir"))]
        )
    with engine.connect() as connection:
        stored = connection.execute(select(audit_entries.c.reason, audit_entries.c.source)).one()
    assert tuple(stored) == (awkward, awkward)
    assert check(engine, keyring).ok


def test_an_event_loop_awaits_its_entry_without_a_thread_and_gets_the_same_seq_as_wait(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    """`wait_async` resolves only once the group is committed (as `wait` does), from the writer's thread."""
    with Journal(engine, keyring, max_delay=0.2) as journal:

        async def read_twice() -> tuple[bool, int, list[int], int]:
            receipt = journal.submit(make_event(1))
            pending = not receipt.done()
            seq = await asyncio.wait_for(receipt.wait_async(), 30)
            return pending, seq, stored_seqs(engine), await receipt.wait_async()

        pending, seq, stored, again = asyncio.run(read_twice())
    assert pending, "the entry was committed before the loop waited: nothing was tested"
    assert (seq, stored, again) == (1, [1], 1)


def test_an_event_loop_awaiting_a_failed_commit_gets_a_journal_error(
    tmp_path: Path, keyring: Keyring, make_event: EventFactory
) -> None:
    unmigrated = open_database(f"sqlite:///{tmp_path}/vide.db")
    with Journal(unmigrated, keyring) as journal:

        async def wait_for_one() -> int:
            return await asyncio.wait_for(journal.submit(make_event(1)).wait_async(), 30)

        with pytest.raises(JournalError, match="non enregistrée"):
            asyncio.run(wait_for_one())
    unmigrated.dispose()
