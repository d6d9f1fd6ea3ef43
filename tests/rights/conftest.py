"""The rights world: the shipped register, the demo staff plus a DPO in Lyon, and two insured people."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from rights_world import LYON_NIR, PARIS_NIR, World
from sqlalchemy import Engine, insert

from vigie import vault
from vigie.agents import NewAgent, add_agents
from vigie.audit import Journal
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.rights import RightsService
from vigie.store import connect
from vigie.store.schema import consents
from vigie.taxonomy import SubjectKind


@pytest.fixture
def world(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring) -> Iterator[World]:
    env = make_env(engine, demo_agents=True)
    ids: dict[str, int] = {}
    with connect(engine) as connection:
        add_agents(
            connection,
            env.register,
            [NewAgent("lyon-dpo", "CPAM-69", "DPO de la CPAM de Lyon", ("dpo",), date(2026, 1, 5))],
        )
        paris = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Lefèbvre", "prenom": "Jeanne", "adresse": "12 rue des Lilas"},
            created_on=date(2015, 3, 1),
            nir=PARIS_NIR,
        )
        for name, processing, category, payload in (
            ("care", "rights_benefits", "health.care", {"acte": "HBQK002"}),
            ("bank", "rights_benefits", "banking", {"iban": "FR76 3000 6000 0112 3456 7890 189"}),
            ("offer", "service_offers", "contact", {"courriel": "jeanne@example.org"}),
            ("fraud", "fraud_control", "fraud_case", {"dossier": "F-2026-17"}),
        ):
            ids[name] = vault.add_record(
                connection, keyring, paris, processing=processing, category=category, payload=payload,
                recorded_on=date(2026, 3, 1),
            )  # fmt: skip
        connection.execute(
            insert(consents).values(subject_id=paris, processing_id="service_offers", given_on=date(2026, 1, 1))
        )
        lyon = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-69",
            identity={"nom": "Roux", "prenom": "Paul"},
            created_on=date(2016, 1, 1),
            nir=LYON_NIR,
        )
    with Journal(engine, keyring) as journal:
        yield World(env, journal, RightsService(env, journal), paris, lyon, ids)
