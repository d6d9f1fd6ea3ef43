"""Web fixtures: an application over the suite's register, keys and database (SQLite, then PostgreSQL)."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import pytest

from vigie.agents import ensure_demo_agents, issue_token
from vigie.bootstrap import prepare
from vigie.environment import Environment
from vigie.settings import Settings
from vigie.store import connect
from vigie.web import create_app
from vigie.web.server import bind, make_server, url_of

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


# Chromium as the browser tests start it: headless, no sandbox (root), and none of its own calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium_args() -> list[str]:
    """The arguments every browser test launches Chromium with."""
    return list(CHROMIUM_ARGS)


@contextmanager
def serving(env: Environment) -> Iterator[str]:
    """`create_app(env)` served by uvicorn in a thread on a free port; its base URL while the block runs."""
    sock = bind("127.0.0.1", 0)
    server = make_server(create_app(env), log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def serve() -> Callable[[Environment], AbstractContextManager[str]]:
    """`serving`, for browser tests that prepare their own environment."""
    return serving


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """`vigie serve`'s start-up on an SQLite file, served by uvicorn in a thread on a free port."""
    env = prepare(Settings(data_dir=tmp_path / "data"), create_keys=True)
    try:
        with serving(env) as url:
            yield url
    finally:
        env.engine.dispose()
