"""The journal writer: group commit, so that every access is traced durably without a commit per entry.

Callers `submit` events and get a `Receipt`; one writer thread takes them in groups (at most `max_group`
entries, or whatever arrived within `max_delay` of the group's first one), chains them, inserts the group in
one transaction, signs the new head and commits; only then are the receipts resolved. Nothing is released
before its entry is committed.

Writers never fork the chain: each group starts by locking the head row (`UPDATE … RETURNING`: a row lock on
PostgreSQL, the database write lock on SQLite) and chains from what it reads there, so a second writer (another
process, a CLI command beside the service) is serialised, never forked from. That statement is the lock itself,
so re-reading the head costs no extra round trip; the last head written is also kept as `Journal.head`.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import deque
from collections.abc import Iterable
from time import monotonic
from types import TracebackType
from typing import Any, Protocol, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine

from vigie.audit.events import AuditAction, AuditEvent, categories_text, encode
from vigie.audit.queries import WriterSql
from vigie.audit.signing import head_text
from vigie.clock import SYSTEM_CLOCK
from vigie.crypto import Keyring
from vigie.errors import InvalidInput, JournalError

MAX_GROUP = 100
MAX_DELAY = 0.010
AUDIT_CATEGORIES = ("connection_logs",)
_ACTION_TEXT = {action: action.value for action in AuditAction}


class _Group:
    __slots__ = ("done", "error", "events", "first_seq", "opened")

    def __init__(self, events: list[Any]) -> None:
        self.events = events  # AuditEvents in this process's writer; prepared rows on their way to a writer process
        self.opened = monotonic()
        self.done = threading.Event()
        self.first_seq = 0
        self.error: BaseException | None = None


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
        return group.first_seq + self._index


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


class Journal:
    """Appends to the audit journal through one writer thread; use it as a context manager or `close()` it."""

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring,
        *,
        max_group: int = MAX_GROUP,
        max_delay: float = MAX_DELAY,
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
        group = _Group(batch)
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
            except Exception as error:  # every failure must reach the waiting callers, never kill the writer
                group.error = error
                self.head = None
                self._disconnect()
            finally:
                group.done.set()

    def _next_group(self) -> _Group | None:
        """With the lock held: the next group to write, waiting for one to fill or to age; None once closed."""
        while True:
            if self._ready:
                return self._ready.popleft()
            group = self._open
            if group is not None:
                remaining = group.opened + self._max_delay - monotonic()
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
        first, self.head = write_group(self._connect(), self._sql, self._signer, [prepared(e) for e in events])
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


def write_group(
    connection: Connection, sql: WriterSql, signer: Ed25519PrivateKey, group: list[Prepared]
) -> tuple[int, tuple[int, bytes]]:
    """Chain and insert one group of prepared events in one transaction, sign the new head; return the first
    seq and the new head. The head row's lock serialises every writer, thread or process."""
    sha256 = hashlib.sha256
    with connection.begin():
        cursor: Any = connection.connection.cursor()
        cursor.execute(sql.lock)
        locked = cursor.fetchall()
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
