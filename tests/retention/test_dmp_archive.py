"""The DMP once closed (or its holder dead) is archived: the gate keeps it stored, refuses to read it for care,
and lets only the archive's roles use it for a legal claim."""

from __future__ import annotations

from datetime import date

import pytest
from retention_world import Sweeping

from vigie import retention, vault
from vigie.errors import AccessRefused
from vigie.ids import AgentId, SubjectId
from vigie.model import Action
from vigie.store import connect
from vigie.taxonomy import SubjectKind

DOCTOR = AgentId("paris-medecin")


def _holder(sweeping: Sweeping) -> tuple[SubjectId, int]:
    env = sweeping.env
    with connect(env.engine) as connection:
        person = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.INSURED, organisation="CPAM-75",
            identity={"nom": "Martin"}, created_on=date(2010, 1, 1),
        )  # fmt: skip
        record = vault.add_record(
            connection, env.keyring, person, processing="dmp", category="rights",
            payload={"acte": "consultation"}, recorded_on=date(2015, 6, 1),
        )  # fmt: skip
    return person, record


def test_a_closed_dmp_is_stored_not_read_for_care_and_serves_a_legal_claim(sweeping: Sweeping) -> None:
    person, record = _holder(sweeping)
    gate, today = sweeping.gate, sweeping.on(date(2026, 11, 28))
    assert gate.read(DOCTOR, person, "dmp", ("rights",), today).records[0].id == record
    retention.record_event(gate, DOCTOR, person, "dmp", "dmp_closure", date(2026, 1, 15), record_id=record)
    with pytest.raises(AccessRefused, match="dossier archivé depuis le 2026-01-15"):
        gate.read(DOCTOR, person, "dmp", ("rights",), today)
    claim = gate.check(DOCTOR, person, "dmp", ("rights",), today, action=Action.LEGAL_CLAIM)
    assert claim.decision.allowed
    stored = gate.check(DOCTOR, person, "dmp", ("rights",), today, action=Action.STORE)
    assert stored.decision.allowed


def test_the_holders_death_archives_the_dmp(sweeping: Sweeping) -> None:
    person, _ = _holder(sweeping)
    gate, today = sweeping.gate, sweeping.on(date(2026, 11, 28))
    retention.record_event(gate, DOCTOR, person, "dmp", "death", date(2026, 3, 2))
    with pytest.raises(AccessRefused, match="dossier archivé depuis le 2026-03-02"):
        gate.read(DOCTOR, person, "dmp", ("rights",), today)
