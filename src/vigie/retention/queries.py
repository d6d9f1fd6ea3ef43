"""The retention slice's SQL: holds, sweep runs and their lock, the batches a sweep destroys, the plan's counts.

Everything here is set-based: a batch is a handful of statements over a range of record ids, whatever its size.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    MetaData,
    Select,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from vigie.store.schema import legal_holds, records, retention_lock, retention_statistics, retention_sweeps, subjects

# -- holds ---------------------------------------------------------------------------------------------------


def held_record(table: Any = records) -> ColumnElement[bool]:
    """True for a record (of `table`, `records` or an alias) an active hold covers: its case, its person (in one
    or every processing), or its processing as a whole."""
    h = legal_holds
    covers = or_(
        h.c.record_id == table.c.id,
        and_(
            h.c.record_id.is_(None),
            or_(h.c.subject_id.is_(None), h.c.subject_id == table.c.subject_id),
            or_(h.c.processing_id.is_(None), h.c.processing_id == table.c.processing_id),
        ),
    )
    return select(h.c.id).where(h.c.released_on.is_(None), covers).exists()


def held_subject() -> ColumnElement[bool]:
    """True for a person an active hold names (they are not erased while it lasts)."""
    h = legal_holds
    return select(h.c.id).where(h.c.released_on.is_(None), h.c.subject_id == subjects.c.id).exists()


def insert_hold(connection: Connection, values: dict[str, Any]) -> int:
    next_id = int(connection.scalar(select(func.coalesce(func.max(legal_holds.c.id), 0))) or 0) + 1
    connection.execute(insert(legal_holds).values(id=next_id, **values))
    return next_id


def hold(connection: Connection, hold_id: int) -> Any:
    return connection.execute(select(legal_holds).where(legal_holds.c.id == hold_id)).first()


def release_hold(connection: Connection, hold_id: int, on: date, by: str) -> bool:
    done = connection.execute(
        update(legal_holds)
        .where(legal_holds.c.id == hold_id, legal_holds.c.released_on.is_(None))
        .values(released_on=on, released_by=by)
    )
    return bool(done.rowcount)


def holds(connection: Connection, *, active_only: bool) -> list[Any]:
    query = select(legal_holds).order_by(legal_holds.c.id)
    if active_only:
        query = query.where(legal_holds.c.released_on.is_(None))
    return list(connection.execute(query))


def record_exists(connection: Connection, record_id: int) -> bool:
    return connection.scalar(select(records.c.id).where(records.c.id == record_id)) is not None


# -- due records -----------------------------------------------------------------------------------------------


def due(at: date, table: Any = records, *, holds: bool = True) -> list[ColumnElement[bool]]:
    """Records whose end date has passed by `at` (the end day itself is still kept), not held; `holds=False`
    when no hold is active (checked in the same transaction), to spare the per-row test."""
    ends = [table.c.end_on < at]
    return [*ends, ~held_record(table)] if holds else ends


def any_active_hold(connection: Connection) -> bool:
    """Whether any hold is active; on PostgreSQL the holds are locked against new ones until the batch commits
    (SQLite's write lock already serialises them)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE legal_holds IN SHARE MODE")
    return connection.scalar(select(legal_holds.c.id).where(legal_holds.c.released_on.is_(None)).limit(1)) is not None


def plan_rows(connection: Connection, at: date) -> list[Any]:
    """Due records counted per processing, organisation and rule, with their earliest and latest end dates."""
    query = (
        select(
            records.c.processing_id,
            subjects.c.organisation_code,
            records.c.end_rule,
            func.count(),
            func.min(records.c.end_on),
            func.max(records.c.end_on),
        )
        .join(subjects, subjects.c.id == records.c.subject_id)
        .where(records.c.end_on.is_not(None), records.c.end_on < at)
        .group_by(records.c.processing_id, subjects.c.organisation_code, records.c.end_rule)
        .order_by(records.c.processing_id, subjects.c.organisation_code, records.c.end_rule)
    )
    return list(connection.execute(query))


def held_count(connection: Connection, at: date) -> int:
    """Due records that a hold keeps."""
    return int(
        connection.scalar(select(func.count()).select_from(records).where(records.c.end_on < at, held_record())) or 0
    )


def upcoming_rows(connection: Connection, at: date, until: date) -> list[Any]:
    """Records ending between `at` and `until`, counted per processing and month of their end."""
    month = _month(records.c.end_on, connection.dialect.name)
    query = (
        select(records.c.processing_id, month.label("month"), func.count())
        .where(records.c.end_on >= at, records.c.end_on < until)
        .group_by(records.c.processing_id, month)
        .order_by(month, records.c.processing_id)
    )
    return list(connection.execute(query))


def _month(column: Any, dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


# -- one batch of a sweep ----------------------------------------------------------------------------------------


def next_batch(connection: Connection, at: date, after: int, size: int, holds: bool) -> list[int]:
    """The ids of the next due records above `after`, in id order, locked where the engine can (PostgreSQL);
    SQLite is already serialised by the write the batch began with."""
    query = select(records.c.id).where(records.c.id > after, *due(at, holds=holds)).order_by(records.c.id).limit(size)
    if connection.dialect.name != "postgresql":
        return [int(i) for i in connection.scalars(query).all()]
    # PostgreSQL's planner, counting on many due rows above the cursor, would read the whole table and sort it at
    # every batch (a cost growing with the table times the batches); walking the primary key from the cursor
    # stops after `size` due rows. Only for this statement, within the batch's transaction.
    for setting in _PLANNER:
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    ids = [int(i) for i in connection.scalars(query.with_for_update(of=records)).all()]
    for setting in _PLANNER:  # (a failed statement rolls the transaction back, settings included)
        connection.exec_driver_sql(f"SET LOCAL {setting} = on")
    return ids


_PLANNER = ("enable_seqscan", "enable_bitmapscan", "enable_sort")


def _in_batch(first: int, last: int, at: date, holds: bool, table: Any = records) -> list[ColumnElement[bool]]:
    return [table.c.id >= first, table.c.id <= last, *due(at, table, holds=holds)]


def _of_processings(processings: list[str]) -> ColumnElement[bool]:
    """`processing_id IN (...)` as a filter on the rows the batch's id range found, never as the way in: SQLite
    (without statistics) would otherwise walk the processing index over every record of these processings,
    batch after batch, instead of the batch's range of ids (`|| ''` makes the column unindexable, same value)."""
    return records.c.processing_id.op("||")(literal("")).in_(processings)


def batch_counts(connection: Connection, first: int, last: int, at: date, holds: bool) -> list[Any]:
    """(processing, organisation, count, earliest end, latest end) of the records a batch destroys."""
    query = (
        select(
            records.c.processing_id,
            subjects.c.organisation_code,
            func.count(),
            func.min(records.c.end_on),
            func.max(records.c.end_on),
        )
        .join(subjects, subjects.c.id == records.c.subject_id)
        .where(*_in_batch(first, last, at, holds))
        .group_by(records.c.processing_id, subjects.c.organisation_code)
    )
    return list(connection.execute(query).all())


# People's pseudonyms for the batch being reduced: a temporary table, private to the connection and emptied before
# each batch, joined by the INSERT ... SELECT that writes the statistics rows (no person id is kept there).
batch_pseudonyms = Table(
    "sweep_pseudonyms",
    MetaData(),
    Column("subject_id", BigInteger, primary_key=True, autoincrement=False),
    Column("pseudonym", String(64), nullable=False),
    prefixes=["TEMPORARY"],
)


def statistics_people(first: int, last: int, at: date, holds: bool, processings: list[str]) -> Select[Any]:
    """The people whose records of `processings` the batch reduces to statistics and who have a NIR (its blind
    index says so without opening the identity): the pseudonym is computed from it (a select of subject ids)."""
    return (
        select(records.c.subject_id)
        .join(subjects, subjects.c.id == records.c.subject_id)
        .where(*_in_batch(first, last, at, holds), _of_processings(processings), subjects.c.nir_index.is_not(None))
        .distinct()
    )


def stage_pseudonyms(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Put the batch's pseudonyms (subject_id, pseudonym) in the connection's temporary table, emptied first."""
    batch_pseudonyms.create(connection, checkfirst=True)
    connection.execute(delete(batch_pseudonyms))
    if rows:
        connection.execute(insert(batch_pseudonyms), rows)


def keep_statistics(
    connection: Connection,
    first: int,
    last: int,
    at: date,
    holds: bool,
    processings: list[str],
    *,
    pseudonyms: bool = False,
) -> None:
    """Copy what statistics need of the batch's records of `processings` (no payload, no person, the month of the
    record), before they are deleted; with `pseudonyms`, each row gets its person's pseudonym from the staged
    table (`stage_pseudonyms`), else the column stays empty."""
    if not processings:
        return
    month = _month(records.c.recorded_on, connection.dialect.name)
    pseudonym: Any = batch_pseudonyms.c.pseudonym if pseudonyms else null()
    joined = records.join(subjects, subjects.c.id == records.c.subject_id)
    if pseudonyms:
        joined = joined.outerjoin(batch_pseudonyms, batch_pseudonyms.c.subject_id == records.c.subject_id)
    source = (
        select(
            records.c.processing_id,
            records.c.category,
            subjects.c.kind,
            subjects.c.organisation_code,
            month,
            records.c.end_on,
            pseudonym,
        )
        .select_from(joined)
        .where(*_in_batch(first, last, at, holds), _of_processings(processings))
    )
    columns = ["processing_id", "category", "kind", "organisation_code", "recorded_month", "ended_on", "pseudonym"]
    connection.execute(insert(retention_statistics).from_select(columns, source))


def emptied_by_batch(first: int, last: int, at: date, holds: bool) -> ColumnElement[bool]:
    """True for a person all of whose records the batch destroys: as many records in the batch as in all
    (evaluated before the delete, driven by the batch's people, so that no list of ids travels)."""
    in_batch = (
        select(records.c.subject_id, func.count().label("n"))
        .where(*_in_batch(first, last, at, holds))
        .group_by(records.c.subject_id)
        .subquery("in_batch")
    )
    other = records.alias("other")
    # Counted for the batch's people only: correlated to `subjects`, PostgreSQL evaluated it for every person.
    total = select(func.count()).select_from(other).where(other.c.subject_id == in_batch.c.subject_id).scalar_subquery()
    return and_(subjects.c.id == in_batch.c.subject_id, total == in_batch.c.n)


def delete_batch(connection: Connection, first: int, last: int, at: date, holds: bool) -> int:
    return int(connection.execute(delete(records).where(*_in_batch(first, last, at, holds))).rowcount)


# -- sweep runs --------------------------------------------------------------------------------------------------


def unfinished_run(connection: Connection) -> Any:
    return connection.execute(
        select(retention_sweeps).where(retention_sweeps.c.status == "running").order_by(retention_sweeps.c.id)
    ).first()


def new_run(connection: Connection, at: date, started_at: str, journal_seq: int) -> int:
    next_id = int(connection.scalar(select(func.coalesce(func.max(retention_sweeps.c.id), 0))) or 0) + 1
    connection.execute(
        insert(retention_sweeps).values(
            id=next_id,
            at=at,
            status="running",
            started_at=started_at,
            journal_seq=journal_seq,
            cursor=0,
            batches=0,
            destroyed=0,
            reduced=0,
            erased=0,
            digest=bytes(32),
            counts="{}",
        )
    )
    return next_id


def save_progress(connection: Connection, run_id: int, values: dict[str, Any]) -> None:
    connection.execute(update(retention_sweeps).where(retention_sweeps.c.id == run_id).values(**values))


def run(connection: Connection, run_id: int) -> Any:
    return connection.execute(select(retention_sweeps).where(retention_sweeps.c.id == run_id)).first()


def last_run(connection: Connection) -> Any:
    return connection.execute(select(retention_sweeps).order_by(retention_sweeps.c.id.desc()).limit(1)).first()


def counts_of(row: Any) -> dict[str, dict[str, int]]:
    loaded: dict[str, dict[str, int]] = json.loads(row.counts)
    return loaded


# -- the lock ----------------------------------------------------------------------------------------------------


def lock_row(connection: Connection) -> Any:
    return connection.execute(select(retention_lock).where(retention_lock.c.id == 1)).first()


def take_lock(connection: Connection, holder: str, expires_at: str, now: str, stale: str | None) -> bool:
    """Take the lock if free, expired, or held by `stale` (a holder known to be dead); atomic on both engines."""
    free = or_(retention_lock.c.holder.is_(None), retention_lock.c.expires_at < now)
    if stale is not None:
        free = or_(free, retention_lock.c.holder == stale)
    done = connection.execute(
        update(retention_lock).where(retention_lock.c.id == 1, free).values(holder=holder, expires_at=expires_at)
    )
    return bool(done.rowcount)


def renew_lock(connection: Connection, holder: str, expires_at: str) -> bool:
    done = connection.execute(
        update(retention_lock)
        .where(retention_lock.c.id == 1, retention_lock.c.holder == holder)
        .values(expires_at=expires_at)
    )
    return bool(done.rowcount)


def release_lock(connection: Connection, holder: str) -> None:
    connection.execute(
        update(retention_lock)
        .where(retention_lock.c.id == 1, retention_lock.c.holder == holder)
        .values(holder=None, expires_at=None)
    )
