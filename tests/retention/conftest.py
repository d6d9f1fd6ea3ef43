"""The retention tests' world: an environment whose clock the test moves, and the gate over its journal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from vigie.access.service import Gate
from vigie.audit import Journal
from vigie.clock import FixedClock
from vigie.environment import Environment

sys.path.insert(0, str(Path(__file__).parent))
from retention_world import Sweeping


@pytest.fixture
def sweeping(engine: Engine, make_env: Callable[..., Environment]) -> Iterator[Sweeping]:
    clock = FixedClock(date(2026, 11, 28))
    env = make_env(engine, clock=clock, demo_agents=True)
    with Journal(engine, env.keyring) as journal:
        yield Sweeping(Gate(env, journal), clock)
