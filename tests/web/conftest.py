"""Web fixtures: an application over the suite's register, keys and database (SQLite, then PostgreSQL)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from vigie.environment import Environment
from vigie.web import create_app

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its test client; httpx, which the project installs, still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture
def client(environment: Environment) -> Iterator[TestClient]:
    """A test client of the application built on `environment`."""
    with TestClient(create_app(environment)) as test_client:
        yield test_client
