"""Factories shared by the whole suite: the shipped register, keys, and databases on both engines.

The PostgreSQL server is the one the test command (scripts/test.sh) found or started; its URL comes in
`VIGIE_TEST_POSTGRES_URL`. A test that needs a database asks for `engine`, and runs once per engine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from vigie import vault
from vigie.agents import ensure_demo_agents
from vigie.clock import Clock, FixedClock
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.organisations import sync_organisations
from vigie.register import Policy, Register, load_register
from vigie.settings import load_settings
from vigie.store import connect, migrate, open_database

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# The suite's « today »: every environment the factory builds reads this clock unless a test gives its own.
TODAY = date(2026, 11, 28)


def postgres_admin_url() -> str:
    return os.environ.get("VIGIE_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _libpq(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _records_statements_built_afresh() -> None:
    """Each test builds the records statements it uses: cached across tests, only the first test to read records
    would be seen calling `vault._records_in`, and mutation testing would run only that test against its
    mutants (the person and category filters of every read)."""
    vault._RECORDS.clear()


@pytest.fixture(scope="session")
def register() -> Register:
    """The shipped register, loaded once."""
    return load_register()


@pytest.fixture(scope="session")
def policy(register: Register) -> Policy:
    """The shipped register, compiled."""
    return Policy.compile(register)


@pytest.fixture
def keyring() -> Keyring:
    """Fresh random keys for one test."""
    return Keyring.generate()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL database used as the template of each test's database."""
    admin = postgres_admin_url()
    name = f"vigie_tpl_{uuid.uuid4().hex[:10]}"
    try:
        connection = psycopg.connect(_libpq(admin), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("VIGIE_TEST_POSTGRES_URL"):  # the test command promised a server: its absence is a failure
            pytest.fail(f"PostgreSQL unreachable at {admin}: {error}")
        pytest.skip("PostgreSQL absent : moitié PostgreSQL sautée (scripts/test.sh démarre un serveur et la lance)")
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        engine = open_database(url)
        migrate(engine)
        engine.dispose()
        yield name
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database URL on each engine in turn."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'vigie.db'}"
        engine = open_database(url)
        migrate(engine)
        engine.dispose()
        yield url
        return
    template = request.getfixturevalue("postgres_template")
    admin = postgres_admin_url()
    name = f"vigie_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(admin), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty, migrated database (SQLite, then PostgreSQL)."""
    engine = open_database(database_url)
    yield engine
    engine.dispose()


EnvFactory = Callable[..., Environment]


@pytest.fixture
def make_env(register: Register, policy: Policy, keyring: Keyring, tmp_path: Path) -> EnvFactory:
    """The suite's one environment factory: what `vigie.bootstrap.prepare` builds, over a test engine.

    `make_env(engine, clock=..., demo_agents=True, **settings)`: organisations synced, the demo staff created
    when asked, the clock fixed at `TODAY` unless given, settings overridden by keyword."""

    def make(engine: Engine, *, clock: Clock | None = None, demo_agents: bool = False, **settings: Any) -> Environment:
        clock = clock if clock is not None else FixedClock(TODAY)
        with connect(engine) as connection:
            sync_organisations(connection, register)
            if demo_agents:
                ensure_demo_agents(connection, register, attested_on=date(2026, 1, 5))
        url = engine.url.render_as_string(hide_password=False)
        values = {"data_dir": tmp_path, "database_url": url, **settings}
        loaded = load_settings(**values)
        return Environment(
            settings=loaded, register=register, policy=policy, engine=engine, keyring=keyring, clock=clock
        )

    return make


@pytest.fixture
def environment(make_env: EnvFactory, engine: Engine) -> Environment:
    """An environment over the test database (SQLite, then PostgreSQL), organisations synced."""
    return make_env(engine)
