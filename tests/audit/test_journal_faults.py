"""The journal writer under faults: one bad entry fails no other, a dead writer process is replaced, and a
journal that cannot write says why (what `/health` reports)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from vigie.audit import AuditEvent, Journal, JournalError, check
from vigie.audit.daemon import ProcessJournal
from vigie.audit.journal import AuditSink, probe_writable
from vigie.crypto import Keyring
from vigie.errors import ConfigurationError
from vigie.store import migrate, open_database
from vigie.store.schema import audit_entries

EventFactory = Callable[..., AuditEvent]
LONE_SURROGATE = "motif \ud800"


def count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(audit_entries)) or 0)


def reasons(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(audit_entries.c.reason).order_by(audit_entries.c.seq)))


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def open_sink(kind: str, engine: Engine, keyring: Keyring, **options: Any) -> AuditSink:
    if kind == "process":
        return ProcessJournal(url_of(engine), keyring, **options)
    return Journal(engine, keyring, **options)


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_a_lone_surrogate_in_a_group_fails_only_its_own_entry(
    writer: str, engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    """The group commit fails on the culprit's text; the good entries are written on their own, in order."""
    with open_sink(writer, engine, keyring, max_delay=0.5) as journal:  # all three in one group
        good_before = journal.submit(make_event(1, reason="avant"))
        culprit = journal.submit(make_event(2, reason=LONE_SURROGATE))
        good_after = journal.submit(make_event(3, reason="après"))
        assert good_before.wait(timeout=30) == 1
        assert good_after.wait(timeout=30) == 2
        with pytest.raises(JournalError, match="non encodable"):
            culprit.wait(timeout=30)
        assert journal.problem() is None  # the culprit's text is not a sick journal
        assert journal.append(make_event(4, reason="ensuite")) == 3
    assert reasons(engine) == ["avant", "après", "ensuite"]
    assert check(engine, keyring).ok


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_a_group_written_entry_by_entry_wakes_each_awaiting_receipt_once(
    writer: str, engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    """`wait_async` after a failed group commit: the good entries get their seqs, the culprit's receipt fails,
    and the group's callbacks run exactly once."""
    calls: list[int] = []
    with open_sink(writer, engine, keyring, max_delay=0.5) as journal:  # all three in one group

        async def await_all() -> list[int | BaseException]:
            receipts = [
                journal.submit(make_event(1, reason="avant")),
                journal.submit(make_event(2, reason=LONE_SURROGATE)),
                journal.submit(make_event(3, reason="après")),
            ]
            receipts[0]._group.on_done(lambda: calls.append(1))
            waits = (asyncio.wait_for(receipt.wait_async(), 30) for receipt in receipts)
            return await asyncio.gather(*waits, return_exceptions=True)

        before, culprit, after = asyncio.run(await_all())
    assert (before, after) == (1, 2)
    assert isinstance(culprit, JournalError) and "non encodable" in str(culprit)
    assert calls == [1]
    assert reasons(engine) == ["avant", "après"]


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_append_many_stays_all_or_none_when_one_entry_is_bad(
    writer: str, engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    with open_sink(writer, engine, keyring) as journal:
        with pytest.raises(JournalError):
            journal.append_many([make_event(1), make_event(2, reason=LONE_SURROGATE), make_event(3)])
        assert journal.append(make_event(4)) == 1
    assert count(engine) == 1


def test_a_killed_writer_process_is_replaced_and_the_journal_carries_on(
    engine: Engine, keyring: Keyring, make_event: EventFactory
) -> None:
    """The group the dead writer held is refused (never acknowledged, so never released); a new writer
    process takes the next entries on the same chain."""
    journal = ProcessJournal(url_of(engine), keyring, max_delay=0.01)
    try:
        assert journal.append(make_event(0)) == 1
        first_pid = journal._process.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGSTOP)  # the writer takes the next group but never answers
        in_flight = journal.submit(make_event(1))
        time.sleep(0.2)
        os.kill(first_pid, signal.SIGKILL)
        with pytest.raises(JournalError, match="processus d'écriture"):
            in_flight.wait(timeout=10)
        deadline = time.monotonic() + 30
        while journal.restarts == 0 or journal.problem() is not None:
            assert time.monotonic() < deadline, "no new writer process"
            time.sleep(0.05)
        assert journal._process.pid != first_pid
        assert journal.append_many([make_event(2), make_event(3)]) == [2, 3]
        assert journal.append(make_event(4)) == 4
    finally:
        journal.close()
    assert count(engine) == 4
    assert check(engine, keyring).ok


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB file system of its own (tmpfs), so that a test can fill it for real; needs the right to mount."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("a full disk needs a small file system: mounting a tmpfs is not permitted here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(directory: Path) -> Path:
    """Fill the file system holding `directory` to the last byte."""
    filler = directory / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (64 * 1024, 1):
            with contextlib.suppress(OSError):
                while os.write(descriptor, bytes(size)):
                    pass
    finally:
        os.close(descriptor)
    return filler


def _postgres_read_only(engine: Engine, on: bool) -> None:
    """Make the database read-only for every new session and end the current ones, as a failover to a standby
    would."""
    name = engine.url.database
    admin = make_url(url_of(engine)).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    engine.dispose()


def big_events(make_event: EventFactory, first: int) -> list[AuditEvent]:
    return [make_event(i, reason="x" * 4000) for i in range(first, first + 200)]


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_a_full_disk_is_reported_until_a_write_succeeds_again(
    writer: str, small_disk: Path, keyring: Keyring, make_event: EventFactory
) -> None:
    """SQLite on a file system filled for real: the failed write's cause stays reported (what `/health` says)
    until the journal writes again."""
    engine = open_database(f"sqlite:///{small_disk / 'vigie.db'}")
    migrate(engine)
    try:
        with open_sink(writer, engine, keyring) as journal:
            assert journal.append(make_event(0)) == 1
            filler = fill(small_disk)
            with pytest.raises(JournalError):
                journal.append_many(big_events(make_event, 1))
            assert journal.problem() == "disque plein"
            filler.unlink()
            assert journal.append_many([make_event(300)]) == [2]
            assert journal.problem() is None
        assert check(engine, keyring).ok
    finally:
        engine.dispose()


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_a_read_only_database_is_reported_until_a_write_succeeds_again(
    writer: str, database_url: str, keyring: Keyring, make_event: EventFactory
) -> None:
    """PostgreSQL turned read-only (as after a failover to a standby): the probe and the writer say so."""
    if not database_url.startswith("postgresql"):
        pytest.skip("read-only sessions are a PostgreSQL setting; SQLite is tested on a full disk")
    engine = open_database(database_url)
    try:
        with open_sink(writer, engine, keyring) as journal:
            assert journal.append(make_event(0)) == 1
            _postgres_read_only(engine, True)
            try:
                with pytest.raises(JournalError):
                    journal.append_many(big_events(make_event, 1))
                assert journal.problem() == "base en lecture seule"
                assert probe_writable(engine) == "base en lecture seule"
            finally:
                _postgres_read_only(engine, False)
            assert journal.append_many([make_event(300)]) == [2]
            assert journal.problem() is None
            assert probe_writable(engine) is None
        assert check(engine, keyring).ok
    finally:
        engine.dispose()


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_a_database_file_that_others_may_write_is_refused_at_start(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / "vigie.db"
    open_database(f"sqlite:///{path}").dispose()
    target = path.with_name(path.name + suffix)
    target.touch()
    target.chmod(0o664)
    with pytest.raises(ConfigurationError, match=r"modifiable par d'autres utilisateurs \(droits 664\).*chmod 600"):
        open_database(f"sqlite:///{path}")
    target.chmod(0o600)
    open_database(f"sqlite:///{path}").dispose()


def test_the_categories_memo_is_bounded_in_bytes_not_only_in_entries() -> None:
    """Categories keyed by input must not pile up in memory: long lists are encoded, never memoised."""
    from vigie.audit import events

    long_list = tuple(f"catégorie-{i}-" + "x" * 1000 for i in range(10))
    assert events.categories_text(long_list).startswith('["cat')
    assert long_list not in events._CATEGORIES
    events.categories_text(("contact",))
    assert ("contact",) in events._CATEGORIES
    assert all(len(text) <= events.CATEGORIES_MEMO_TEXT for text in events._CATEGORIES.values())
