"""Storage works the same on SQLite and PostgreSQL: migrations, reference data, transactions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, inspect, select, text

from vigie.errors import StorageError
from vigie.organisations import sync_organisations
from vigie.register import Register
from vigie.store import connect, migrate, open_database
from vigie.store.schema import agent_roles, agents, organisations, records, subjects


def test_migrations_create_the_tables(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"organisations", "subjects", "records", "agents", "agent_roles", "alembic_version"} <= names


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1


def test_organisations_are_synced_from_the_register(engine: Engine, register: Register) -> None:
    with connect(engine) as connection:
        assert sync_organisations(connection, register) == len(register.organisations)
    with connect(engine) as connection:  # a second start refreshes, never duplicates
        sync_organisations(connection, register)
        count = connection.scalar(select(func.count()).select_from(organisations))
        paris = connection.execute(select(organisations).where(organisations.c.code == "CPAM-75")).one()
    assert count == len(register.organisations)
    assert paris.dpo == register.organisations["CPAM-75"].dpo


def test_subject_records_and_agents_round_trip(engine: Engine, register: Register) -> None:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        connection.execute(
            insert(subjects),
            [
                {
                    "id": 1,
                    "kind": "insured",
                    "organisation_code": "CPAM-75",
                    "created_on": date(2020, 1, 2),
                    "rights_end_on": date(2024, 6, 30),
                    "restricted": False,
                    "identity": b"\x00sealed",
                }
            ],
        )
        connection.execute(
            insert(records),
            [
                {
                    "id": 10,
                    "subject_id": 1,
                    "processing_id": "rights_benefits",
                    "category": "health.care",
                    "payload": b"\x01sealed",
                    "recorded_on": date(2021, 3, 4),
                }
            ],
        )
        connection.execute(
            insert(agents),
            [
                {
                    "id": "a1",
                    "organisation_code": "CPAM-75",
                    "display_name": "Agent 1",
                    "secrecy_attested_on": date(2026, 1, 5),
                }
            ],
        )
        connection.execute(insert(agent_roles), [{"agent_id": "a1", "role_id": "rights_agent"}])
    with connect(engine) as connection:
        row = connection.execute(select(subjects.c.rights_end_on, subjects.c.identity)).one()
        payload = connection.scalar(select(records.c.payload).where(records.c.subject_id == 1))
    assert row.rights_end_on == date(2024, 6, 30)
    assert bytes(row.identity) == b"\x00sealed"
    assert bytes(payload) == b"\x01sealed"


def test_a_failed_transaction_writes_nothing(engine: Engine, register: Register) -> None:
    with connect(engine) as connection:
        sync_organisations(connection, register)
    with pytest.raises(Exception), connect(engine) as connection:  # noqa: B017 - engine-specific integrity error
        connection.execute(
            insert(subjects),
            [
                {
                    "id": 5,
                    "kind": "insured",
                    "organisation_code": "CPAM-75",
                    "created_on": date(2020, 1, 1),
                    "restricted": False,
                }
            ],
        )
        connection.execute(
            insert(records),
            [
                {
                    "id": 1,
                    "subject_id": 999,
                    "processing_id": "x",
                    "category": "nir",
                    "payload": b"",
                    "recorded_on": date(2020, 1, 1),
                }
            ],
        )
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(subjects)) == 0


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'sub' / 'v.db'}")
    migrate(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()


def test_sqlite_files_are_created_readable_by_their_owner_only(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    migrate(engine)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    engine.dispose()
    assert modes["v.db"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes


def test_unreachable_server_gives_a_clear_message() -> None:
    engine = open_database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StorageError, match="injoignable"):
        migrate(engine)


def test_malformed_url_gives_a_clear_message() -> None:
    with pytest.raises(StorageError, match="URL de base de données invalide"):
        open_database("not a url")
