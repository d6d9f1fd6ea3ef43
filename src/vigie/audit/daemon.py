"""A journal whose writer runs in a process of its own, for throughput on a machine with spare cores.

In one process, deciding and journaling share one interpreter lock: the writer's hashing, encoding and
inserting (about 10 µs an entry) add to every decision. `ProcessJournal` keeps the `Journal` surface
(`submit`, `append`, `append_many`, `close`) but only validates and formats events here; groups of prepared
rows cross a pipe to a writer process, which chains, inserts, signs and commits them with `write_group`,
the same code as the in-process writer, and acknowledges each group only once it is committed. Receipts
resolve on that acknowledgement, so nothing is released before its entry is durable, as with `Journal`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable
from multiprocessing.connection import Connection as Pipe
from time import monotonic
from types import TracebackType
from typing import Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from vigie.audit.events import AuditEvent
from vigie.audit.journal import (
    MAX_DELAY,
    MAX_GROUP,
    AuditSink,
    Journal,
    Receipt,
    _check,
    _Group,
    prepared,
    write_group,
)
from vigie.audit.queries import WriterSql
from vigie.crypto import Keyring
from vigie.errors import JournalError


def _serve(database_url: str, signing_seed: bytes, pipe: Pipe) -> None:
    """The writer process: write each group it receives, acknowledge it with its first seq or an error."""
    from vigie.store import open_database

    engine = open_database(database_url)
    sql = WriterSql(engine.dialect.name)
    signer = Ed25519PrivateKey.from_private_bytes(signing_seed)
    connection = engine.connect()
    try:
        while True:
            try:
                group = pipe.recv()
            except EOFError:
                return
            if group is None:
                return
            try:
                first, _ = write_group(connection, sql, signer, group)
                pipe.send((first, None))
            except Exception as error:  # reported to the waiting callers; the writer goes on
                pipe.send((0, f"{type(error).__name__}: {error}"))
                with contextlib.suppress(Exception):
                    connection.close()
                connection = engine.connect()
    finally:
        with contextlib.suppress(Exception):
            connection.close()
        engine.dispose()
        pipe.close()


class ProcessJournal:
    """`Journal`'s surface, with the writing done by a child process; `close()` it or use it in a `with`."""

    def __init__(
        self, database_url: str, keyring: Keyring, *, max_group: int = MAX_GROUP, max_delay: float = MAX_DELAY
    ) -> None:
        context = multiprocessing.get_context("spawn")  # no fork: the parent holds threads and connections
        self._pipe, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(database_url, keyring.signing_seed, child), name="vigie-audit-writer", daemon=True
        )
        self._process.start()
        child.close()
        self._max_group = max_group
        self._max_delay = max_delay
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._open: _Group | None = None
        self._in_flight: deque[_Group] = deque()
        self._closing = False
        self._broken: str | None = None
        self._timer = threading.Thread(target=self._send_aged, name="vigie-audit-timer", daemon=True)
        self._reader = threading.Thread(target=self._read_acks, name="vigie-audit-acks", daemon=True)
        self._timer.start()
        self._reader.start()

    def submit(self, event: AuditEvent) -> Receipt:
        """Queue one event without waiting; the receipt gives its seq once the writer process committed it."""
        row = prepared(_check(event))
        with self._lock:
            if self._closing or self._broken:
                raise JournalError(f"journal d'audit fermé : entrée refusée{self._why()}")
            group = self._open
            if group is None:
                group = self._open = _Group([])
                self._wake.notify()
            rows = group.events
            rows.append(row)
            index = len(rows) - 1
            if index + 1 >= self._max_group:
                self._send(group)
        return Receipt(group, index)

    def append(self, event: AuditEvent) -> int:
        """Record one event and return its seq once committed."""
        return self.submit(event).wait()

    def append_many(self, events: Iterable[AuditEvent]) -> list[int]:
        """Record many events in one transaction (all or none), after everything submitted before."""
        group = _Group([prepared(_check(event)) for event in events])
        if not group.events:
            return []
        with self._lock:
            if self._closing or self._broken:
                raise JournalError(f"journal d'audit fermé : entrées refusées{self._why()}")
            if self._open is not None:
                self._send(self._open)
            self._send(group)
        first = Receipt(group, 0).wait()
        return list(range(first, first + len(group.events)))

    def close(self) -> None:
        """Send what is pending, let the writer process commit it, then stop it."""
        with self._lock:
            if not self._closing:
                self._closing = True
                if self._open is not None and not self._broken:
                    self._send(self._open)
                with contextlib.suppress(OSError):
                    self._pipe.send(None)
                self._wake.notify()
        self._reader.join()
        self._timer.join()
        self._process.join(timeout=10)
        self._pipe.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _why(self) -> str:
        return f" ({self._broken})" if self._broken else ""

    def _send(self, group: _Group) -> None:
        """With the lock held: hand a group to the writer process (groups are acknowledged in this order)."""
        if self._open is group:
            self._open = None
        self._in_flight.append(group)
        try:
            self._pipe.send(group.events)
        except OSError as error:
            self._in_flight.pop()
            group.error = JournalError(f"processus d'écriture du journal injoignable : {error}")
            group.done.set()

    def _send_aged(self) -> None:
        """Send the open group once it is `max_delay` old, so a lone entry is never held back longer."""
        with self._lock:
            while not self._closing:
                group = self._open
                if group is None:
                    self._wake.wait()
                    continue
                remaining = group.opened + self._max_delay - monotonic()
                if remaining <= 0:
                    self._send(group)
                else:
                    self._wake.wait(remaining)

    def _read_acks(self) -> None:
        """Resolve receipts as the writer process acknowledges groups; if it dies, fail what it held."""
        while True:
            try:
                first, error = self._pipe.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                group = self._in_flight.popleft()
            if error is None:
                group.first_seq = first
            else:
                group.error = JournalError(error)
            group.done.set()
        with self._lock:
            if not self._closing:
                self._broken = "le processus d'écriture du journal s'est arrêté"
            failed, self._in_flight = list(self._in_flight), deque()
            if self._open is not None:
                failed.append(self._open)
                self._open = None
            self._closing = True
            self._wake.notify()
        for group in failed:
            group.error = JournalError("entrée non enregistrée : le processus d'écriture du journal s'est arrêté")
            group.done.set()


def open_journal(engine: Engine, keyring: Keyring, writer: str = "thread") -> AuditSink:
    """The journal a service writes to: a writer thread (`thread`) or a writer process (`process`)."""
    if writer == "process":
        return ProcessJournal(engine.url.render_as_string(hide_password=False), keyring)
    return Journal(engine, keyring)
