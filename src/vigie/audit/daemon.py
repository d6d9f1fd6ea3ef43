"""A journal whose writer runs in a process of its own, for throughput on a machine with spare cores.

In one process, deciding and journaling share one interpreter lock: the writer's hashing, encoding and
inserting (about 10 µs an entry) add to every decision. `ProcessJournal` keeps the `Journal` surface
(`submit`, `append`, `append_many`, `close`) but only validates and formats events here; groups of prepared
rows cross a pipe to a writer process, which chains, inserts, signs and commits them with `write_group`,
the same code as the in-process writer, and acknowledges each group only once it is committed. Receipts
resolve on that acknowledgement, so nothing is released before its entry is durable, as with `Journal`.

The writer process heals: a failed group commit is written again entry by entry there (only the culprit is
refused, as in `Journal`), and if the process dies, the groups it held are failed (their callers answer 503:
nothing unacknowledged is released) and a new process is started, after a pause that grows while it keeps dying.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable
from multiprocessing.connection import Connection as Pipe
from time import monotonic, sleep
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
    bad_entry,
    prepared,
    write_alone,
    write_failure,
    write_fresh,
)
from vigie.audit.queries import WriterSql
from vigie.crypto import Keyring
from vigie.errors import JournalError

log = logging.getLogger(__name__)


def _serve(database_url: str, signing_seed: bytes, pipe: Pipe) -> None:
    """The writer process: write each group it receives and acknowledge it with `(first seq, failure, per-entry
    outcomes)`; a store that fails is reported group by group, never a reason to exit."""
    from sqlalchemy import Connection

    from vigie.store import open_database

    engine = open_database(database_url)
    sql = WriterSql(engine.dialect.name)
    signer = Ed25519PrivateKey.from_private_bytes(signing_seed)
    held: list[Connection] = []

    def connect() -> Connection:
        if not held:
            held.append(engine.connect())
        return held[0]

    def disconnect() -> None:
        if held:
            with contextlib.suppress(Exception):
                held.pop().close()

    try:
        while True:
            try:
                message = pipe.recv()
            except EOFError:
                return
            if message is None:
                return
            atomic, group = message
            try:
                first, _ = write_fresh(connect, disconnect, sql, signer, group)
                pipe.send((first, None, None))
            except Exception as error:  # reported to the waiting callers; the writer goes on
                disconnect()
                failure = None if bad_entry(error) else write_failure(error)
                if atomic or len(group) == 1:
                    pipe.send((0, write_failure(error), failure))
                else:
                    outcomes, _ = write_alone(connect, disconnect, sql, signer, group)
                    healed = any(outcome.__class__ is int for outcome in outcomes)
                    pipe.send((0, outcomes, None if healed else failure))
    finally:
        disconnect()
        engine.dispose()
        pipe.close()


class ProcessJournal:
    """`Journal`'s surface, with the writing done by a child process; `close()` it or use it in a `with`."""

    RESPAWN_PAUSE_MAX = 5.0  # seconds between restarts of a writer that keeps dying at once
    IN_FLIGHT = 2  # idle commit: groups handed to the writer before the next one waits (one commits, one queued)

    def __init__(
        self,
        database_url: str,
        keyring: Keyring,
        *,
        max_group: int = MAX_GROUP,
        max_delay: float | None = MAX_DELAY,
    ) -> None:
        """`max_delay=None` (the default) is idle commit, as in `Journal`: the sender thread hands the open group
        to the writer process as soon as fewer than `IN_FLIGHT` are there, and it grows meanwhile (a burst
        submitted while the sender waits for the interpreter lock stays one group); a number holds each group
        that long."""
        self._database_url = database_url
        self._signing_seed = keyring.signing_seed
        self._max_group = max_group
        self._max_delay = max_delay
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._open: _Group | None = None
        self._in_flight: deque[_Group] = deque()
        self._closing = False
        self._broken: str | None = None
        self._failure: str | None = None
        self.restarts = 0
        self._start_writer()
        self._sender = threading.Thread(target=self._send_open, name="vigie-audit-sender", daemon=True)
        self._sender.start()
        self._reader = threading.Thread(target=self._read_acks, name="vigie-audit-acks", daemon=True)
        self._reader.start()

    def _start_writer(self) -> None:
        """Start a writer process and the pipe to it (at start, or with the lock held after a death)."""
        context = multiprocessing.get_context("spawn")  # no fork: the parent holds threads and connections
        self._pipe, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(self._database_url, self._signing_seed, child), name="vigie-audit-writer", daemon=True
        )
        self._process.start()
        self._started = monotonic()
        child.close()

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
        group = _Group([prepared(_check(event)) for event in events], atomic=True)
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

    def problem(self) -> str | None:
        """Why the journal cannot write now, or None when its last group was written."""
        if self._closing:
            return "journal d'audit fermé"
        if self._broken:
            return self._broken
        return self._failure

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
        self._sender.join()
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
            self._pipe.send((group.atomic, group.events))
        except OSError as error:
            self._in_flight.pop()
            group.error = JournalError(f"processus d'écriture du journal injoignable : {error}")
            group.finish()

    def _send_open(self) -> None:
        """The sender thread: hand the open group over when the writer process has room for it (idle commit),
        or once it is `max_delay` old, so a lone entry is never held back longer."""
        delay = self._max_delay
        with self._lock:
            while not self._closing:
                group = self._open
                if group is None or self._broken:
                    self._wake.wait()  # woken by a new group, by an acknowledgement or by a new writer
                    continue
                if delay is None:
                    if len(self._in_flight) < self.IN_FLIGHT:
                        self._send(group)
                    else:
                        self._wake.wait()
                    continue
                remaining = group.opened + delay - monotonic()
                if remaining <= 0:
                    self._send(group)
                else:
                    self._wake.wait(remaining)

    def _read_acks(self) -> None:
        """Resolve receipts as the writer process acknowledges groups; if it dies, fail what it held and start
        a new one."""
        pause = 0.0
        while True:
            pipe = self._pipe
            try:
                first, result, failure = pipe.recv()
            except (EOFError, OSError):
                if not self._replace_writer(pipe, pause):
                    return
                pause = min(max(pause * 2, 0.1), self.RESPAWN_PAUSE_MAX)
                continue
            with self._lock:
                group = self._in_flight.popleft()
                self._failure = failure
                self._wake.notify()  # the sender: the writer process has room for the next group
            if monotonic() - self._started > 1.0:
                pause = 0.0  # the writer lived: the next death is not a crash loop
            if result is None:
                group.first_seq = first
            elif isinstance(result, list):
                group.outcomes = result
            else:
                group.error = JournalError(result)
            group.finish()

    def _replace_writer(self, dead: Pipe, pause: float) -> bool:
        """The writer process is gone: fail the groups it held and, unless closing, start a new one after
        `pause` seconds (refusing entries meanwhile). Returns whether a new writer runs."""
        with self._lock:
            closing = self._closing
            if not closing:
                self._broken = "le processus d'écriture du journal s'est arrêté ; redémarrage en cours"
            failed, self._in_flight = list(self._in_flight), deque()
            if closing and self._open is not None:
                failed.append(self._open)
                self._open = None
        for group in failed:
            group.error = JournalError("entrée non enregistrée : le processus d'écriture du journal s'est arrêté")
            group.finish()
        with contextlib.suppress(Exception):
            dead.close()
        if closing:
            return False
        log.warning("processus d'écriture du journal arrêté (code %s) : redémarrage", self._process.exitcode)
        sleep(pause)
        with self._lock:
            if self._closing:
                return False
            self._process.join(timeout=1)
            self._start_writer()
            self.restarts += 1
            self._broken = None
            self._wake.notify_all()
        return True


def open_journal(engine: Engine, keyring: Keyring, writer: str = "thread") -> AuditSink:
    """The journal a service writes to: a writer thread (`thread`) or a writer process (`process`)."""
    if writer == "process":
        return ProcessJournal(engine.url.render_as_string(hide_password=False), keyring)
    return Journal(engine, keyring)
