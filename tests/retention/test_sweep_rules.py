"""Every retention rule of the policy on concrete dates: on its last day a record stays, the day after it goes;
where several rules apply the policy's wording picks one, and the plan names it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from retention_world import Sweeping, add_people, add_records
from sqlalchemy import select

from vigie import retention
from vigie.audit import check
from vigie.errors import InvalidInput
from vigie.ids import AgentId, SubjectId
from vigie.store import connect
from vigie.store.schema import audit_entries, records, retention_statistics, subjects

# (processing, kind of the person, the person's dates, the record's event and day, file owner's dates, last day)
CASES: list[tuple[str, str, dict[str, date], tuple[str, date] | None, dict[str, date] | None, date]] = [
    ("rights_benefits", "insured", {"rights_end_on": date(2020, 3, 15)}, None, None, date(2025, 3, 15)),
    ("rights_benefits", "health_professional", {"activity_end_on": date(2019, 12, 31)}, None, None, date(2024, 12, 31)),
    ("prevention_campaigns", "insured", {}, ("prevention_action", date(2019, 6, 30)), None, date(2024, 6, 30)),
    ("chronic_disease_programmes", "insured", {}, ("programme_exit", date(2010, 1, 31)), None, date(2025, 1, 31)),
    ("dmp", "insured", {"death_on": date(2014, 5, 1)}, None, None, date(2024, 5, 1)),  # death closes the DMP
    ("social_support", "insured", {}, ("support_end", date(2023, 8, 31)), None, date(2025, 2, 28)),  # 18 months
    # a patient's data in a professional's file ends on the professional's clock, never the patient's
    ("professional_relations", "insured", {"death_on": date(2012, 1, 1)}, None, {"death_on": date(2015, 7, 1)},
     date(2025, 7, 1)),
    ("occupational_risk_prevention", "employer", {}, ("prevention_programme_end", date(2005, 3, 1)), None,
     date(2025, 3, 1)),
    ("contribution_rate_disputes", "employer", {}, ("rate_decision", date(2010, 10, 10)), None, date(2025, 10, 10)),
    ("fraud_control", "insured", {}, ("case_closed_without_action", date(2024, 1, 15)), None, date(2025, 1, 15)),
    ("fraud_control", "suspect", {}, ("alert_recorded", date(2020, 4, 1)), None, date(2025, 4, 1)),
    ("cookies_audience", "visitor", {}, ("cookie_set", date(2024, 9, 30)), None, date(2025, 10, 30)),  # 13 months
    ("crisis_management", "victim", {"rights_end_on": date(2021, 6, 1)}, None, None, date(2026, 6, 1)),
    ("employer_benefit_formalities", "employer", {"activity_end_on": date(2016, 2, 29)}, None, None,
     date(2021, 2, 28)),
]  # fmt: skip


def _world(sweeping: Sweeping, cases: list[Any]) -> None:
    people: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for i, (processing, kind, dates, event, owner, _) in enumerate(cases, start=1):
        people.append({"id": i, "kind": kind, **dates})
        row: dict[str, Any] = {"id": i, "subject_id": i, "processing_id": processing, "recorded_on": date(2005, 1, 1)}
        if event is not None:
            row["event"], row["event_on"] = event
        if owner is not None:
            people.append({"id": 1000 + i, "kind": "health_professional", **owner})
            row["file_owner_id"] = 1000 + i
        rows.append(row)
    with connect(sweeping.env.engine) as connection:
        add_people(connection, people)
        add_records(connection, rows)


def _left(sweeping: Sweeping) -> set[int]:
    with connect(sweeping.env.engine) as connection:
        return set(connection.scalars(select(records.c.id)))


def test_each_rule_keeps_its_record_through_its_last_day_and_destroys_it_the_day_after(sweeping: Sweeping) -> None:
    _world(sweeping, CASES)
    order = sorted(range(len(CASES)), key=lambda i: CASES[i][-1])
    for index in order:
        last_day, record_id = CASES[index][-1], index + 1
        retention.sweep(sweeping.gate, sweeping.on(last_day))
        assert record_id in _left(sweeping), (CASES[index][0], "gone on its last day")
        retention.sweep(sweeping.gate, sweeping.on(last_day + timedelta(days=1)))
        assert record_id not in _left(sweeping), (CASES[index][0], "kept after its last day")
    with connect(sweeping.env.engine) as connection:
        erased = connection.execute(select(subjects.c.id, subjects.c.wrapped_key, subjects.c.identity)).all()
    assert {row.id for row in erased if row.wrapped_key is None and row.identity is None} == set(
        range(1, len(CASES) + 1)
    )  # everyone left with nothing is erased, the professionals who own files (no record of their own) are not


def test_an_open_life_has_no_end_and_is_never_touched(sweeping: Sweeping) -> None:
    _world(sweeping, [("rights_benefits", "insured", {}, None, None, date(2000, 1, 1))])
    retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)))
    assert _left(sweeping) == {1}
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(records.c.end_on)) is None


def test_litigation_prevails_over_the_ceilings_and_the_plan_names_the_rule(sweeping: Sweeping) -> None:
    _world(sweeping, [("fraud_control", "insured", {}, ("alert_recorded", date(2015, 1, 1)), None, date(2020, 1, 1))])
    gate = sweeping.gate
    decided = sweeping.on(date(2021, 9, 30))
    retention.record_event(
        gate, AgentId("paris-fraude"), SubjectId(1), "fraud_control", "final_decision", decided, record_id=1
    )
    plan = retention.plan(gate, sweeping.on(date(2026, 10, 1)))
    assert [(line.processing, line.count) for line in plan.lines] == [("fraud_control", 1)]
    assert "décision définitive" in plan.lines[0].rule
    assert plan.lines[0].ends_to == date(2026, 9, 30)
    retention.sweep(gate, sweeping.on(date(2026, 9, 30)))
    assert _left(sweeping) == {1}  # the alert's five years ended in 2020: litigation keeps it to 2026
    retention.sweep(gate, sweeping.on(date(2026, 10, 1)))
    assert _left(sweeping) == set()


def test_the_earliest_ceiling_wins_when_the_dmp_closes_before_its_holder_dies(sweeping: Sweeping) -> None:
    _world(
        sweeping,
        [
            (
                "dmp",
                "insured",
                {"death_on": date(2016, 5, 1)},
                ("dmp_closure", date(2013, 2, 28)),
                None,
                date(2023, 2, 28),
            )
        ],
    )
    retention.sweep(sweeping.gate, sweeping.on(date(2023, 2, 28)))
    assert _left(sweeping) == {1}
    retention.sweep(sweeping.gate, sweeping.on(date(2023, 3, 1)))
    assert _left(sweeping) == set()


def test_statistics_keep_a_reduced_form_and_other_records_go_whole(sweeping: Sweeping) -> None:
    cases = [CASES[0], CASES[4]]  # rights management keeps statistics, the DMP does not
    _world(sweeping, cases)
    report = retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)))
    assert (report.destroyed, report.reduced, report.erased) == (2, 1, 2)
    with connect(sweeping.env.engine) as connection:
        kept = connection.execute(select(retention_statistics)).all()
    assert [(k.processing_id, k.category, k.kind, k.organisation_code, k.recorded_month, k.ended_on) for k in kept] == [
        ("rights_benefits", "rights", "insured", "CPAM-75", "2005-01", date(2025, 3, 15))
    ]
    assert kept[0].pseudonym is None  # the pseudonymisation issue's hook


def test_one_certificate_per_sweep_and_the_journal_still_verifies(sweeping: Sweeping) -> None:
    _world(sweeping, CASES[:3])
    report = retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)), batch_size=2)
    assert report.batches == 2 and report.destroyed == 3
    assert report.counts == {
        "prevention_campaigns": {"CPAM-75": 1},
        "rights_benefits": {"CPAM-75": 2},
    }
    assert (report.ends_from, report.ends_to) == (date(2024, 6, 30), date(2025, 3, 15))
    with connect(sweeping.env.engine) as connection:
        destroys = connection.execute(select(audit_entries).where(audit_entries.c.action == "destroy")).all()
    assert [d.seq for d in destroys] == [report.certificate]
    # vigie's own act, allowed: no agent, no person, no processing named
    assert (destroys[0].allowed, destroys[0].agent_id, destroys[0].subject_ref, destroys[0].purpose) == (
        True, None, None, None,
    )  # fmt: skip
    assert destroys[0].reason.startswith(f"certificat de destruction n° {report.run_id} : ")
    assert report.digest in destroys[0].reason
    assert check(sweeping.env.engine, sweeping.env.keyring).ok
    again = retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)))
    assert again.destroyed == 0 and again.certificate != report.certificate  # idempotent; each sweep certifies


def test_a_date_beyond_the_margin_is_refused_and_nothing_goes(sweeping: Sweeping) -> None:
    _world(sweeping, CASES[:1])
    today = sweeping.on(date(2026, 11, 28))
    with pytest.raises(InvalidInput, match="au-delà d'aujourd'hui"):
        retention.sweep(sweeping.gate, today + timedelta(days=1))
    assert _left(sweeping) == {1}


def test_only_people_left_with_nothing_are_erased_across_batches(sweeping: Sweeping) -> None:
    """Person 1's due records span two batches: erased after the second. Person 2 keeps a record whose clock has
    not started (no end date) between two due ones: never erased."""
    with connect(sweeping.env.engine) as connection:
        add_people(
            connection,
            [{"id": 1, "kind": "insured", "rights_end_on": date(2020, 1, 1)}, {"id": 2, "kind": "insured",
             "rights_end_on": date(2020, 1, 1)}],
        )  # fmt: skip
        add_records(
            connection,
            [
                {"id": 1, "subject_id": 1, "processing_id": "rights_benefits"},
                {"id": 2, "subject_id": 2, "processing_id": "rights_benefits"},
                {"id": 3, "subject_id": 2, "processing_id": "social_support", "event": "support_end"},
                {"id": 4, "subject_id": 2, "processing_id": "rights_benefits"},
                {"id": 5, "subject_id": 1, "processing_id": "rights_benefits"},
            ],
        )
    report = retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)), batch_size=3)  # ids 1-4, then 5
    assert (report.destroyed, report.batches, report.erased) == (4, 2, 1)
    with connect(sweeping.env.engine) as connection:
        assert set(connection.scalars(select(subjects.c.id).where(subjects.c.shredded_on.is_not(None)))) == {1}
    assert _left(sweeping) == {3}
