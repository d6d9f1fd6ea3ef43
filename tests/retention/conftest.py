"""The retention tests' world: an environment whose clock the test moves, and the gate over its journal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from vigie.access.service import Gate
from vigie.audit import Journal
from vigie.clock import FixedClock
from vigie.environment import Environment

sys.path.insert(0, str(Path(__file__).parent))


@dataclass
class Sweeping:
    """A gate over a fresh database, with the clock it reads (moved by `on`)."""

    gate: Gate
    clock: FixedClock

    @property
    def env(self) -> Environment:
        return self.gate.env

    def on(self, day: date) -> date:
        """Move the clock to `day` (noon, Paris) and return it."""
        self.clock.set(datetime(day.year, day.month, day.day, 12, tzinfo=self.clock.timezone))
        return day


@pytest.fixture
def sweeping(engine: Engine, make_env: Callable[..., Environment]) -> Iterator[Sweeping]:
    clock = FixedClock(date(2026, 11, 28))
    env = make_env(engine, clock=clock, demo_agents=True)
    with Journal(engine, env.keyring) as journal:
        yield Sweeping(Gate(env, journal), clock)
