"""The gate's world: the shipped register, the demo agents, a person in Paris (with a NIR) and one in Lyon."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from gate_world import PARIS_NIR, World
from sqlalchemy import Engine

from vigie import vault
from vigie.audit import Journal
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.store import connect
from vigie.taxonomy import SubjectKind


@pytest.fixture
def world(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring) -> Iterator[World]:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        paris = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Lefebvre", "prenom": "Jeanne", "adresse": "12 rue des Lilas"},
            created_on=date(2015, 3, 1),
            nir=PARIS_NIR,
        )
        vault.add_record(
            connection,
            keyring,
            paris,
            processing="social_support",
            category="social_situation",
            payload={"situation": "isolement"},
            recorded_on=date(2026, 2, 1),
        )
        vault.add_record(
            connection,
            keyring,
            paris,
            processing="rights_benefits",
            category="health.care",
            payload={"acte": "HBQK002"},
            recorded_on=date(2026, 3, 1),
        )
        lyon = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-69",
            identity={"nom": "Roux"},
            created_on=date(2016, 1, 1),
        )
    with Journal(engine, keyring) as journal:
        yield World(env, journal, paris, lyon)
