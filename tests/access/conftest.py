"""The gate's world: the shipped register, the demo agents, a person in Paris (with a NIR) and one in Lyon."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from gate_world import PARIS_NIR, World
from sqlalchemy import Engine

from vigie import vault
from vigie.agents import ensure_demo_agents
from vigie.audit import Journal
from vigie.bootstrap import Environment
from vigie.crypto import Keyring
from vigie.register import Policy, Register
from vigie.settings import Settings
from vigie.store import connect
from vigie.store.reference import sync_organisations
from vigie.taxonomy import SubjectKind


@pytest.fixture
def world(engine: Engine, register: Register, policy: Policy, keyring: Keyring, tmp_path: Path) -> Iterator[World]:
    env = Environment(Settings(data_dir=tmp_path), register, policy, engine, keyring)
    with connect(engine) as connection:
        sync_organisations(connection, register)
        ensure_demo_agents(connection, register, attested_on=date(2026, 1, 5))
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
