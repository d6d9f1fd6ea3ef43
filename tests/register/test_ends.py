"""End dates computed from the shipped register's clocks: whose event starts each clock, and which rule wins."""

from __future__ import annotations

from datetime import date

from vigie.register import Policy
from vigie.register.ends import end_of
from vigie.taxonomy import ClockOwner as O
from vigie.taxonomy import LifecycleEvent as E
from vigie.taxonomy import SubjectKind as K


def test_a_fraud_case_closed_without_action_ends_a_year_later_and_litigation_prevails(policy: Policy) -> None:
    clocks = policy.retention_rules("fraud_control")
    alert = {(O.RECORD, E.ALERT_RECORDED): date(2020, 1, 10)}
    assert end_of(clocks, K.INSURED, alert) == date(2025, 1, 10)
    closed = {**alert, (O.RECORD, E.CASE_CLOSED_WITHOUT_ACTION): date(2020, 6, 1)}
    assert end_of(clocks, K.INSURED, closed) == date(2021, 6, 1)
    litigated = {**alert, (O.RECORD, E.FINAL_DECISION): date(2024, 3, 1)}
    assert end_of(clocks, K.INSURED, litigated) == date(2029, 3, 1)
    assert end_of(clocks, K.WITNESS, litigated) == date(2029, 3, 1)
    assert end_of(clocks, K.INSURED, {}) is None  # an open case has no end yet


def test_a_patients_data_in_a_professionals_file_ends_on_the_professionals_clock(policy: Policy) -> None:
    clocks = policy.retention_rules("professional_relations")
    patient_died = {(O.SUBJECT, E.DEATH): date(2021, 5, 4)}
    assert end_of(clocks, K.INSURED, patient_died) is None  # the patient's death starts nothing
    professional_died = {(O.FILE_OWNER, E.DEATH): date(2030, 2, 1)}
    assert end_of(clocks, K.INSURED, professional_died) == date(2040, 2, 1)
    assert end_of(clocks, K.HEALTH_PROFESSIONAL, professional_died) == date(2040, 2, 1)
    closed = {(O.FILE_OWNER, E.ACTIVITY_END): date(2026, 9, 30)}
    assert end_of(clocks, K.HEALTH_ESTABLISHMENT, closed) == date(2036, 9, 30)
    assert end_of(clocks, K.HEALTH_ESTABLISHMENT, professional_died) is None  # an establishment never dies


def test_the_holders_death_closes_the_dmp(policy: Policy) -> None:
    clocks = policy.retention_rules("dmp")
    died = {(O.FILE_OWNER, E.DEATH): date(2030, 5, 1)}
    assert end_of(clocks, K.INSURED, died) == date(2040, 5, 1)
    assert end_of(clocks, K.RELATIVE, died) == date(2040, 5, 1)
    assert end_of(clocks, K.RELATIVE, {(O.SUBJECT, E.DEATH): date(2030, 5, 1)}) is None  # a relative's death: no
    closed_first = {**died, (O.RECORD, E.DMP_CLOSURE): date(2028, 1, 15)}
    assert end_of(clocks, K.INSURED, closed_first) == date(2038, 1, 15)


def test_employer_formalities_end_with_the_employees_rights_in_calendar_arithmetic(policy: Policy) -> None:
    clocks = policy.retention_rules("employer_benefit_formalities")
    assert end_of(clocks, K.EMPLOYEE, {(O.SUBJECT, E.RIGHTS_END): date(2024, 2, 29)}) == date(2029, 2, 28)
    assert end_of(clocks, K.EMPLOYER, {(O.SUBJECT, E.ACTIVITY_END): date(2024, 1, 31)}) == date(2029, 1, 31)
    assert end_of(clocks, K.EMPLOYEE, {(O.SUBJECT, E.ACTIVITY_END): date(2024, 1, 31)}) is None


def test_a_crisis_relatives_contact_ends_with_the_rights_of_the_person_they_accompany(policy: Policy) -> None:
    clocks = policy.retention_rules("crisis_management")
    assert end_of(clocks, K.RELATIVE, {(O.FILE_OWNER, E.RIGHTS_END): date(2025, 7, 1)}) == date(2030, 7, 1)
    assert end_of(clocks, K.VICTIM, {(O.SUBJECT, E.RIGHTS_END): date(2025, 7, 1)}) == date(2030, 7, 1)
