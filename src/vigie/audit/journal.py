"""The journal writer: group commit, so that every access is traced durably without a commit per entry.

Callers `submit` events and get a `Receipt`; one writer thread takes them in groups, chains them, inserts the
group in one transaction, signs the new head and commits; only then are the receipts resolved. Nothing is
released before its entry is committed.

Groups form by themselves (« idle commit »): the writer takes whatever is waiting as soon as it is free, at most
`max_group` entries, so a lone entry is committed at once and never waits for company, while under load the
entries that arrive during one commit make up the next group. A fixed `max_delay` (wait that long after a
group's first entry for others to join) is still accepted, for tests that need a given grouping; it only ever
adds latency.

Writers never fork the chain: each group starts by locking the head row (`UPDATE … RETURNING`: a row lock on
PostgreSQL, the database write lock on SQLite) and chains from what it reads there, so a second writer (another
process, a CLI command beside the service) is serialised, never forked from. That statement is the lock itself,
so re-reading the head costs no extra round trip; the last head written is also kept as `Journal.head`.

One bad entry never fails its neighbours: when a group commit fails, the group's entries are written again one
by one, so the good ones get their seqs and only the culprit's receipt raises (`append_many` stays all or
none). The last failure's cause is kept, in French, for `/health` (`problem()`), until a commit succeeds again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable
from time import monotonic
from types import TracebackType
from typing import Any, Protocol, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from vigie.audit.events import AuditAction, AuditEvent, categories_text, encode
from vigie.audit.queries import WriterSql
from vigie.audit.signing import head_text
from vigie.clock import SYSTEM_CLOCK
from vigie.crypto import Keyring
from vigie.errors import InvalidInput, JournalError

MAX_GROUP = 100
MAX_DELAY: float | None = None  # idle commit: no waiting for a group to fill
AUDIT_CATEGORIES = ("connection_logs",)
_ACTION_TEXT = {action: action.value for action in AuditAction}
log = logging.getLogger(__name__)

# What a failed write means, by SQLite error code and PostgreSQL SQLSTATE: the reason `/health` gives.
_SQLITE_CAUSES = {sqlite3.SQLITE_READONLY: "base en lecture seule", sqlite3.SQLITE_FULL: "disque plein"}
_POSTGRES_CAUSES = {"25006": "base en lecture seule", "53100": "disque plein", "53200": "mémoire épuisée"}


def write_failure(error: BaseException) -> str:
    """Why a group could not be written, in French and without any value of the entries."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _SQLITE_CAUSES:
        return _SQLITE_CAUSES[code & 0xFF]
    state = getattr(cause, "sqlstate", None)
    if state in _POSTGRES_CAUSES:
        return _POSTGRES_CAUSES[state]
    if isinstance(error, UnicodeError):
        return "texte non encodable dans une entrée"
    if isinstance(error, JournalError):
        return str(error)
    return f"écriture impossible ({type(cause).__name__})"


def bad_entry(error: BaseException) -> bool:
    """Whether a write failed because of what an entry holds (text that cannot be stored), not the store."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(cause, UnicodeError | sqlite3.DataError):
        return True
    return str(getattr(cause, "sqlstate", "") or "").startswith("22")  # PostgreSQL's class 22: data exception


class _Group:
    __slots__ = ("_callbacks", "_lock", "atomic", "done", "error", "events", "first_seq", "opened", "outcomes")

    def __init__(self, events: list[Any], *, atomic: bool = False) -> None:
        self.events = events  # AuditEvents in this process's writer; prepared rows on their way to a writer process
        self.atomic = atomic  # all or none (append_many): never split into single writes
        self.opened = monotonic()
        self.done = threading.Event()
        self.first_seq = 0
        self.error: BaseException | None = None
        self.outcomes: list[int | str] | None = None  # per entry, once the group was written entry by entry
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], object]] | None = []

    def finish(self) -> None:
        """Mark the group written (or failed, `error` set first) and run the callbacks waiting for it."""
        with self._lock:
            self.done.set()
            callbacks, self._callbacks = self._callbacks or [], None
        for callback in callbacks:
            callback()

    def on_done(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the group is finished: now if it already is, else from the writer's thread."""
        with self._lock:
            if self._callbacks is not None:
                self._callbacks.append(callback)
                return
        callback()


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():  # the waiting request may have been cancelled (client gone)
        future.set_result(None)


class Receipt:
    """The promise of a seq: `wait` returns it once the entry is committed, or raises JournalError."""

    __slots__ = ("_group", "_index")

    def __init__(self, group: _Group, index: int) -> None:
        self._group = group
        self._index = index

    def done(self) -> bool:
        return self._group.done.is_set()

    def wait(self, timeout: float | None = None) -> int:
        group = self._group
        if not group.done.wait(timeout):
            raise JournalError(f"entrée d'audit non confirmée après {timeout} s")
        if group.error is not None:
            raise JournalError(f"entrée d'audit non enregistrée : {group.error}") from group.error
        if group.outcomes is not None:
            outcome = group.outcomes[self._index]
            if outcome.__class__ is str:
                raise JournalError(f"entrée d'audit non enregistrée : {outcome}")
            return int(outcome)
        return group.first_seq + self._index

    async def wait_async(self) -> int:
        """`wait` for an event loop: the loop serves other requests meanwhile, and no thread is held waiting."""
        if not self._group.done.is_set():
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            self._group.on_done(lambda: loop.call_soon_threadsafe(_wake, future))
            await future
        return self.wait(0)


def _check(event: object) -> AuditEvent:
    if not isinstance(event, AuditEvent):
        raise InvalidInput("événement", type(event).__name__, "AuditEvent attendu")
    return event


class AuditSink(Protocol):
    """What callers of the journal rely on; `Journal` (a writer thread) and `ProcessJournal` (a writer process)
    both provide it."""

    def submit(self, event: AuditEvent) -> Receipt: ...

    def append(self, event: AuditEvent) -> int: ...

    def append_many(self, events: Iterable[AuditEvent]) -> list[int]: ...

    def close(self) -> None: ...

    def problem(self) -> str | None:
        """Why the journal cannot write now (in French), or None when its last write succeeded."""
        ...


def write_alone(
    connect: Callable[[], Connection],
    disconnect: Callable[[], None],
    sql: WriterSql,
    signer: Ed25519PrivateKey,
    rows: list[Prepared],
) -> tuple[list[int | str], tuple[int, bytes] | None]:
    """Write each row of a group whose commit failed in its own transaction, in order: each row's seq, or why it
    could not be written; and the last head written. A failing row is logged by position and cause only."""
    outcomes: list[int | str] = []
    head: tuple[int, bytes] | None = None
    for position, row in enumerate(rows):
        try:
            seq, head = write_fresh(connect, disconnect, sql, signer, [row])
            outcomes.append(seq)
        except Exception as error:  # this row alone is refused; the others go on
            reason = write_failure(error)
            log.warning("entrée d'audit refusée (position %d du groupe) : %s", position, reason)
            outcomes.append(reason)
            disconnect()
    return outcomes, head


class Journal:
    """Appends to the audit journal through one writer thread; use it as a context manager or `close()` it."""

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring,
        *,
        max_group: int = MAX_GROUP,
        max_delay: float | None = MAX_DELAY,
        power_safe: bool = False,
    ) -> None:
        """By default a commit is as durable as the store makes it: on SQLite (WAL, synchronous=NORMAL) an
        acknowledged entry survives a crash or kill -9 of the process, on PostgreSQL a power cut too.
        `power_safe=True` makes SQLite fsync the WAL at each group commit (synchronous=FULL on the writer's own
        connection) so that it also survives a power cut, for about a fifth of the throughput."""
        self.engine = engine
        self.keyring = keyring
        self.head: tuple[int, bytes] | None = None
        self._signer = keyring.signing_key()
        self._sql = WriterSql(engine.dialect.name)
        self._max_group = max_group
        self._max_delay = max_delay
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._open: _Group | None = None
        self._ready: deque[_Group] = deque()
        self._closing = False
        self._connection: Connection | None = None
        self._fsync = power_safe and engine.dialect.name == "sqlite"
        self._store_sync = 1
        self._failure: str | None = None
        self._thread = threading.Thread(target=self._run, name="vigie-audit-writer", daemon=True)
        self._thread.start()

    def submit(self, event: AuditEvent) -> Receipt:
        """Queue one event without waiting; the receipt gives its seq once committed."""
        _check(event)
        with self._lock:
            if self._closing:
                raise JournalError("journal d'audit fermé : entrée refusée")
            group = self._open
            if group is None:
                group = self._open = _Group([])
                self._wake.notify()
            events = group.events
            events.append(event)
            index = len(events) - 1
            if index + 1 >= self._max_group:
                self._ready.append(group)
                self._open = None
                self._wake.notify()
        return Receipt(group, index)

    def append(self, event: AuditEvent) -> int:
        """Record one event and return its seq once committed."""
        return self.submit(event).wait()

    def append_many(self, events: Iterable[AuditEvent]) -> list[int]:
        """Record many events in one transaction (all or none), after everything submitted before."""
        batch = [_check(event) for event in events]
        if not batch:
            return []
        group = _Group(batch, atomic=True)
        with self._lock:
            if self._closing:
                raise JournalError("journal d'audit fermé : entrées refusées")
            if self._open is not None:
                self._ready.append(self._open)
                self._open = None
            self._ready.append(group)
            self._wake.notify()
        first = Receipt(group, 0).wait()
        return list(range(first, first + len(batch)))

    def close(self) -> None:
        """Commit what is pending, then stop the writer."""
        with self._lock:
            self._closing = True
            self._wake.notify()
        self._thread.join()
        self._disconnect()

    def problem(self) -> str | None:
        """Why the journal cannot write now, or None when its last write succeeded."""
        if self._closing:
            return "journal d'audit fermé"
        if not self._thread.is_alive():
            return "processus d'écriture du journal arrêté"
        return self._failure

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            with self._lock:
                group = self._next_group()
            if group is None:
                return
            try:
                group.first_seq = self._write(group.events)
                self._failure = None
            except Exception as error:  # every failure must reach the waiting callers, never kill the writer
                self.head = None
                self._disconnect()
                if not bad_entry(error):
                    self._failure = write_failure(error)
                if group.atomic or len(group.events) == 1:
                    group.error = error
                else:
                    self._write_alone(group)
            finally:
                group.finish()

    def _write_alone(self, group: _Group) -> None:
        """After a failed group commit: each entry on its own, so only the culprit is refused."""
        try:
            rows = [prepared(e) for e in group.events]
            group.outcomes, head = write_alone(self._connect, self._disconnect, self._sql, self._signer, rows)
        except Exception as error:  # the split itself failed: the whole group is refused
            group.error = error
            return
        if head is not None:
            self.head = head
        if any(outcome.__class__ is int for outcome in group.outcomes):
            self._failure = None  # the journal writes: the failure was the culprit's own

    def _next_group(self) -> _Group | None:
        """With the lock held: the next group to write (at once when idle commit, else once it is `max_delay`
        old), waiting for an entry when there is none; None once closed."""
        while True:
            if self._ready:
                return self._ready.popleft()
            group = self._open
            if group is not None:
                remaining = 0.0 if self._max_delay is None else group.opened + self._max_delay - monotonic()
                if remaining <= 0 or self._closing:
                    self._open = None
                    return group
                self._wake.wait(remaining)
            elif self._closing:
                return None
            else:
                self._wake.wait()

    def _connect(self) -> Connection:
        if self._connection is None:
            self._connection = self.engine.connect()
            if self._fsync:
                cursor = self._connection.connection.cursor()
                self._store_sync = cursor.execute("PRAGMA synchronous").fetchone()[0]
                cursor.execute("PRAGMA synchronous=FULL")
        return self._connection

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken connection is discarded either way
                if self._fsync:  # back to the store's setting before the connection returns to the pool
                    connection.connection.cursor().execute(f"PRAGMA synchronous={int(self._store_sync)}")
                connection.close()

    def _write(self, events: list[AuditEvent]) -> int:
        """Chain and insert one group in one transaction; return the first seq."""
        rows = [prepared(e) for e in events]
        first, self.head = write_fresh(self._connect, self._disconnect, self._sql, self._signer, rows)
        return first


Prepared = tuple[str, str, str | None, str | None, str | None, str, bool, str, str | None, str | None]


def prepared(event: AuditEvent) -> Prepared:
    """An event's columns in their canonical text: what `write_group` chains (and what crosses a pipe)."""
    return (
        # AuditEvent guarantees `at` is in UTC: this is timestamp_text, inlined for speed.
        event.at.isoformat(timespec="microseconds")[:26] + "Z",
        _ACTION_TEXT[event.action],
        event.agent_id,
        event.subject_ref,
        event.purpose,
        categories_text(event.categories),
        event.allowed,
        event.reason,
        event.recipient,
        event.source,
    )


class _HeadNotLocked(Exception):
    """The first statement of a group failed: nothing was written, so the group may be tried again."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _unstarted(error: BaseException) -> _HeadNotLocked | None:
    """The `_HeadNotLocked` behind `error`, if any: a rollback on a lost connection raises its own error."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None or isinstance(seen, _HeadNotLocked):
            return seen
        seen = seen.__context__
    return None


def write_fresh(
    connect: Callable[[], Connection],
    disconnect: Callable[[], None],
    sql: WriterSql,
    signer: Ed25519PrivateKey,
    rows: list[Prepared],
) -> tuple[int, tuple[int, bytes]]:
    """`write_group`, tried once more on a new connection when its first statement failed (a connection the
    server dropped, a restart): nothing had been written, so the retry can neither duplicate nor fork."""
    try:
        return write_group(connect(), sql, signer, rows)
    except Exception as error:
        if _unstarted(error) is None:
            raise
        disconnect()
    try:
        return write_group(connect(), sql, signer, rows)
    except Exception as error:
        unstarted = _unstarted(error)
        if unstarted is None:
            raise
        raise unstarted.cause from None


def write_group(
    connection: Connection, sql: WriterSql, signer: Ed25519PrivateKey, group: list[Prepared]
) -> tuple[int, tuple[int, bytes]]:
    """Chain and insert one group of prepared events in one transaction, sign the new head; return the first
    seq and the new head. The head row's lock serialises every writer, thread or process."""
    sha256 = hashlib.sha256
    with connection.begin():
        cursor: Any = connection.connection.cursor()
        try:
            cursor.execute(sql.lock)
            locked = cursor.fetchall()
        except Exception as error:
            raise _HeadNotLocked(error) from error
        if not locked:
            raise JournalError("tête du journal d'audit absente : la base n'est pas migrée ou a été altérée")
        seq, prev = int(locked[0][0]), bytes(locked[0][1])
        first = seq + 1
        rows: list[tuple[Any, ...]] = []
        add = rows.append
        for at, action, agent, subject, purpose, categories, allowed, reason, recipient, source in group:
            seq += 1
            canonical = encode(seq, at, action, agent, subject, purpose, categories, allowed, reason, recipient, source)
            entry_hash = sha256(prev + canonical).digest()
            add((
                seq, at, action, agent, subject, purpose, categories,
                allowed, reason, recipient, source, prev, entry_hash,
            ))  # fmt: skip
            prev = entry_hash
        sql.insert_rows(cursor, rows)
        cursor.execute(sql.head, (seq, prev, signer.sign(head_text(seq, prev))))
        cursor.close()
    return first, (seq, prev)


def probe_writable(engine: Engine) -> str | None:
    """Whether the journal could be written now: take the head row's write lock, as a group commit does, and
    roll back (nothing is written). Returns why not, in French, or None."""
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            connection.exec_driver_sql(WriterSql(engine.dialect.name).lock).fetchall()
            transaction.rollback()
    except Exception as error:  # any failure means the journal cannot be written: say why
        return write_failure(error)
    return None


def record_read(
    engine: Engine,
    keyring: Keyring,
    reason: str,
    *,
    journal: AuditSink | None = None,
    agent_id: str | None = None,
    source: str | None = None,
) -> int:
    """Trace a read of the journal itself (action audit_read), through `journal` or a short-lived one."""
    event = AuditEvent(
        action=AuditAction.AUDIT_READ,
        allowed=True,
        reason=reason,
        at=SYSTEM_CLOCK.now(),
        agent_id=agent_id,
        categories=AUDIT_CATEGORIES,
        source=source,
    )
    if journal is not None:
        return journal.append(event)
    with Journal(engine, keyring) as own:
        return own.append(event)
