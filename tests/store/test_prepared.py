"""Prepared statements give what SQLAlchemy's own execution gives, on both engines, and their cache is bounded."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Engine, Select, bindparam, insert, select

from vigie.store import connect
from vigie.store.prepared import Prepared, PreparedFamily
from vigie.store.schema import agents, consents, organisations, subjects


def _people(engine: Engine) -> None:
    with connect(engine) as connection:
        connection.execute(
            insert(organisations).values(code="CPAM-75", name="CPAM de Paris", kind="cpam", director="D", dpo="P")
        )
        connection.execute(
            insert(subjects),
            [
                {"id": i, "kind": "insured", "organisation_code": "CPAM-75", "wrapped_key": bytes([i]) * 40,
                 "created_on": date(2020, 1, i), "restricted": i == 2}
                for i in (1, 2, 3)
            ],
        )  # fmt: skip
        given, withdrawn = date(2024, 1, 1), date(2025, 1, 1)
        connection.execute(
            insert(consents),
            [
                {"subject_id": 1, "processing_id": "offers", "given_on": given, "withdrawn_on": None},
                {"subject_id": 1, "processing_id": "studies", "given_on": given, "withdrawn_on": withdrawn},
            ],
        )


def test_rows_are_converted_exactly_as_sqlalchemy_converts_them(engine: Engine) -> None:
    _people(engine)
    statement = (
        select(subjects.c.id, subjects.c.created_on, subjects.c.restricted, subjects.c.wrapped_key, subjects.c.death_on)
        .where(subjects.c.organisation_code == bindparam("organisation"), subjects.c.created_on >= bindparam("since"))
        .order_by(subjects.c.id)
    )
    params = {"organisation": "CPAM-75", "since": date(2020, 1, 2)}
    with connect(engine) as connection:
        expected = [tuple(row) for row in connection.execute(statement, params)]
        got = Prepared(statement).rows(connection, params)
    assert (
        got
        == expected
        == [(2, date(2020, 1, 2), True, b"\x02" * 40, None), (3, date(2020, 1, 3), False, b"\x03" * 40, None)]
    )
    assert [type(value) for value in got[0][1:4]] == [date, bool, bytes]


def test_a_parameter_used_twice_and_dates_as_parameters_are_bound_on_both_engines(engine: Engine) -> None:
    _people(engine)
    in_force = Prepared(
        select(consents.c.processing_id).where(
            consents.c.given_on <= bindparam("today", type_=Date),
            (consents.c.withdrawn_on.is_(None)) | (consents.c.withdrawn_on > bindparam("today", type_=Date)),
        )
    )
    with connect(engine) as connection:
        assert in_force.rows(connection, {"today": date(2024, 6, 1)}) == [("offers",), ("studies",)]
        assert in_force.rows(connection, {"today": date(2025, 6, 1)}) == [("offers",)]
        assert in_force.first(connection, {"today": date(2023, 6, 1)}) is None


def test_in_lists_are_compiled_per_length_and_only_short_ones_are_kept() -> None:
    family = PreparedFamily(
        lambda n: select(agents.c.id).where(agents.c.id.in_([bindparam(f"a{i}") for i in range(n)])), cached=4
    )
    assert family.sized(3) is family.sized(3)
    assert family.sized(5) is not family.sized(5)  # longer lists, as input may ask, do not grow the cache


def test_a_cleared_family_builds_its_statements_again() -> None:
    built: list[int] = []

    def build(n: int) -> Select[Any]:
        built.append(n)
        return select(agents.c.id).where(agents.c.id.in_([bindparam(f"a{i}") for i in range(n)]))

    family = PreparedFamily(build)
    first = family.sized(2)
    assert family.sized(2) is first and built == [2]
    family.clear()
    assert family.sized(2) is not first and built == [2, 2]
