"""A read from the vault returns the records of one subject, one processing and the requested categories only.

These filters are the policy's first promises (purpose limitation, minimisation): each test below fails when
one condition of `vault.read_records` is removed, which mutation testing showed no other test would notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from vigie import vault
from vigie.crypto import Keyring
from vigie.organisations import sync_organisations
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import consents, objections
from vigie.taxonomy import SubjectKind

TODAY = date(2026, 6, 15)


@dataclass(frozen=True)
class Filled:
    """Two subjects; the first has records in two processings that share a category, and in two categories."""

    first: int
    second: int
    records: dict[str, int]


@pytest.fixture
def filled(engine: Engine, register: Register, keyring: Keyring) -> Filled:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        first, second = (
            vault.add_subject(
                connection,
                keyring,
                kind=SubjectKind.INSURED,
                organisation="CPAM-75",
                identity={"nom": name},
                created_on=date(2020, 1, 1),
            )
            for name in ("Martinez", "Roux")
        )
        made: dict[str, int] = {}
        for name, subject, processing, category, on in [
            ("care_later", first, "social_support", "health.care", date(2024, 6, 1)),
            ("care_earlier", first, "social_support", "health.care", date(2024, 1, 1)),
            ("care_rights", first, "rights_benefits", "health.care", date(2024, 3, 1)),
            ("housing", first, "social_support", "housing", date(2024, 2, 1)),
            ("care_other_subject", second, "social_support", "health.care", date(2024, 4, 1)),
        ]:
            made[name] = vault.add_record(
                connection,
                keyring,
                subject,
                processing=processing,
                category=category,
                payload={"name": name},
                recorded_on=on,
            )
    return Filled(first, second, made)


def _read(engine: Engine, keyring: Keyring, subject: int, processing: str, categories: tuple[str, ...]) -> list[str]:
    with connect(engine) as connection:
        found = vault.read_records(connection, keyring, subject, processing, categories)
    return [record.payload["name"] for record in found]


def test_a_read_never_returns_another_processings_records(engine: Engine, keyring: Keyring, filled: Filled) -> None:
    """Purpose limitation: the rights_benefits record of the same category stays out of a social_support read."""
    assert _read(engine, keyring, filled.first, "social_support", ("health.care",)) == ["care_earlier", "care_later"]
    assert _read(engine, keyring, filled.first, "rights_benefits", ("health.care",)) == ["care_rights"]


def test_a_read_never_returns_a_category_that_was_not_requested(
    engine: Engine, keyring: Keyring, filled: Filled
) -> None:
    """Minimisation: the housing record of the same processing stays out unless housing is granted."""
    assert _read(engine, keyring, filled.first, "social_support", ("housing",)) == ["housing"]
    assert _read(engine, keyring, filled.first, "social_support", ("health.care",)) == ["care_earlier", "care_later"]
    assert _read(engine, keyring, filled.first, "social_support", ("housing", "health.care")) == [
        "care_earlier",
        "housing",
        "care_later",
    ]


def test_no_category_requested_means_no_record(engine: Engine, keyring: Keyring, filled: Filled) -> None:
    assert _read(engine, keyring, filled.first, "social_support", ()) == []


def test_a_read_never_returns_another_subjects_records(engine: Engine, keyring: Keyring, filled: Filled) -> None:
    assert _read(engine, keyring, filled.second, "social_support", ("health.care",)) == ["care_other_subject"]
    assert _read(engine, keyring, filled.second, "rights_benefits", ("health.care",)) == []


def test_records_come_in_date_order_with_their_processing_category_and_date(
    engine: Engine, keyring: Keyring, filled: Filled
) -> None:
    with connect(engine) as connection:
        found = vault.read_records(connection, keyring, filled.first, "social_support", ("health.care", "housing"))
    assert [(r.id, r.processing, r.category, r.recorded_on) for r in found] == [
        (filled.records["care_earlier"], "social_support", "health.care", date(2024, 1, 1)),
        (filled.records["housing"], "social_support", "housing", date(2024, 2, 1)),
        (filled.records["care_later"], "social_support", "health.care", date(2024, 6, 1)),
    ]


def test_identifiers_start_at_one_and_follow_each_other(filled: Filled) -> None:
    assert (filled.first, filled.second) == (1, 2)
    assert sorted(filled.records.values()) == [1, 2, 3, 4, 5]


def test_a_subjects_state_counts_only_its_own_objections_and_consents(engine: Engine, filled: Filled) -> None:
    """Another person's objection or consent never changes what may be done with this person's data."""
    with connect(engine) as connection:
        connection.execute(
            objections.insert().values(
                subject_id=filled.second, processing_id="service_offers", recorded_on=date(2025, 1, 1)
            )
        )
        connection.execute(
            consents.insert().values(
                subject_id=filled.second, processing_id="studies_evaluations", given_on=date(2024, 1, 1)
            )
        )
        first = vault.subject_state(connection, filled.first, TODAY)
        second = vault.subject_state(connection, filled.second, TODAY)
    assert (first.objections, first.consents) == (frozenset(), frozenset())
    assert (second.objections, second.consents) == ({"service_offers"}, {"studies_evaluations"})


@pytest.mark.parametrize(
    ("given_on", "withdrawn_on", "in_force"),
    [
        (TODAY, None, True),  # given today: in force from today
        (date(2026, 6, 16), None, False),  # given tomorrow: not yet
        (date(2024, 1, 1), date(2026, 6, 16), True),  # withdrawn tomorrow: still in force today
        (date(2024, 1, 1), TODAY, False),  # withdrawn today: no longer in force
        (date(2024, 1, 1), date(2025, 1, 1), False),
    ],
)
def test_a_consent_is_in_force_from_the_day_it_is_given_until_the_day_it_is_withdrawn(
    engine: Engine, filled: Filled, given_on: date, withdrawn_on: date | None, in_force: bool
) -> None:
    with connect(engine) as connection:
        connection.execute(
            consents.insert().values(
                subject_id=filled.first,
                processing_id="studies_evaluations",
                given_on=given_on,
                withdrawn_on=withdrawn_on,
            )
        )
        state = vault.subject_state(connection, filled.first, TODAY)
    assert state.consents == ({"studies_evaluations"} if in_force else frozenset())


def test_an_identity_holds_what_was_given_and_no_empty_nir(engine: Engine, keyring: Keyring, filled: Filled) -> None:
    with connect(engine) as connection:
        assert vault.read_identity(connection, keyring, filled.first) == {"nom": "Martinez"}
        state = vault.subject_state(connection, filled.first, TODAY)
    assert (state.kind, state.organisation, state.restricted) == (SubjectKind.INSURED, "CPAM-75", False)
