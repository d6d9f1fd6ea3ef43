"""Accounts fixtures: a service with cheap argon2 parameters (the rules, not the cost, are under test), a
recording journal, and people in the vault to sign up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from account_world import FAST_HASH, NIR
from sqlalchemy import Engine

from vigie import vault
from vigie.accounts import Accounts
from vigie.audit.testing import RecordingJournal
from vigie.clock import FixedClock
from vigie.environment import Environment
from vigie.store import connect
from vigie.taxonomy import SubjectKind


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 28, 10, 0))


@pytest.fixture
def env(make_env: Callable[..., Environment], engine: Engine, clock: FixedClock) -> Environment:
    return make_env(engine, clock=clock, demo_agents=True, **FAST_HASH)


@pytest.fixture
def journal() -> RecordingJournal:
    return RecordingJournal()


@pytest.fixture
def accounts(env: Environment, journal: RecordingJournal) -> Accounts:
    return Accounts(env, journal)


@pytest.fixture
def person(env: Environment) -> Callable[..., int]:
    """Add a subject to the vault (an insured woman with `NIR` by default); its id."""

    def add(kind: SubjectKind = SubjectKind.INSURED, nir: str | None = NIR, siret: str | None = None) -> int:
        with connect(env.engine) as connection:
            return vault.add_subject(
                connection,
                env.keyring,
                kind=kind,
                organisation="CPAM-75",
                identity={"nom": "Dupont", "prenom": "Élodie"},
                created_on=date(2020, 1, 1),
                nir=nir,
                siret=siret,
            )

    return add
