"""The DMP once closed (or its holder dead) is archived: the gate keeps it stored, refuses to read it for care,
and lets only the archive's roles use it for a legal claim."""

from __future__ import annotations

from datetime import date

import pytest
from retention_world import Sweeping
from sqlalchemy import select, update

from vigie import retention, vault
from vigie.errors import AccessRefused
from vigie.ids import AgentId, SubjectId
from vigie.model import Action
from vigie.store import connect
from vigie.store.schema import records
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


def _relative_in_holders_dmp(sweeping: Sweeping) -> tuple[SubjectId, int, SubjectId, int]:
    """A holder's DMP, and a relative (their trusted person) whose contact details sit in it."""
    holder, holders_record = _holder(sweeping)
    env = sweeping.env
    with connect(env.engine) as connection:
        relative = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.RELATIVE, organisation="CPAM-75",
            identity={"nom": "Martin", "prenom": "Léa"}, created_on=date(2010, 1, 1),
        )  # fmt: skip
        record = vault.add_record(
            connection, env.keyring, relative, processing="dmp", category="contact",
            payload={"telephone": "0102030405"}, recorded_on=date(2015, 6, 1),
        )  # fmt: skip
        connection.execute(update(records).where(records.c.id == record).values(file_owner_id=holder))
    return holder, holders_record, relative, record


def test_a_relatives_records_in_a_holders_dmp_are_archived_with_it(sweeping: Sweeping) -> None:
    holder, holders_record, relative, record = _relative_in_holders_dmp(sweeping)
    gate = sweeping.gate
    sweeping.on(date(2026, 11, 28))
    retention.record_event(gate, DOCTOR, holder, "dmp", "dmp_closure", date(2026, 1, 15), record_id=holders_record)
    day_before = sweeping.on(date(2026, 1, 14))
    assert gate.read(DOCTOR, relative, "dmp", ("contact",), day_before).records[0].id == record
    closed = sweeping.on(date(2026, 1, 15))
    with pytest.raises(AccessRefused, match="dossier archivé depuis le 2026-01-15"):
        gate.read(DOCTOR, relative, "dmp", ("contact",), closed)
    assert gate.check(DOCTOR, relative, "dmp", ("contact",), closed, action=Action.LEGAL_CLAIM).decision.allowed


def test_the_holders_death_archives_the_relatives_records_not_the_relatives_own_death(sweeping: Sweeping) -> None:
    holder, _, relative, record = _relative_in_holders_dmp(sweeping)
    gate = sweeping.gate
    sweeping.on(date(2026, 11, 28))
    retention.record_event(gate, DOCTOR, relative, "dmp", "death", date(2025, 5, 1))
    today = sweeping.on(date(2026, 11, 28))
    assert gate.read(DOCTOR, relative, "dmp", ("contact",), today).records[0].id == record  # the holder's file is open
    retention.record_event(gate, DOCTOR, holder, "dmp", "death", date(2026, 3, 2))
    assert gate.read(DOCTOR, relative, "dmp", ("contact",), sweeping.on(date(2026, 3, 1))).records
    with pytest.raises(AccessRefused, match="dossier archivé depuis le 2026-03-02"):
        gate.read(DOCTOR, relative, "dmp", ("contact",), sweeping.on(date(2026, 3, 2)))
    # and its end follows the holder's: archived ten years, the last day kept, gone the day after
    retention.sweep(gate, sweeping.on(date(2036, 3, 2)))
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(records.c.end_on).where(records.c.id == record)) == date(2036, 3, 2)
    retention.sweep(gate, sweeping.on(date(2036, 3, 3)))
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(records.c.id).where(records.c.id == record)) is None
