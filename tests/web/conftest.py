"""Web fixtures: an application over the suite's register, keys and database (SQLite, then PostgreSQL)."""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, sync_playwright

from vigie.agents import ensure_demo_agents, issue_token
from vigie.bootstrap import prepare
from vigie.clock import Clock, FixedClock
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


@dataclass
class Site:
    """A running service: its address, its application (the tests may swap its state) and its clock."""

    url: str
    app: FastAPI
    clock: Clock


@contextmanager
def serving_env(env: Environment) -> Iterator[Site]:
    """`create_app(env)` served by uvicorn in a thread on a free port, while the block runs."""
    app = create_app(env)
    sock = bind("127.0.0.1", 0)
    server = make_server(app, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Site(url_of(sock), app, env.clock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serving(tmp_path: Path, clock: Clock | None = None) -> Iterator[Site]:
    """`vigie serve`'s start-up on an SQLite file, served by uvicorn in a thread on a free port."""
    env = prepare(Settings(data_dir=tmp_path / "data"), create_keys=True, clock=clock)
    with serving_env(env) as site:
        yield site


@pytest.fixture
def serve() -> Callable[[Environment], AbstractContextManager[Site]]:
    """`serving_env`, for browser tests that prepare their own environment."""
    return serving_env


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The address of a service on the system clock."""
    with serving(tmp_path) as site:
        yield site.url


SITE_START = datetime.fromisoformat("2026-11-28T10:00:00+01:00")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A service for a module's browser tests, whose clock they move (from the suite's « today », 10:00 in
    Paris); each test resets what it changed."""
    with serving(tmp_path_factory.mktemp("site"), FixedClock(SITE_START)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for a module's browser tests (each test opens its own context)."""
    chromium = os.environ.get("VIGIE_TEST_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"Chromium absent ({chromium}) : installez-le (apt-get install chromium) ou lancez scripts/test.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
