"""Web fixtures: an application over the suite's register, keys and database (SQLite, then PostgreSQL)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from vigie.bootstrap import Environment
from vigie.crypto import Keyring
from vigie.register import Policy, Register
from vigie.settings import Settings
from vigie.store import connect
from vigie.store.reference import sync_organisations
from vigie.web import create_app

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its test client; httpx, which the project installs, still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture
def environment(register: Register, policy: Policy, engine: Engine, keyring: Keyring, tmp_path: Path) -> Environment:
    """What `vigie.bootstrap.prepare` would build, over the test database."""
    with connect(engine) as connection:
        sync_organisations(connection, register)
    return Environment(Settings(data_dir=tmp_path), register, policy, engine, keyring)


@pytest.fixture
def client(environment: Environment) -> Iterator[TestClient]:
    """A test client of the application built on `environment`."""
    with TestClient(create_app(environment)) as test_client:
        yield test_client
