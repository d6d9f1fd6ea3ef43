"""The records of one batch, without their payloads: which pair, when, and which retention event.

Records fall between the subject's creation (or twelve years ago) and the end of its rights, activity or
life. Record-level retention events get a date when they have happened (an alert is dated when recorded,
social support ends months later, a DMP closes at death); an event still to come keeps its name with no
date, so the retention clock has not started. Rights end and death are subject-level: the subject's row
carries them, so such records have no event of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vigie.demo.population import Subjects
from vigie.demo.spec import Pair, SeedSpec
from vigie.taxonomy import LifecycleEvent as E

Ints = npt.NDArray[np.int64]
Dates = npt.NDArray[np.datetime64]
HISTORY_DAYS = int(12 * 365.25)
NO_END = np.iinfo(np.int64).max

EVENTS: tuple[str, ...] = tuple(e.value for e in E)
EVENT_DELAYS: dict[str, tuple[int, int]] = {
    E.PREVENTION_ACTION: (0, 0),
    E.ALERT_RECORDED: (0, 0),
    E.COOKIE_SET: (0, 0),
    E.CONSENT_GIVEN: (0, 0),
    E.SUPPORT_END: (30, 365),
    E.CASE_CLOSED_WITHOUT_ACTION: (30, 365),
    E.RATE_DECISION: (30, 400),
    E.PROGRAMME_EXIT: (90, 3 * 365),
    E.PREVENTION_PROGRAMME_END: (180, 5 * 365),
    E.FINAL_DECISION: (365, 4 * 365),
}
"""Days after the record when its event happens; the DMP closes at death instead."""


@dataclass
class Records:
    """One batch of records as columns, ordered by subject then date."""

    subject: Ints
    pair: Ints
    recorded: Dates
    event: Ints
    event_on: Dates


def flat_pairs(spec: SeedSpec) -> tuple[tuple[Pair, ...], Ints]:
    """All kinds' pairs in one table, and where each kind's pairs start in it."""
    offsets = np.cumsum([0, *(len(p) for p in spec.pairs)])[:-1].astype(np.int64)
    return tuple(pair for pairs in spec.pairs for pair in pairs), offsets


def plan_batch(spec: SeedSpec, batch_no: int, size: int) -> tuple[Ints, Ints]:
    """The kinds of a batch's subjects and their record counts: cheap, so the parent can number records."""
    rng = np.random.default_rng([spec.seed, batch_no, 0])
    shares = np.array(spec.kind_shares) / sum(spec.kind_shares)
    kinds = rng.choice(len(spec.kinds), size=size, p=shares).astype(np.int64)
    counts = rng.poisson(np.array(spec.kind_record_means)[kinds]).astype(np.int64)
    return kinds, counts


def _days(dates: Dates, missing: int) -> Ints:
    values = dates.astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(dates), missing, values)


def make_records(spec: SeedSpec, rng: np.random.Generator, subjects: Subjects, counts: Ints) -> Records:
    """Draw `counts[i]` records for each subject i, from the pairs allowed for its kind."""
    table, offsets = flat_pairs(spec)
    subject = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    kinds = subjects.kind[subject]
    pair = np.zeros(subject.size, dtype=np.int64)
    for code, pairs in enumerate(spec.pairs):
        rows = np.flatnonzero(kinds == code)
        if rows.size and pairs:
            weights = np.array([p.weight for p in pairs])
            pair[rows] = offsets[code] + rng.choice(len(pairs), size=rows.size, p=weights / weights.sum())
    today = int(np.datetime64(spec.today, "D").astype(np.int64))
    ends = np.minimum.reduce(
        [_days(subjects.rights_end, NO_END), _days(subjects.death, NO_END), _days(subjects.activity_end, NO_END)]
    )
    low = np.maximum(_days(subjects.created, today), today - HISTORY_DAYS)[subject]
    high = np.minimum(ends, today)[subject]
    high = np.maximum(high, low)
    recorded = low + (rng.random(subject.size) * (high - low + 1)).astype(np.int64)
    order = np.lexsort((recorded, subject))
    subject, pair, recorded = subject[order], pair[order], recorded[order]
    event, event_on = _events(rng, table, pair, recorded, ends[subject], _days(subjects.death, NO_END)[subject])
    event_on = np.where(event_on > today, NO_END, event_on)
    return Records(subject, pair, _to_dates(recorded), event, _to_dates(event_on))


def _events(
    rng: np.random.Generator, table: tuple[Pair, ...], pair: Ints, recorded: Ints, ends: Ints, death: Ints
) -> tuple[Ints, Ints]:
    """Each record's retention event (index in EVENTS, -1 for none) and its day (NO_END if not yet)."""
    event = np.full(pair.size, -1, dtype=np.int64)
    event_on = np.full(pair.size, NO_END, dtype=np.int64)
    for index in np.unique(pair).tolist():
        options = table[index]
        if not options.events:
            continue
        rows = np.flatnonzero(pair == index)
        weights = np.array(options.event_weights)
        chosen = rng.choice(len(options.events), size=rows.size, p=weights / weights.sum())
        for k, name in enumerate(options.events):
            sel = rows[chosen == k]
            event[sel] = EVENTS.index(name)
            if name == E.DMP_CLOSURE:
                event_on[sel] = death[sel]
                continue
            low, high = EVENT_DELAYS.get(name, (0, 0))
            delay = rng.integers(low, high + 1, size=sel.size)
            event_on[sel] = np.minimum(recorded[sel] + delay, np.maximum(ends[sel], recorded[sel]))
    return event, event_on


def _to_dates(days: Ints) -> Dates:
    dates = days.astype("datetime64[D]")
    return np.where(days == NO_END, np.datetime64("NaT"), dates)
