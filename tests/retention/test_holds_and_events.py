"""Legal holds suspend destruction until released, journaled; events are recorded through the gate, journaled,
and re-date what they move; bad input is refused in French with nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from retention_world import Sweeping, add_people, add_records
from sqlalchemy import select

from vigie import retention
from vigie.errors import AccessRefused, InvalidInput, NotFound
from vigie.ids import AgentId, SubjectId
from vigie.store import connect
from vigie.store.schema import audit_entries, legal_holds, records, subjects

DPO = AgentId("paris-dpo")
DAY = date(2026, 11, 28)


def _three_due(sweeping: Sweeping) -> None:
    """Three people whose rights ended in 2020, each with a rights record and one social-support record."""
    with connect(sweeping.env.engine) as connection:
        add_people(connection, [{"id": i, "kind": "insured", "rights_end_on": date(2020, 1, 1)} for i in (1, 2, 3)])
        add_records(
            connection,
            [{"id": i, "subject_id": i, "processing_id": "rights_benefits"} for i in (1, 2, 3)]
            + [
                {
                    "id": 10 + i,
                    "subject_id": i,
                    "processing_id": "social_support",
                    "event": "support_end",
                    "event_on": date(2020, 1, 1),
                }
                for i in (1, 2, 3)
            ],
        )


def _left(sweeping: Sweeping) -> set[int]:
    with connect(sweeping.env.engine) as connection:
        return set(connection.scalars(select(records.c.id)))


def _journal(sweeping: Sweeping) -> list[tuple[str, bool, str]]:
    with connect(sweeping.env.engine) as connection:
        rows = connection.execute(select(audit_entries).order_by(audit_entries.c.seq)).all()
    return [(r.action, r.allowed, r.reason) for r in rows]


def test_holds_by_person_processing_and_case_keep_records_until_released(sweeping: Sweeping) -> None:
    _three_due(sweeping)
    gate, today = sweeping.gate, sweeping.on(DAY)
    person = retention.place(gate, DPO, "litigation", subject_id=SubjectId(1))
    processing = retention.place(gate, DPO, "appeal", processing="social_support")
    case = retention.place(gate, DPO, "rights_request", record_id=2)
    report = retention.sweep(gate, today)
    assert _left(sweeping) == {1, 2, 11, 12, 13}  # person 1 whole, every social-support record, case 2
    assert report.destroyed == 1 and report.erased == 0  # person 3 keeps a held social-support record
    assert [h.id for h in retention.listed(gate, DPO)] == [person.id, processing.id, case.id]
    retention.release(gate, DPO, processing.id)
    retention.sweep(gate, today)
    assert _left(sweeping) == {1, 2, 11}
    with connect(sweeping.env.engine) as connection:
        erased = set(connection.scalars(select(subjects.c.id).where(subjects.c.shredded_on.is_not(None))))
    assert erased == {3}
    retention.release(gate, DPO, person.id)
    retention.release(gate, DPO, case.id)
    retention.sweep(gate, today)
    assert _left(sweeping) == set()
    placed = [reason for action, allowed, reason in _journal(sweeping) if reason.startswith("retenue légale")]
    assert len(placed) == 6  # three placed, three released: each journaled
    assert [h.id for h in retention.listed(gate, DPO, active_only=False)] == [person.id, processing.id, case.id]


def test_only_an_audit_role_places_a_hold_and_the_refusal_is_journaled(sweeping: Sweeping) -> None:
    _three_due(sweeping)
    with pytest.raises(AccessRefused, match="rôle d'audit"):
        retention.place(sweeping.gate, AgentId("paris-droits"), "litigation", subject_id=SubjectId(1))
    assert _journal(sweeping)[-1][:2] == ("change", False)
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(legal_holds.c.id)) is None


def test_a_hold_on_nobody_or_nothing_is_refused_and_nothing_is_written(sweeping: Sweeping) -> None:
    gate = sweeping.gate
    with pytest.raises(NotFound, match="personne introuvable"):
        retention.place(gate, DPO, "litigation", subject_id=SubjectId(999))
    with pytest.raises(InvalidInput, match="motif inconnu"):
        retention.place(gate, DPO, "caprice", subject_id=SubjectId(999))
    with pytest.raises(InvalidInput, match="précisez ce qu'elle couvre"):
        retention.place(gate, DPO, "litigation")
    with pytest.raises(InvalidInput, match="traitement inconnu"):
        retention.place(gate, DPO, "litigation", processing="astrologie")
    with pytest.raises(NotFound, match="dossier"):
        retention.place(gate, DPO, "litigation", record_id=42)
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(legal_holds.c.id)) is None
    assert all(not allowed for _, allowed, _ in _journal(sweeping))  # each refusal left its entry


def test_recording_the_end_of_rights_journals_a_change_and_dates_the_records(sweeping: Sweeping) -> None:
    with connect(sweeping.env.engine) as connection:
        add_people(connection, [{"id": 1, "kind": "insured", "created_on": date(2010, 1, 1)}])
        add_records(connection, [{"id": 1, "subject_id": 1, "processing_id": "rights_benefits"}])
    gate = sweeping.gate
    sweeping.on(DAY)
    entry = retention.record_event(
        gate, AgentId("paris-droits"), SubjectId(1), "rights_benefits", "rights_end", date(2021, 3, 31)
    )
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(records.c.end_on)) == date(2026, 3, 31)
        row = connection.execute(select(audit_entries).where(audit_entries.c.seq == entry)).one()
    assert (row.action, row.allowed, row.purpose) == ("change", True, "rights_benefits")


@pytest.mark.parametrize(
    ("event", "on", "record", "message"),
    [
        ("fin_du_monde", date(2021, 1, 1), None, "événement inconnu"),
        ("final_decision", date(2021, 1, 1), None, "ne fait courir aucune durée"),
        ("rights_end", date(2027, 1, 1), None, "date dans le futur"),
        ("rights_end", date(2009, 12, 31), None, "antérieure à l'entrée de la personne"),
    ],
)
def test_bad_events_are_refused_in_french_and_nothing_changes(
    sweeping: Sweeping, event: str, on: date, record: int | None, message: str
) -> None:
    with connect(sweeping.env.engine) as connection:
        add_people(connection, [{"id": 1, "kind": "insured", "created_on": date(2010, 1, 1)}])
        add_records(connection, [{"id": 1, "subject_id": 1, "processing_id": "rights_benefits"}])
    sweeping.on(DAY)
    with pytest.raises(InvalidInput, match=message):
        retention.record_event(
            sweeping.gate, AgentId("paris-droits"), SubjectId(1), "rights_benefits", event, on, record_id=record
        )
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(subjects.c.rights_end_on)) is None
    assert _journal(sweeping)[-1][:2] == ("change", False)


def test_a_record_event_before_the_record_or_on_another_persons_record_is_refused(sweeping: Sweeping) -> None:
    with connect(sweeping.env.engine) as connection:
        add_people(connection, [{"id": i, "kind": "insured"} for i in (1, 2)])
        add_records(
            connection,
            [{"id": 1, "subject_id": 1, "processing_id": "fraud_control", "recorded_on": date(2020, 5, 1)}],
        )
    gate, agent = sweeping.gate, AgentId("paris-fraude")
    sweeping.on(DAY)
    with pytest.raises(InvalidInput, match="antérieure à l'enregistrement du dossier"):
        retention.record_event(
            gate, agent, SubjectId(1), "fraud_control", "alert_recorded", date(2020, 4, 30), record_id=1
        )
    with pytest.raises(InvalidInput, match="aucun dossier de cette personne"):
        retention.record_event(
            gate, agent, SubjectId(2), "fraud_control", "alert_recorded", date(2021, 1, 1), record_id=1
        )
    retention.record_event(gate, agent, SubjectId(1), "fraud_control", "alert_recorded", date(2020, 6, 1), record_id=1)
    retention.record_event(
        gate, agent, SubjectId(1), "fraud_control", "case_closed_without_action", date(2022, 6, 1), record_id=1
    )
    with connect(sweeping.env.engine) as connection:  # both events count: closure a year on wins over the alert
        assert connection.scalar(select(records.c.end_on)) == date(2023, 6, 1)
