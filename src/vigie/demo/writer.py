"""Bulk writers: one transaction per batch, the fastest path each engine offers.

SQLite gets the raw DBAPI `executemany` with `synchronous=OFF` during the load, restored afterwards: if
the process dies, committed batches stay and the one being written is rolled back; only a power loss
mid-load could damage the file, a fair trade for demo data that is re-seeded in minutes. PostgreSQL gets
binary `COPY`, and its id sequences are moved past the ids assigned here, so later inserts do not collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine

from vigie.demo.batch import Batch

SUBJECT_COLUMNS: tuple[tuple[str, str], ...] = (  # name, PostgreSQL type for binary COPY
    ("id", "int8"),
    ("kind", "varchar"),
    ("organisation_code", "varchar"),
    ("nir_index", "bytea"),
    ("siret_index", "bytea"),
    ("wrapped_key", "bytea"),
    ("identity", "bytea"),
    ("created_on", "date"),
    ("rights_end_on", "date"),
    ("death_on", "date"),
    ("activity_end_on", "date"),
    ("restricted", "bool"),
)
RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "int8"),
    ("subject_id", "int8"),
    ("processing_id", "varchar"),
    ("category", "varchar"),
    ("payload", "bytea"),
    ("recorded_on", "date"),
    ("event", "varchar"),
    ("event_on", "date"),
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


def _subject_rows(batch: Batch, dates: Any) -> Iterator[tuple[Any, ...]]:
    return zip(
        range(batch.subject_start, batch.subject_start + batch.subjects),
        batch.kind,
        batch.organisation,
        batch.nir_index,
        batch.siret_index,
        batch.wrapped_key,
        batch.identity,
        dates(batch.created),
        dates(batch.rights_end),
        dates(batch.death),
        dates(batch.activity_end),
        [False] * batch.subjects,
        strict=True,
    )


def _record_rows(batch: Batch, dates: Any) -> Iterator[tuple[Any, ...]]:
    return zip(
        range(batch.record_start, batch.record_start + batch.records),
        batch.record_subject.tolist(),
        batch.processing,
        batch.category,
        batch.payload,
        dates(batch.recorded),
        batch.event,
        dates(batch.event_on),
        strict=True,
    )


def _insert(table: str, columns: tuple[tuple[str, str], ...]) -> str:
    names = ", ".join(name for name, _ in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608 - constants


class SqliteWriter:
    """executemany on the raw sqlite3 connection, committed per batch."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def write(self, batch: Batch) -> None:
        cursor = self.connection.cursor()
        try:
            if not self.connection.in_transaction:  # whatever the driver's isolation mode: one per batch
                cursor.execute("BEGIN")
            cursor.executemany(_insert("subjects", SUBJECT_COLUMNS), _subject_rows(batch, _iso))
            cursor.executemany(_insert("records", RECORD_COLUMNS), _record_rows(batch, _iso))
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

    def _copy(self, table: str, columns: tuple[tuple[str, str], ...], rows: Iterator[Any]) -> None:
        with self.connection.cursor() as cursor:
            statement = f"COPY {table} ({', '.join(name for name, _ in columns)}) FROM STDIN (FORMAT BINARY)"
            with cursor.copy(statement) as copy:
                copy.set_types([kind for _, kind in columns])
                for row in rows:
                    copy.write_row(row)

    def write(self, batch: Batch) -> None:
        try:
            self._copy("subjects", SUBJECT_COLUMNS, _subject_rows(batch, _objects))
            self._copy("records", RECORD_COLUMNS, _record_rows(batch, _objects))
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
