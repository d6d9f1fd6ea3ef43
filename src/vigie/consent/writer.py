"""Group commit for consent proofs: each proof durable before its answer, without a commit per request.

Requests `submit` a row and await it; one writer thread commits what has arrived in one transaction, then wakes
the waiting requests. It commits as soon as it is idle, never waiting for company: a lone click is committed at
once, and the clicks that arrive while a commit runs form the next group (at most `max_group` rows), so groups
grow with the load by themselves. Fifty browsers clicking at once cost a few commits, not fifty. A failed group
fails every request in it; nothing is answered before its commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from vigie.consent.queries import insert_proofs
from vigie.errors import StorageError
from vigie.store import connect

MAX_GROUP = 200
_FAILED = "choix de cookies non enregistré : base de données indisponible"


class _Group:
    __slots__ = ("done", "error", "futures", "rows")

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self.done = threading.Event()
        self.error: BaseException | None = None

    def finish(self) -> None:
        """Wake the waiting requests: threads at once, each event loop once for all its requests in the group
        (one wake-up of the loop, not one per request)."""
        self.done.set()
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
        for loop, future in self.futures:
            by_loop.setdefault(loop, []).append(future)
        for loop, futures in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting there any more
                loop.call_soon_threadsafe(_resolve, futures)


class ProofWriter:
    """Writes proofs through one thread; `close()` commits what is pending and stops it."""

    def __init__(self, engine: Engine, *, max_group: int = MAX_GROUP) -> None:
        self.engine = engine
        self._max_group = max_group
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._open: _Group | None = None
        self._full: deque[_Group] = deque()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="vigie-consent-writer", daemon=True)
        self._thread.start()

    def _enqueue(
        self, row: dict[str, Any], future: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]] | None
    ) -> _Group:
        with self._lock:
            if self._closing:
                raise StorageError("enregistrement des choix de cookies arrêté")
            group = self._open
            if group is None:
                group = self._open = _Group()
                self._wake.notify()  # the writer may be idle: it commits this group at once
            group.rows.append(row)
            if future is not None:
                group.futures.append(future)
            if len(group.rows) >= self._max_group:
                self._full.append(group)
                self._open = None
        return group

    def write(self, row: dict[str, Any]) -> None:
        """Record `row` and return once it is committed (StorageError if it could not be)."""
        group = self._enqueue(row, None)
        group.done.wait()
        if group.error is not None:
            raise StorageError(_FAILED) from group.error

    async def write_async(self, row: dict[str, Any]) -> None:
        """`write` for an event loop: no thread is held while the group commits."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        group = self._enqueue(row, (loop, future))
        await future
        if group.error is not None:
            raise StorageError(_FAILED) from group.error

    def close(self) -> None:
        with self._lock:
            self._closing = True
            self._wake.notify()
        self._thread.join()

    def _next(self) -> _Group | None:
        """The next group to commit, as soon as there is one; None once closed and drained."""
        with self._lock:
            while True:
                if self._full:
                    return self._full.popleft()
                group = self._open
                if group is not None:
                    self._open = None
                    return group
                if self._closing:
                    return None
                self._wake.wait()

    def _commit(self, rows: Sequence[dict[str, Any]]) -> None:
        """One group, one transaction."""
        with connect(self.engine) as connection:
            insert_proofs(connection, rows)

    def _run(self) -> None:
        while (group := self._next()) is not None:
            try:
                self._commit(group.rows)
            except Exception as error:  # every failure reaches the waiting requests; the writer goes on
                group.error = error
            group.finish()


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():  # the request may have been cancelled (client gone)
            future.set_result(None)
