"""Web fixtures: an application over the suite's register, keys and database (SQLite, then PostgreSQL)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from vigie.agents import ensure_demo_agents, issue_token
from vigie.environment import Environment
from vigie.store import connect
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


@pytest.fixture
def agent_headers(environment: Environment) -> Callable[[str], dict[str, str]]:
    """Bearer-token headers for one of the demo agents (`paris-dpo` reads the journal, `paris-social` not)."""
    with connect(environment.engine) as connection:
        ensure_demo_agents(connection, environment.register, attested_on=date(2026, 1, 5))

    def headers(agent: str) -> dict[str, str]:
        with connect(environment.engine) as connection:
            token = issue_token(connection, agent, environment.clock.today())
        return {"Authorization": f"Bearer {token}"}

    return headers
