"""Factories for the demo tests: an Environment over the test engine, and a seeded, decrypted population."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from demo_support import TODAY, Population, read_population
from sqlalchemy import Engine

from vigie.bootstrap import Environment
from vigie.crypto import Keyring
from vigie.demo.seed import seed_demo
from vigie.register import Policy, Register
from vigie.settings import load_settings
from vigie.store import connect
from vigie.store.reference import sync_organisations


@pytest.fixture
def make_env(register: Register, policy: Policy, keyring: Keyring, tmp_path: Path) -> Callable[[Engine], Environment]:
    """An Environment over a given engine, organisations synced as `prepare` would."""

    def make(engine: Engine) -> Environment:
        with connect(engine) as connection:
            sync_organisations(connection, register)
        url = engine.url.render_as_string(hide_password=False)
        return Environment(load_settings(data_dir=tmp_path, database_url=url), register, policy, engine, keyring)

    return make


@pytest.fixture
def seeded(make_env: Callable[[Engine], Environment]) -> Callable[..., Population]:
    """Seed `subjects` people into an engine (fixed date, no progress bar) and read them back decrypted."""

    def seed(engine: Engine, count: int, **options: Any) -> Population:
        env = make_env(engine)
        report = seed_demo(env, count, today=TODAY, progress=False, **options)
        return read_population(env, report)

    return seed
