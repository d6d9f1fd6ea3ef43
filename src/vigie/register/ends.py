"""When a record ends, from the compiled clocks: the reference that a retention sweep's SQL must agree with.

Pure and explicit about time: it takes the dates the record's events happened, never today's date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from vigie.register.policy import Clock
from vigie.taxonomy import ClockOwner, LifecycleEvent, SubjectKind

EventDates = Mapping[tuple[ClockOwner, LifecycleEvent], date]
"""The dates a record's events happened: (whose, event) -> date. `SUBJECT` events are the person's the record is
about, `FILE_OWNER` events those of the person whose file holds it, `RECORD` events the record's own."""


def started_on(clock: Clock, dates: EventDates) -> date | None:
    """The day `clock` started: the first of its events that happened, or None."""
    found = [dates[key] for key in clock.events if key in dates]
    return min(found) if found else None


def end_of(clocks: Iterable[Clock], kind: SubjectKind, dates: EventDates) -> date | None:
    """The day a record about a person of `kind` ends, or None while none of its clocks has started.

    Only the clocks that govern `kind` count. A started clock that prevails (litigation) sets the end (the
    latest, if several); otherwise the earliest end among the started clocks does, since each is a ceiling.
    """
    ends: list[date] = []
    prevailing: list[date] = []
    for clock in clocks:
        if kind not in clock.kinds:
            continue
        start = started_on(clock, dates)
        if start is not None:
            (prevailing if clock.prevails else ends).append(clock.duration.after(start))
    if prevailing:
        return max(prevailing)
    return min(ends) if ends else None
