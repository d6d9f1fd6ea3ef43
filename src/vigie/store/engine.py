"""Engines and migrations: one code path for SQLite (WAL) and PostgreSQL, chosen by URL."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from vigie.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_database(url: str) -> Engine:
    """An engine for `url`; SQLite files get their directory, WAL and foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StorageError(f"URL de base de données invalide : « {url} »") from error
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created private: SQLite gives its -wal and -shm files the same mode as the database file.
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as error:
        raise StorageError(f"base de données non prise en charge : « {parsed.drivername} »") from error


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic; unreachable servers get a clear message."""
    try:
        command.upgrade(_alembic_config(engine), revision)
    except OperationalError as error:
        raise StorageError(f"base de données injoignable : {error.orig}") from error


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A transaction: committed on success, rolled back on any error, so nothing is half-written."""
    try:
        with engine.begin() as connection:
            yield connection
    except OperationalError as error:
        raise StorageError(f"erreur de la base de données : {error.orig}") from error
