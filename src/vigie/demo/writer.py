"""Bulk writers: one transaction per batch, the fastest path each engine offers.

SQLite gets the raw DBAPI `executemany` with `synchronous=OFF` during the load (restored afterwards: a
crash loses at most the batch being written, never consistency, thanks to WAL). PostgreSQL gets binary
`COPY`, and its id sequences are moved past the ids assigned here, so that later inserts do not collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine

from vigie.demo.batch import Batch

SUBJECT_COLUMNS = (
    "id",
    "kind",
    "organisation_code",
    "nir_index",
    "siret_index",
    "wrapped_key",
    "identity",
    "created_on",
    "rights_end_on",
    "death_on",
    "activity_end_on",
    "restricted",
)
RECORD_COLUMNS = ("id", "subject_id", "processing_id", "category", "payload", "recorded_on", "event", "event_on")
SUBJECT_TYPES = ("int8", "varchar", "varchar", "bytea", "bytea", "bytea", "bytea", "date", "date", "date", "date", "bool")
RECORD_TYPES = ("int8", "int8", "varchar", "varchar", "bytea", "date", "varchar", "date")


class Writer(Protocol):
    def write(self, batch: Batch) -> None: ...


def _iso(dates: npt.NDArray[np.datetime64]) -> list[str | None]:
    return [None if s == "NaT" else s for s in np.datetime_as_string(dates).tolist()]


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


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


class SqliteWriter:
    """executemany on the raw sqlite3 connection, committed per batch."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def write(self, batch: Batch) -> None:
        cursor = self.connection.cursor()
        try:
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

    def _copy(self, table: str, columns: tuple[str, ...], types: tuple[str, ...], rows: Iterator[Any]) -> None:
        with self.connection.cursor() as cursor:
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
            with cursor.copy(statement) as copy:
                copy.set_types(list(types))
                for row in rows:
                    copy.write_row(row)

    def write(self, batch: Batch) -> None:
        try:
            self._copy("subjects", SUBJECT_COLUMNS, SUBJECT_TYPES, _subject_rows(batch, _objects))
            self._copy("records", RECORD_COLUMNS, RECORD_TYPES, _record_rows(batch, _objects))
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
    connection = pooled.driver_connection
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
