"""Engines and migrations: one code path for SQLite (WAL) and PostgreSQL, chosen by URL."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

from vigie.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_database(url: str, *, create: bool = True) -> Engine:
    """An engine for `url`; SQLite files get their directory, WAL and foreign keys.

    With `create=False` a missing SQLite file is an error rather than a new empty database, so that a
    command run on the wrong path says so and leaves nothing behind.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StorageError(f"URL de base de données invalide : « {url} »") from error
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Created private: SQLite gives its -wal and -shm files the same mode as the database file.
                with contextlib.suppress(FileExistsError):
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            elif not path.is_file():
                raise StorageError(f"base de données introuvable : {path} (créez-la avec « vigie init »)")
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as error:
        raise StorageError(f"base de données non prise en charge : « {parsed.drivername} »") from error


_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(.+)$", re.MULTILINE)


@cache
def head_revision() -> str:
    """The newest migration, read from the migration files' text so that no Alembic import is needed."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            found = re.findall(r"[\"']([^\"']+)[\"']", value)
            (revisions if name == "revision" else parents).update(found)
    heads = revisions - parents
    if len(heads) != 1:
        raise StorageError(f"migrations incohérentes : {len(heads)} révisions de tête")
    return heads.pop()


def _at_head(engine: Engine) -> bool:
    """True when the schema is already at the newest migration (one cheap query, no Alembic)."""
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return False  # no version table yet: Alembic creates it
    return versions == [head_revision()]


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic; unreachable servers get a clear message.

    A schema already at head is recognised with one query, so that commands do not pay Alembic's import.
    """
    try:
        if revision == "head" and _at_head(engine):
            return
        from alembic import command

        command.upgrade(_alembic_config(engine), revision)
    except OperationalError as error:
        raise StorageError(f"base de données injoignable : {error.orig}") from error
    except DBAPIError as error:  # e.g. a file that is not an SQLite database
        raise StorageError(f"base de données inutilisable : {error.orig}") from error


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A transaction: committed on success, rolled back on any error, so nothing is half-written."""
    try:
        with engine.begin() as connection:
            yield connection
    except OperationalError as error:
        raise StorageError(f"erreur de la base de données : {error.orig}") from error
