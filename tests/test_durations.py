"""ISO 8601 durations parse strictly and add with calendar arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from vigie.durations import Duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P5Y", Duration(years=5)),
        ("P18M", Duration(months=18)),
        ("P1D", Duration(days=1)),
        ("P2W", Duration(days=14)),
        ("P1Y6M3D", Duration(1, 6, 3)),
    ],
)
def test_parse_accepts_iso_date_durations(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


@pytest.mark.parametrize("text", ["", "P", "5Y", "P5", "PT1H", "P-1Y", "P0D", "P1.5Y"])
def test_parse_refuses_malformed_or_empty_durations(text: str) -> None:
    with pytest.raises(ValueError, match="durée"):
        Duration.parse(text)


def test_one_month_after_31_january_is_the_end_of_february() -> None:
    assert Duration(months=1).after(date(2027, 1, 31)) == date(2027, 2, 28)
    assert Duration(months=1).after(date(2028, 1, 31)) == date(2028, 2, 29)


def test_years_from_29_february_land_on_28_february() -> None:
    assert Duration(years=1).after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_eighteen_months_cross_a_year_boundary() -> None:
    assert Duration.parse("P18M").after(date(2025, 9, 15)) == date(2027, 3, 15)


def test_days_are_added_after_the_calendar_move() -> None:
    assert Duration(months=1, days=1).after(date(2027, 1, 31)) == date(2027, 3, 1)


def test_french_rendering() -> None:
    assert Duration.parse("P5Y").french() == "5 ans"
    assert Duration.parse("P1Y").french() == "1 an"
    assert Duration.parse("P18M").french() == "18 mois"
    assert Duration.parse("P1D").french() == "1 jour"
    assert Duration.parse("P13M").iso() == "P13M"
