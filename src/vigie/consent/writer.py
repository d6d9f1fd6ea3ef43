"""Group commit for consent proofs: each proof durable before its answer, without a commit per request.

Requests `submit` a row and await it; one writer thread takes what has arrived (at most `max_group` rows, or
whatever came within `max_delay` of the first), inserts it in one transaction and commits, then wakes the
waiting requests. Fifty browsers clicking at once cost one commit, not fifty: the same idea as the audit
journal's writer (`vigie.audit.journal`). A failed group fails every request in it; nothing is answered
before its commit.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from time import monotonic
from typing import Any

from sqlalchemy import Engine

from vigie.consent.queries import insert_proofs
from vigie.errors import StorageError
from vigie.store import connect

MAX_GROUP = 200
MAX_DELAY = 0.002


class _Group:
    __slots__ = ("callbacks", "done", "error", "opened", "rows")

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.callbacks: list[Callable[[], object]] = []
        self.opened = monotonic()
        self.done = threading.Event()
        self.error: BaseException | None = None


class ProofWriter:
    """Writes proofs through one thread; `close()` commits what is pending and stops it."""

    def __init__(self, engine: Engine, *, max_group: int = MAX_GROUP, max_delay: float = MAX_DELAY) -> None:
        self.engine = engine
        self._max_group = max_group
        self._max_delay = max_delay
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._open: _Group | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="vigie-consent-writer", daemon=True)
        self._thread.start()

    def _enqueue(self, row: dict[str, Any], callback: Callable[[], object] | None) -> _Group:
        with self._lock:
            if self._closing:
                raise StorageError("enregistrement des choix de cookies arrêté")
            group = self._open
            if group is None:
                group = self._open = _Group()
                self._wake.notify()
            group.rows.append(row)
            if callback is not None:
                group.callbacks.append(callback)
            if len(group.rows) >= self._max_group:
                self._wake.notify()
        return group

    def write(self, row: dict[str, Any]) -> None:
        """Record `row` and return once it is committed (StorageError if it could not be)."""
        group = self._enqueue(row, None)
        group.done.wait()
        if group.error is not None:
            raise StorageError("choix de cookies non enregistré : base de données indisponible") from group.error

    async def write_async(self, row: dict[str, Any]) -> None:
        """`write` for an event loop: no thread is held while the group commits."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(_resolve, future)

        group = self._enqueue(row, wake)
        await future
        if group.error is not None:
            raise StorageError("choix de cookies non enregistré : base de données indisponible") from group.error

    def close(self) -> None:
        with self._lock:
            self._closing = True
            self._wake.notify()
        self._thread.join()

    def _next(self) -> _Group | None:
        with self._lock:
            while True:
                group = self._open
                if group is not None:
                    remaining = group.opened + self._max_delay - monotonic()
                    if remaining <= 0 or self._closing or len(group.rows) >= self._max_group:
                        self._open = None
                        return group
                    self._wake.wait(remaining)
                elif self._closing:
                    return None
                else:
                    self._wake.wait()

    def _run(self) -> None:
        while (group := self._next()) is not None:
            try:
                with connect(self.engine) as connection:
                    insert_proofs(connection, group.rows)
            except Exception as error:  # every failure reaches the waiting requests; the writer goes on
                group.error = error
            group.done.set()
            for callback in group.callbacks:
                callback()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():  # the request may have been cancelled (client gone)
        future.set_result(None)
