"""Deadlines: one calendar month across month ends and leap years, extensions told in time, the identity hold,
due-soon and overdue flags, in the organisation's time zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from rights_world import DPO, World, intake

from vigie.clock import FixedClock
from vigie.errors import InvalidInput
from vigie.rights import RequestKind, RightsService, deadlines
from vigie.rights.parsing import ExtensionReason, day


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2028, 2, 29), date(2028, 3, 29)),
    ],
)
def test_due_one_calendar_month_after_receipt(received: date, due: date) -> None:
    assert deadlines.due_on(received) == due


def test_an_extension_adds_at_most_two_months_to_the_start() -> None:
    assert deadlines.extended_to(date(2027, 1, 31), 2) == date(2027, 4, 30)
    assert deadlines.extended_to(date(2027, 11, 30), 1) == date(2028, 1, 30)
    with pytest.raises(InvalidInput, match="de 1 à 2 mois"):
        deadlines.extended_to(date(2027, 1, 31), 3)


def test_the_person_must_be_told_of_an_extension_within_the_first_month() -> None:
    deadlines.check_extension(date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 10))
    with pytest.raises(InvalidInput, match="premier mois, au plus tard le 28/02/2027"):
        deadlines.check_extension(date(2027, 1, 31), date(2027, 3, 1), date(2027, 3, 10))
    with pytest.raises(InvalidInput, match="date à venir"):
        deadlines.check_extension(date(2027, 1, 31), date(2027, 2, 10), date(2027, 2, 5))


def test_flags_due_soon_and_overdue() -> None:
    due = date(2026, 12, 20)
    assert deadlines.flags(due, False, date(2026, 12, 10)) == (False, False)
    assert deadlines.flags(due, False, date(2026, 12, 13)) == (True, False)
    assert deadlines.flags(due, False, date(2026, 12, 20)) == (True, False)
    assert deadlines.flags(due, False, date(2026, 12, 21)) == (False, True)
    assert deadlines.flags(due, True, date(2027, 1, 21)) == (False, False)
    assert deadlines.flags(None, False, date(2027, 1, 21)) == (False, False)  # identity hold: no clock


def test_impossible_dates_are_bad_input() -> None:
    assert day("2028-02-29", "date") == date(2028, 2, 29)
    for bad in ("2027-02-29", "2026-04-31", "2026-13-01", "31/01/2026", "2026-1-5", "２０２６-01-01"):
        with pytest.raises(InvalidInput):
            day(bad, "date")


def test_the_service_extends_once_with_a_reason_told_in_time(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 10, 31)))
    extended = world.service.extend(DPO, made.id, 2, ExtensionReason.COMPLEXITY, date(2026, 11, 15))
    assert (extended.due_on, extended.extended_to, extended.deadline) == (
        date(2026, 11, 30),
        date(2027, 1, 31),
        date(2027, 1, 31),
    )
    with pytest.raises(InvalidInput, match="déjà prolongé"):
        world.service.extend(DPO, made.id, 1, ExtensionReason.NUMBER, date(2026, 11, 16))


def test_an_extension_told_after_the_first_month_is_refused(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 10, 20)))
    with pytest.raises(InvalidInput, match="premier mois"):
        world.service.extend(DPO, made.id, 1, ExtensionReason.NUMBER, date(2026, 11, 21))
    assert world.service.list(DPO)[0].extended_to is None


def test_the_day_is_the_organisations_not_utcs(world: World) -> None:
    # 23:30 UTC on 30 November is already 1 December in Paris: a letter received on 1 December is not « à venir ».
    late = FixedClock(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "Europe/Paris")
    service = RightsService(replace(world.env, clock=late), world.journal)
    made = service.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 12, 1)))
    assert made.due_on == date(2027, 1, 1)
    in_utc = FixedClock(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "UTC")
    utc = RightsService(replace(world.env, clock=in_utc), world.journal)
    with pytest.raises(InvalidInput, match="date à venir"):
        utc.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 12, 1)))
