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
from vigie.taxonomy import SubjectKind


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
