"""A stand-in journal for other modules' tests: it keeps the events in memory, in order, with their seq.

from vigie.audit.testing import RecordingJournal
journal = RecordingJournal()
service_under_test(..., journal=journal)
assert [e.action for e in journal.events] == [AuditAction.READ]
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from vigie.audit.events import AuditAction, AuditEvent


class _Done:
    __slots__ = ("_seq",)

    def __init__(self, seq: int) -> None:
        self._seq = seq

    def done(self) -> bool:
        return True

    def wait(self, timeout: float | None = None) -> int:
        return self._seq

    async def wait_async(self) -> int:
        return self._seq


class RecordingJournal:
    """Same `submit` / `append` / `append_many` / `close` surface as `Journal`, without a database."""

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []
        self._lock = threading.Lock()

    def submit(self, event: AuditEvent) -> _Done:
        return _Done(self.append(event))

    def append(self, event: AuditEvent) -> int:
        with self._lock:
            self.events.append(event)
            return len(self.events)

    def append_many(self, events: Iterable[AuditEvent]) -> list[int]:
        return [self.append(event) for event in events]

    def actions(self) -> list[AuditAction]:
        return [event.action for event in self.events]

    def problem(self) -> str | None:
        """Always writable."""
        return None

    def close(self) -> None:
        """Nothing to flush."""

    def __enter__(self) -> RecordingJournal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
