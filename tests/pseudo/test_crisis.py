"""Crisis steering: counts by département and ISO week from the crisis records, read through the gate, with
small cells and enough others hidden that the margins give nothing back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from vigie import vault
from vigie.audit import Journal
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.errors import AccessRefused
from vigie.pseudo.crisis import crisis_steering
from vigie.pseudo.secrecy import recoverable
from vigie.store import connect
from vigie.store.schema import audit_entries
from vigie.taxonomy import SubjectKind

# (fund, day, records): this week is 2026-S48 (Monday 23 November), the one before 2026-S47.
CELLS = [
    ("CPAM-75", date(2026, 11, 24), 20), ("CPAM-75", date(2026, 11, 17), 3),
    ("CPAM-69", date(2026, 11, 24), 15), ("CPAM-69", date(2026, 11, 17), 12),
    ("CPAM-13", date(2026, 11, 25), 30), ("CPAM-13", date(2026, 11, 18), 25),
]  # fmt: skip


@pytest.fixture
def crisis_env(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring) -> Environment:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        for fund, day, count in CELLS:
            sid = vault.add_subject(
                connection, keyring, kind=SubjectKind.PATIENT, organisation=fund, identity={"nom": "X"},
                created_on=date(2026, 1, 1),
            )  # fmt: skip
            for _ in range(count):
                vault.add_record(
                    connection, keyring, sid, processing="crisis_management", category="health.care",
                    payload={"soin": "urgence"}, recorded_on=day,
                )  # fmt: skip
            # an older record, outside the two weeks asked: not counted
            vault.add_record(
                connection, keyring, sid, processing="crisis_management", category="health.care",
                payload={"soin": "suivi"}, recorded_on=date(2026, 1, 5),
            )  # fmt: skip
    return env


def test_counts_by_department_and_week_are_suppressed_beyond_recovery(crisis_env: Environment) -> None:
    with Journal(crisis_env.engine, crisis_env.keyring) as journal:
        dataset = crisis_steering(crisis_env, journal, "cnam-crise", weeks=2)
    assert dataset.weeks == ["2026-S47", "2026-S48"]
    assert dataset.departments == ["13", "69", "75"]
    assert dataset.table.counts.tolist() == [[25, 30], [12, 15], [3, 20]]
    published = dataset.table.published()
    assert published[2][0] is None  # 3 people: under the threshold of 11
    assert published[0] == [25, 30]  # nothing small in the Bouches-du-Rhône row
    assert int(dataset.table.hidden.sum()) == 4  # primary, and three to protect it through both margins
    assert not recoverable(dataset.table.hidden).any()
    assert dataset.people_read == len(CELLS) and dataset.journal_entries == len(CELLS)
    with connect(crisis_env.engine) as connection:
        assert connection.scalar(select(func.count()).select_from(audit_entries)) == len(CELLS)
    assert dataset.to_dict()["effectifs"][4] == {"departement": "75", "semaine": "2026-S47", "effectif": None}


def test_an_agent_without_the_crisis_role_is_refused_and_journaled(crisis_env: Environment) -> None:
    with Journal(crisis_env.engine, crisis_env.keyring) as journal, pytest.raises(AccessRefused):
        crisis_steering(crisis_env, journal, "paris-droits", weeks=2)
    with connect(crisis_env.engine) as connection:
        assert connection.scalar(select(func.count()).select_from(audit_entries)) == 1
