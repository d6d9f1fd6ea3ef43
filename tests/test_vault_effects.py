"""What the rights and retention slices change in the vault touches one person, one processing, one record: an
erasure never takes another person's records, a rectification never rewrites another person's record, an
objection or a withdrawal of consent is the person's own, and a lifecycle event dates only its record. A file is
archived only by its own closure (the event the register names, on a record of that processing, on or before the
day asked) or its holder's death."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, insert, select, update

from vigie import vault
from vigie.crypto import Keyring
from vigie.errors import NotFound
from vigie.organisations import sync_organisations
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import consents, objections, record_events, records
from vigie.taxonomy import SubjectKind

TODAY = date(2026, 6, 15)


@dataclass(frozen=True)
class Two:
    """Two people with records in the same processings (the second person's ids differ from the first's records')."""

    first: int
    second: int
    first_records: dict[str, int]
    second_records: dict[str, int]


def _records(connection: object, keyring: Keyring, subject: int) -> dict[str, int]:
    made = {}
    for name, processing, category in [
        ("social", "social_support", "social_situation"),
        ("rights", "rights_benefits", "rights"),
        ("dmp", "dmp", "rights"),
    ]:
        made[name] = vault.add_record(
            connection,  # type: ignore[arg-type]
            keyring,
            subject,
            processing=processing,
            category=category,
            payload={"name": name, "of": subject},
            recorded_on=date(2024, 1, 1),
        )
    return made


@pytest.fixture
def two(engine: Engine, register: Register, keyring: Keyring) -> Two:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        _, first, second = (  # three people, the first only to shift the ids away from the records'
            vault.add_subject(
                connection,
                keyring,
                kind=SubjectKind.INSURED,
                organisation="CPAM-75",
                identity={"nom": name},
                created_on=date(2020, 1, 1),
            )
            for name in ("Martinez", "Roux", "Blanc")
        )
        return Two(first, second, _records(connection, keyring, first), _records(connection, keyring, second))


def _names(engine: Engine, subject: int) -> list[str]:
    with connect(engine) as connection:
        return sorted(connection.scalars(select(records.c.processing_id).where(records.c.subject_id == subject)).all())


# -- erasure -------------------------------------------------------------------------------------------------


def test_an_erasure_takes_only_the_persons_records_of_the_processings_named(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        assert vault.erase_records(connection, two.first, ["social_support", "dmp"]) == 2
        assert vault.record_count(connection, two.first) == 1
        assert vault.record_count(connection, two.second) == 3
    assert _names(engine, two.first) == ["rights_benefits"]
    assert _names(engine, two.second) == ["dmp", "rights_benefits", "social_support"]


def test_an_erasure_of_no_processing_erases_nothing(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        assert vault.erase_records(connection, two.first, []) == 0
    assert len(_names(engine, two.first)) == 3


def test_the_records_left_are_counted_for_the_person_only(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        vault.erase_records(connection, two.first, ["social_support", "rights_benefits", "dmp"])
        assert vault.record_count(connection, two.first) == 0  # so the person is shredded, not the others
        assert vault.record_count(connection, two.second) == 3


# -- rectification -------------------------------------------------------------------------------------------


def test_a_rectification_rewrites_the_persons_record_and_says_where_it_belongs(
    engine: Engine, keyring: Keyring, two: Two
) -> None:
    record = two.first_records["social"]
    with connect(engine) as connection:
        found = vault.replace_record(connection, keyring, two.first, record, {"name": "corrigé"})
        assert found == ("social_support", "social_situation")
        (view,) = vault.read_records(connection, keyring, two.first, "social_support", ("social_situation",))
    assert (view.id, view.payload) == (record, {"name": "corrigé"})


def test_a_rectification_of_another_persons_record_is_not_found_and_changes_nothing(
    engine: Engine, keyring: Keyring, two: Two
) -> None:
    record = two.second_records["social"]
    with connect(engine) as connection, pytest.raises(NotFound) as missing:
        vault.replace_record(connection, keyring, two.first, record, {"name": "volé"})
    assert (missing.value.what, missing.value.key) == ("donnée", str(record))
    with connect(engine) as connection:
        (view,) = vault.read_records(connection, keyring, two.second, "social_support", ("social_situation",))
    assert view.payload == {"name": "social", "of": two.second}


# -- objections and consents -----------------------------------------------------------------------------------


def _objections(engine: Engine) -> list[tuple[int, str, date]]:
    with connect(engine) as connection:
        rows = connection.execute(select(objections).order_by(objections.c.subject_id, objections.c.processing_id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_an_objection_is_recorded_once_per_person_and_processing(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        vault.add_objection(connection, two.first, "prevention_campaigns", date(2026, 1, 1))
        vault.add_objection(connection, two.first, "prevention_campaigns", date(2026, 2, 1))  # kept from the first day
        vault.add_objection(connection, two.second, "prevention_campaigns", date(2026, 3, 1))
        vault.add_objection(connection, two.first, "studies_evaluations", date(2026, 4, 1))
    assert _objections(engine) == [
        (two.first, "prevention_campaigns", date(2026, 1, 1)),
        (two.first, "studies_evaluations", date(2026, 4, 1)),
        (two.second, "prevention_campaigns", date(2026, 3, 1)),
    ]


def _consents(engine: Engine) -> dict[tuple[int, str], date | None]:
    with connect(engine) as connection:
        return {(r.subject_id, r.processing_id): r.withdrawn_on for r in connection.execute(select(consents))}


def test_a_withdrawal_ends_only_the_persons_consent_to_that_processing(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        connection.execute(
            insert(consents),
            [
                {"subject_id": s, "processing_id": p, "given_on": date(2025, 1, 1), "withdrawn_on": None}
                for s in (two.first, two.second)
                for p in ("service_offers", "studies_evaluations")
            ],
        )
        assert vault.withdraw_consent(connection, two.first, "service_offers", TODAY) is True
        assert vault.withdraw_consent(connection, two.first, "service_offers", TODAY) is False  # none in force
    assert _consents(engine) == {
        (two.first, "service_offers"): TODAY,
        (two.first, "studies_evaluations"): None,
        (two.second, "service_offers"): None,
        (two.second, "studies_evaluations"): None,
    }


def test_a_withdrawal_keeps_an_earlier_one_and_brings_a_later_one_forward(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        connection.execute(
            insert(consents),
            [
                {"subject_id": two.first, "processing_id": "service_offers", "given_on": date(2025, 1, 1),
                 "withdrawn_on": date(2026, 1, 1)},
                {"subject_id": two.first, "processing_id": "studies_evaluations", "given_on": date(2025, 1, 1),
                 "withdrawn_on": date(2026, 12, 31)},
            ],
        )  # fmt: skip
        assert vault.withdraw_consent(connection, two.first, "service_offers", TODAY) is False
        assert vault.withdraw_consent(connection, two.first, "studies_evaluations", TODAY) is True
    assert _consents(engine) == {
        (two.first, "service_offers"): date(2026, 1, 1),
        (two.first, "studies_evaluations"): TODAY,
    }


# -- lifecycle events ---------------------------------------------------------------------------------------


def _events(engine: Engine) -> tuple[dict[int, tuple[str | None, date | None]], set[tuple[int, str, date]]]:
    with connect(engine) as connection:
        own = {r.id: (r.event, r.event_on) for r in connection.execute(select(records))}
        more = {(r.record_id, r.event, r.event_on) for r in connection.execute(select(record_events))}
    return own, more


def test_an_event_dates_only_its_record_in_its_own_slot_then_beside_it(engine: Engine, two: Two) -> None:
    mine, theirs = two.first_records["social"], two.second_records["social"]
    with connect(engine) as connection:
        vault.set_record_event(connection, theirs, "alert_recorded", date(2021, 1, 1))
        vault.set_record_event(connection, mine, "alert_recorded", date(2022, 1, 1))
        vault.set_record_event(connection, mine, "alert_recorded", date(2022, 2, 1))  # the same event: re-dated
        vault.set_record_event(connection, theirs, "final_decision", date(2023, 1, 1))
        vault.set_record_event(connection, mine, "final_decision", date(2023, 5, 1))  # another event: beside it
        vault.set_record_event(connection, mine, "final_decision", date(2023, 6, 1))  # and re-dated there
    own, more = _events(engine)
    assert own[mine] == ("alert_recorded", date(2022, 2, 1))
    assert own[theirs] == ("alert_recorded", date(2021, 1, 1))
    assert own[two.first_records["rights"]] == (None, None)
    assert more == {(theirs, "final_decision", date(2023, 1, 1)), (mine, "final_decision", date(2023, 6, 1))}


def test_the_facts_of_a_record_are_its_own(engine: Engine, two: Two) -> None:
    record = two.second_records["rights"]
    with connect(engine) as connection:
        vault.set_record_event(connection, record, "rights_end", date(2025, 1, 1))
        facts = vault.record_facts(connection, record)
        assert vault.record_facts(connection, 10_000) is None
    assert facts == vault.RecordFacts(record, two.second, "rights_benefits", date(2024, 1, 1), "rights_end")


# -- archived files ------------------------------------------------------------------------------------------


def _archived(engine: Engine, subject: int, on: date = TODAY) -> date | None:
    with connect(engine) as connection:
        return vault.archived_on(connection, subject, "dmp", "dmp_closure", on)


def test_a_file_is_archived_from_its_closure_on_the_day_itself(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        vault.set_record_event(connection, two.first_records["dmp"], "dmp_closure", date(2026, 1, 15))
    assert _archived(engine, two.first, date(2026, 1, 14)) is None
    assert _archived(engine, two.first, date(2026, 1, 15)) == date(2026, 1, 15)
    assert _archived(engine, two.second) is None  # another person's closure closes nothing of theirs


def test_a_closure_beside_another_event_archives_the_file_too(engine: Engine, two: Two) -> None:
    record = two.first_records["dmp"]
    with connect(engine) as connection:
        vault.set_record_event(connection, record, "prevention_action", date(2025, 1, 1))
        vault.set_record_event(connection, record, "dmp_closure", date(2026, 1, 15))
        vault.set_record_event(connection, two.second_records["dmp"], "prevention_action", date(2025, 1, 1))
        vault.set_record_event(connection, two.second_records["dmp"], "support_end", date(2025, 2, 1))
    assert _archived(engine, two.first, date(2026, 1, 14)) is None
    assert _archived(engine, two.first, date(2026, 1, 15)) == date(2026, 1, 15)
    assert _archived(engine, two.second) is None  # other events beside its own: still open


def test_only_the_named_event_on_a_record_of_that_processing_closes_the_file(engine: Engine, two: Two) -> None:
    with connect(engine) as connection:
        vault.set_record_event(connection, two.first_records["social"], "dmp_closure", date(2026, 1, 15))
        vault.set_record_event(connection, two.first_records["rights"], "prevention_action", date(2025, 1, 1))
        vault.set_record_event(connection, two.first_records["rights"], "dmp_closure", date(2026, 1, 15))
        vault.set_record_event(connection, two.first_records["dmp"], "support_end", date(2026, 1, 15))
    assert _archived(engine, two.first) is None


def test_a_persons_record_in_someone_elses_file_does_not_close_their_own(
    engine: Engine, keyring: Keyring, two: Two
) -> None:
    """The first person is also a relative in the second person's file: that file's closure is not theirs."""
    with connect(engine) as connection:
        in_other_file = vault.add_record(
            connection, keyring, two.first, processing="dmp", category="contact",
            payload={"telephone": "0102030405"}, recorded_on=date(2024, 1, 1),
        )  # fmt: skip
        connection.execute(update(records).where(records.c.id == in_other_file).values(file_owner_id=two.second))
        vault.set_record_event(connection, in_other_file, "dmp_closure", date(2026, 1, 15))
    assert _archived(engine, two.second) == date(2026, 1, 15)
    assert _archived(engine, two.first) is None  # their own file is still open


def test_a_relatives_records_in_a_holders_file_close_with_the_holders_file(engine: Engine, two: Two) -> None:
    relative_record = two.second_records["dmp"]
    with connect(engine) as connection:
        connection.execute(update(records).where(records.c.id == relative_record).values(file_owner_id=two.first))
        vault.erase_records(connection, two.second, ["social_support", "rights_benefits"])
    assert _archived(engine, two.second) is None
    with connect(engine) as connection:
        vault.set_record_event(connection, relative_record, "dmp_closure", date(2025, 1, 1))  # the relative's record
    assert _archived(engine, two.first) == date(2025, 1, 1)  # closes the holder's file
    assert _archived(engine, two.second) == date(2025, 1, 1)
