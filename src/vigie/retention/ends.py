"""End dates in set-based SQL: one UPDATE per processing and group of kinds, agreeing with `register.ends.end_of`.

Each record's end date is a column expression over the dates its clocks' events happened (the subject's row,
the file owner's row, the record's own event), so a whole processing is dated by one statement whatever its
size. The rule that set the date is stored beside it (its index in `Policy.retention_rules`), for the plan.

`refresh` keeps the stored dates current: a processing whose rules changed since the last computation (a new
register version) is recomputed whole, and records added since are dated; `recompute_for_subject` and
`recompute_record` follow a recorded event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, case, func, null, or_, select, true, update
from sqlalchemy.sql.elements import ColumnElement

from vigie.register import Policy
from vigie.register.policy import Clock
from vigie.retention._dates import after, greatest, least
from vigie.store.schema import record_events, records, settings_table, subjects
from vigie.taxonomy import ClockOwner, LifecycleEvent, SubjectKind

PERSON_COLUMNS: dict[LifecycleEvent, str] = {
    LifecycleEvent.RIGHTS_END: "rights_end_on",
    LifecycleEvent.DEATH: "death_on",
    LifecycleEvent.ACTIVITY_END: "activity_end_on",
}
"""The subject's columns that hold the events happening to a person."""

NOT_STARTED = -1
"""`end_rule` of a record none of whose clocks has started: computed, no end date."""

_RULES = "retention.rules."

FILE_OWNER = subjects.alias("file_owner")
"""The holder of the file a record sits in: its file owner, or else its own subject; joined by the UPDATE (one
look-up per row) rather than read through a subquery in each place the date arithmetic repeats the start."""


def _event_date(owner: ClockOwner, event: LifecycleEvent, extra: bool) -> ColumnElement[Any] | None:
    column = PERSON_COLUMNS.get(event)
    if owner is ClockOwner.SUBJECT:
        return subjects.c[column] if column else None
    if owner is ClockOwner.FILE_OWNER:
        return FILE_OWNER.c[column] if column else None
    own = case((records.c.event == event.value, records.c.event_on), else_=null())
    if not extra:
        return own
    more = (
        select(record_events.c.event_on)
        .where(record_events.c.record_id == records.c.id, record_events.c.event == event.value)
        .scalar_subquery()
    )
    return case((own.is_(None), more), else_=own)


def end_expressions(
    clocks: Iterable[tuple[int, Clock]], dialect: str, *, extra: bool = False
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(end date, index of the rule that set it) for records governed by `clocks` (index, clock), as in `end_of`:
    the latest end among started prevailing clocks, else the earliest end among the started others."""
    prevailing: list[tuple[int, ColumnElement[Any]]] = []
    ceilings: list[tuple[int, ColumnElement[Any]]] = []
    starts: list[ColumnElement[Any]] = []
    for index, clock in clocks:
        dates = [d for owner, event in clock.events if (d := _event_date(owner, event, extra)) is not None]
        if not dates:
            continue
        start = least(dates, dialect)
        starts.append(start)
        end = after(start, clock.duration, dialect)
        (prevailing if clock.prevails else ceilings).append((index, end))
    if not prevailing and not ceilings:
        return null(), null()
    if len(prevailing) + len(ceilings) == 1:  # one clock: its end if started, no date arithmetic for the rule
        index, end = (*prevailing, *ceilings)[0]
        return end, case((starts[0].is_(None), NOT_STARTED), else_=index)
    final = least([e for _, e in ceilings], dialect)
    if prevailing:
        final = func.coalesce(greatest([e for _, e in prevailing], dialect), final)
    rule = case(*((end == final, index) for index, end in (*prevailing, *ceilings)), else_=NOT_STARTED)
    return final, rule


def kind_groups(clocks: tuple[Clock, ...], kinds: Iterable[SubjectKind]) -> dict[tuple[int, ...], list[SubjectKind]]:
    """The kinds of person grouped by the clocks (indexes) that govern them: one statement per group."""
    groups: dict[tuple[int, ...], list[SubjectKind]] = {}
    for kind in kinds:
        governing = tuple(i for i, clock in enumerate(clocks) if kind in clock.kinds)
        groups.setdefault(governing, []).append(kind)
    return groups


def _date_processing(
    connection: Connection, policy: Policy, processing: str, scope: ColumnElement[bool], extra_pass: bool = True
) -> int:
    """Date the records of `processing` within `scope`; returns how many rows were dated."""
    dialect = connection.dialect.name
    clocks = policy.retention_rules(processing)
    kinds = [kind for kind, _ in policy.kinds_of.get(processing, ())]
    done = 0
    for governing, group in kind_groups(clocks, kinds).items():
        chosen = [(i, clocks[i]) for i in governing]
        where = [
            records.c.subject_id == subjects.c.id,
            records.c.processing_id == processing,
            subjects.c.kind.in_([k.value for k in group]),
            scope,
        ]
        if any(o is ClockOwner.FILE_OWNER for _, c in chosen for o, _ in c.events):
            where.append(FILE_OWNER.c.id == func.coalesce(records.c.file_owner_id, records.c.subject_id))
        end, rule = end_expressions(chosen, dialect)
        rule_value = func.coalesce(rule, NOT_STARTED) if governing else NOT_STARTED
        done += connection.execute(update(records).where(*where).values(end_on=end, end_rule=rule_value)).rowcount
        if extra_pass and any(c.of is ClockOwner.RECORD for _, c in chosen):
            end, rule = end_expressions(chosen, dialect, extra=True)
            with_more = records.c.id.in_(select(record_events.c.record_id))
            connection.execute(
                update(records).where(*where, with_more).values(end_on=end, end_rule=func.coalesce(rule, NOT_STARTED))
            )
    return done


def fingerprint(clocks: tuple[Clock, ...]) -> str:
    """What of a processing's rules the end dates depend on, hashed: a new register version recomputes only the
    processings whose fingerprint changed."""
    parts = [f"{c.events}|{c.duration.iso()}|{c.prevails}|{sorted(k.value for k in c.kinds)}" for c in clocks]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _meta(connection: Connection, prefix: str) -> dict[str, str]:
    rows = connection.execute(
        select(settings_table.c.key, settings_table.c.value).where(settings_table.c.key.like(f"{prefix}%"))
    )
    return {key: value for key, value in rows}


def _set_meta(connection: Connection, values: dict[str, str]) -> None:
    if not values:
        return
    keys = list(values)
    connection.execute(settings_table.delete().where(settings_table.c.key.in_(keys)))
    connection.execute(settings_table.insert(), [{"key": k, "value": v} for k, v in values.items()])


REBUILT_INDEXES = ("ix_records_subject", "ix_records_end_on", "ix_records_file_owner", "ix_records_undated")
"""The indexes of `records` a whole recompute drops and builds again: none of them finds the rows it dates
(`ix_records_processing` does), and each dated row would otherwise insert one entry into every one of them
(PostgreSQL writes a new row version; its index entries cannot be kept): building them once, sorted, afterwards
costs a fraction of that. In the same transaction, so a crash leaves them as they were."""


def _mostly(connection: Connection, processings: list[str]) -> bool:
    """Whether `processings` hold more than half of the records (counted on the processing index)."""
    if not processings:
        return False
    total = int(connection.scalar(select(func.count()).select_from(records)) or 0)
    some = int(
        connection.scalar(select(func.count()).select_from(records).where(records.c.processing_id.in_(processings)))
        or 0
    )
    return some * 2 > total


def refresh(connection: Connection, policy: Policy) -> dict[str, int]:
    """Bring every stored end date up to date with the register; returns the rows dated per processing.

    Processings whose rules changed (or never dated) are recomputed whole; the others only for records not dated
    yet (`end_rule` empty: added since, found through a partial index). When the whole recompute covers most
    records (the first dating, a register version changing the big processings), `REBUILT_INDEXES` are dropped
    first and built again after: on PostgreSQL this holds the table for the duration of the transaction."""
    stored = _meta(connection, _RULES)
    changed = {
        processing: fingerprint(clocks)
        for processing, clocks in policy.retention.items()
        if stored.get(_RULES + processing) != fingerprint(clocks)
    }
    rebuild = _mostly(connection, sorted(changed))
    dropped = [index for index in records.indexes if index.name in REBUILT_INDEXES] if rebuild else []
    for index in dropped:
        index.drop(connection)
    undated = (
        rebuild or connection.scalar(select(records.c.id).where(records.c.end_rule.is_(None)).limit(1)) is not None
    )
    dated: dict[str, int] = {}
    for processing in sorted(policy.retention):
        if processing in changed:
            dated[processing] = _date_processing(connection, policy, processing, true())
        elif undated:
            dated[processing] = _date_processing(connection, policy, processing, records.c.end_rule.is_(None))
    for index in dropped:
        index.create(connection)
    _set_meta(connection, {_RULES + processing: value for processing, value in changed.items()})
    return dated


def recompute_for_subject(connection: Connection, policy: Policy, subject_id: int) -> int:
    """Re-date the records an event of this person moves: their own, and those of files they hold."""
    processings = connection.scalars(
        select(records.c.processing_id)
        .where(or_(records.c.subject_id == subject_id, records.c.file_owner_id == subject_id))
        .distinct()
    ).all()
    scope = or_(records.c.subject_id == subject_id, records.c.file_owner_id == subject_id)
    return sum(_date_processing(connection, policy, p, scope) for p in processings if p in policy.retention)


def recompute_record(connection: Connection, policy: Policy, record_id: int, processing: str) -> int:
    """Re-date one record after an event of its own."""
    return _date_processing(connection, policy, processing, and_(records.c.id == record_id))
