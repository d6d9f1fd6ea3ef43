"""One clock: every « today » is the organisation's calendar date, and nothing else reads the system time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import vigie
from vigie.clock import FixedClock, SystemClock
from vigie.errors import ConfigurationError
from vigie.settings import load_settings

SOURCE = Path(vigie.__file__).parent


def test_today_is_the_date_in_the_organisations_time_zone_not_utc() -> None:
    """23:30 UTC on 31 December is already 1 January in Paris, still 31 December in Cayenne."""
    instant = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert FixedClock(instant, "Europe/Paris").today() == date(2027, 1, 1)
    assert FixedClock(instant, "America/Cayenne").today() == date(2026, 12, 31)
    assert FixedClock(instant, "Europe/Paris").now() == instant


def test_a_fixed_clock_given_a_date_keeps_that_date() -> None:
    assert FixedClock(date(2024, 2, 29), "Pacific/Noumea").today() == date(2024, 2, 29)


def test_now_is_aware_and_in_utc() -> None:
    now = SystemClock("Indian/Reunion").now()
    assert now.tzinfo is UTC


def test_an_unknown_time_zone_is_refused_in_french() -> None:
    with pytest.raises(ConfigurationError, match="fuseau horaire inconnu"):
        SystemClock("Europe/Atlantide")


def test_the_setting_feeds_the_clock_prepare_builds(tmp_path: Path) -> None:
    from vigie.bootstrap import prepare

    settings = load_settings(data_dir=tmp_path, timezone="Pacific/Tahiti")
    env = prepare(settings, create_keys=True)
    try:
        assert isinstance(env.clock, SystemClock) and str(env.clock.timezone) == "Pacific/Tahiti"
    finally:
        env.engine.dispose()


def test_nothing_but_the_clock_reads_the_system_time() -> None:
    """`date.today()`, `datetime.now()` and friends appear only in clock.py: web, CLI and services take the date
    from `env.clock`, so that a test or an `--at DATE` run pins it everywhere at once."""
    pattern = re.compile(r"\b(date\.today|datetime\.(now|utcnow|today)|time\.localtime)\(")
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
