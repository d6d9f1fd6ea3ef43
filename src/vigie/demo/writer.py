"""Bulk writers: one transaction per batch, the fastest path each engine offers.

SQLite gets the raw DBAPI `executemany` with `synchronous=OFF` during the load, restored afterwards: if
the process dies, committed batches stay and the one being written is rolled back; only a power loss
mid-load could damage the file, a fair trade for demo data that is re-seeded in minutes. PostgreSQL gets
binary `COPY`, and its id sequences are moved past the ids assigned here, so later inserts do not collide.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql

from vigie.demo.batch import Batch
from vigie.store.schema import records, subjects

Columns = tuple[tuple[str, str], ...]  # (name, PostgreSQL type for binary COPY), in the table's order


def load_columns(table: Table, filled: Iterable[str]) -> Columns:
    """The columns of `table` (from `store/schema.py`) that the loader fills, in the table's order, with the
    type binary COPY needs; a name the table lacks, or a required column left out, is a bug caught here."""
    names = set(filled)
    unknown = names - set(table.columns.keys())
    missing = {c.name for c in table.columns if not c.nullable and c.default is None and c.name not in names}
    if unknown or missing:
        raise ValueError(f"{table.name}: colonnes inconnues {sorted(unknown)}, manquantes {sorted(missing)}")
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return tuple(
        (c.name, c.type.compile(dialect=dialect).split("(")[0].lower()) for c in table.columns if c.name in names
    )


class Writer(Protocol):
    def write(self, batch: Batch) -> None: ...


_FIRST_DAY = np.datetime64("1900-01-01", "D")
_ISO_DAYS: list[str | None] = [*np.datetime_as_string(np.arange(_FIRST_DAY, np.datetime64("2101-01-01", "D"))).tolist()]
_ISO_DAYS.append(None)  # the slot NaT maps to


def _iso(dates: npt.NDArray[np.datetime64]) -> list[str | None]:
    """ISO dates as SQLite stores them (None for NaT), by table look-up: 7× faster than formatting."""
    offsets = (dates.astype("datetime64[D]") - _FIRST_DAY).astype(np.int64)
    outside = np.isnat(dates) | (offsets < 0) | (offsets >= len(_ISO_DAYS) - 1)
    if np.any(outside & ~np.isnat(dates)):
        return [None if s == "NaT" else s for s in np.datetime_as_string(dates).tolist()]
    return [_ISO_DAYS[i] for i in np.where(outside, len(_ISO_DAYS) - 1, offsets).tolist()]


def _objects(dates: npt.NDArray[np.datetime64]) -> list[Any]:
    return list(dates.astype("datetime64[D]").tolist())


def _subject_fields(batch: Batch, dates: Any) -> dict[str, Iterable[Any]]:
    return {
        "id": range(batch.subject_start, batch.subject_start + batch.subjects),
        "kind": batch.kind,
        "organisation_code": batch.organisation,
        "nir_index": batch.nir_index,
        "siret_index": batch.siret_index,
        "wrapped_key": batch.wrapped_key,
        "identity": batch.identity,
        "created_on": dates(batch.created),
        "rights_end_on": dates(batch.rights_end),
        "death_on": dates(batch.death),
        "activity_end_on": dates(batch.activity_end),
        "restricted": [False] * batch.subjects,
    }


def _record_fields(batch: Batch, dates: Any) -> dict[str, Iterable[Any]]:
    return {
        "id": range(batch.record_start, batch.record_start + batch.records),
        "subject_id": batch.record_subject.tolist(),
        "processing_id": batch.processing,
        "category": batch.category,
        "payload": batch.payload,
        "recorded_on": dates(batch.recorded),
        "event": batch.event,
        "event_on": dates(batch.event_on),
    }


def _rows(table: Table, fields: dict[str, Iterable[Any]]) -> tuple[Columns, Iterator[tuple[Any, ...]]]:
    """The columns and the rows to write, in the order the schema gives the columns."""
    columns = load_columns(table, fields)
    return columns, zip(*(fields[name] for name, _ in columns), strict=True)


def _insert(table: Table, columns: Columns) -> str:
    names = ", ".join(name for name, _ in columns)
    return f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608 - schema names


class SqliteWriter:
    """executemany on the raw sqlite3 connection, committed per batch."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def write(self, batch: Batch) -> None:
        cursor = self.connection.cursor()
        try:
            if not self.connection.in_transaction:  # whatever the driver's isolation mode: one per batch
                cursor.execute("BEGIN")
            for table, fields in ((subjects, _subject_fields(batch, _iso)), (records, _record_fields(batch, _iso))):
                columns, rows = _rows(table, fields)
                cursor.executemany(_insert(table, columns), rows)
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        finally:
            cursor.close()


class PostgresWriter:
    """Binary COPY on the raw psycopg connection, committed per batch."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def _copy(self, table: Table, fields: dict[str, Iterable[Any]]) -> None:
        columns, rows = _rows(table, fields)
        with self.connection.cursor() as cursor:
            statement = f"COPY {table.name} ({', '.join(name for name, _ in columns)}) FROM STDIN (FORMAT BINARY)"
            with cursor.copy(statement) as copy:
                copy.set_types([kind for _, kind in columns])
                for row in rows:
                    copy.write_row(row)

    def write(self, batch: Batch) -> None:
        try:
            self._copy(subjects, _subject_fields(batch, _objects))
            self._copy(records, _record_fields(batch, _objects))
            with self.connection.cursor() as cursor:
                for table, start, count in (
                    ("subjects", batch.subject_start, batch.subjects),
                    ("records", batch.record_start, batch.records),
                ):
                    if count:
                        sequence = "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)"
                        cursor.execute(sequence, (table, start + count - 1))
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise


@contextmanager
def bulk_writer(engine: Engine) -> Iterator[Writer]:
    """A writer on a raw connection of `engine`; SQLite's durability setting is restored on exit."""
    pooled = engine.raw_connection()
    connection: Any = pooled.driver_connection
    try:
        if engine.dialect.name == "sqlite":
            previous = connection.execute("PRAGMA synchronous").fetchone()[0]
            connection.execute("PRAGMA synchronous=OFF")
            try:
                yield SqliteWriter(connection)
            finally:
                connection.execute(f"PRAGMA synchronous={int(previous)}")
        else:
            yield PostgresWriter(connection)
    finally:
        pooled.close()
