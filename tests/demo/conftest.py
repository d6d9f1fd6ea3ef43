"""Factories for the demo tests: an Environment over the test engine, and a seeded, decrypted population."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from demo_support import TODAY, Population, read_population
from sqlalchemy import Engine

from vigie.demo.seed import seed_demo
from vigie.environment import Environment


@pytest.fixture
def seeded(make_env: Callable[[Engine], Environment]) -> Callable[..., Population]:
    """Seed `subjects` people into an engine (fixed date, no progress bar) and read them back decrypted."""

    def seed(engine: Engine, count: int, **options: Any) -> Population:
        env = make_env(engine)
        report = seed_demo(env, count, today=TODAY, progress=False, **options)
        return read_population(env, report)

    return seed
