"""An archived file (the DMP once closed) is kept, not used: only stored, destroyed, or used for a legal claim by
the roles the register names for the archive, and the refusal says since when and who may use it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import Engine

from vigie import vault
from vigie.access.lifecycle import record_event
from vigie.access.service import Gate
from vigie.audit import AuditSink, Journal
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.ids import AgentId, SubjectId
from vigie.model import Action
from vigie.register import Policy
from vigie.store import connect
from vigie.taxonomy import SubjectKind

TODAY = date(2026, 11, 28)
DOCTOR = AgentId("paris-medecin")
PREVENTION = AgentId("paris-prevention")


def _closed_dmp(env: Environment, journal: AuditSink) -> SubjectId:
    with connect(env.engine) as connection:
        person = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.INSURED, organisation="CPAM-75",
            identity={"nom": "Martin"}, created_on=date(2010, 1, 1),
        )  # fmt: skip
        record = vault.add_record(
            connection, env.keyring, person, processing="dmp", category="rights",
            payload={"acte": "consultation"}, recorded_on=date(2015, 6, 1),
        )  # fmt: skip
    record_event(Gate(env, journal), DOCTOR, person, "dmp", "dmp_closure", date(2026, 1, 15), TODAY, record_id=record)
    return person


@pytest.fixture
def gates(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring) -> Iterator[tuple[Gate, Gate]]:
    """The shipped register's gate, and one whose register names only the prevention agents for the DMP's archive
    (the medical officer still serves the DMP itself)."""
    env = make_env(engine, demo_agents=True)
    archive = env.policy.archives["dmp"]
    narrowed: Policy = dataclasses.replace(
        env.policy, archives={"dmp": dataclasses.replace(archive, roles=("prevention_agent",))},
        role_set_grants={}, named_categories={},
    )  # fmt: skip
    with Journal(engine, keyring) as journal:
        yield Gate(env, journal), Gate(dataclasses.replace(env, policy=narrowed), journal)


def test_an_archived_file_is_refused_for_care_saying_since_when_and_who_may_use_it(gates: tuple[Gate, Gate]) -> None:
    gate, _ = gates
    person = _closed_dmp(gate.env, gate.journal)
    refused = gate.check(DOCTOR, person, "dmp", ("rights",), TODAY)
    assert refused.decision.reason == (
        "dossier archivé depuis le 2026-01-15 (« dmp ») : conservé seulement, utilisable pour tout recours "
        "gracieux ou contentieux par les rôles medical_officer, prevention_agent"
    )
    assert not refused.decision.allowed


def test_only_the_archives_roles_use_it_for_a_legal_claim(gates: tuple[Gate, Gate]) -> None:
    _, narrowed = gates
    person = _closed_dmp(narrowed.env, narrowed.journal)
    doctor = narrowed.check(DOCTOR, person, "dmp", ("rights",), TODAY, action=Action.LEGAL_CLAIM)
    assert not doctor.decision.allowed
    assert doctor.decision.reason.endswith("par les rôles prevention_agent")
    prevention = narrowed.check(PREVENTION, person, "dmp", ("rights",), TODAY, action=Action.LEGAL_CLAIM)
    assert prevention.decision.allowed
    for action in (Action.STORE, Action.DESTROY):  # keeping and destroying stay open to anyone serving the file
        assert narrowed.check(DOCTOR, person, "dmp", ("rights",), TODAY, action=action).decision.allowed
