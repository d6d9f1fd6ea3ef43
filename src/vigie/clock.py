"""The one clock: every « today » and « now » of vigie comes from here, in the organisation's time zone.

Deadlines, retention and consent expiry are calendar rules: the date they depend on is the organisation's
(`VIGIE_TIMEZONE`, Europe/Paris by default), not the server's, and tests pin it with `FixedClock` instead of
patching the standard library.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vigie.errors import ConfigurationError


class Clock(Protocol):
    """What services ask the time of."""

    def today(self) -> date:
        """The calendar date in the organisation's time zone."""
        ...

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC (what the journal records)."""
        ...


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`, or ConfigurationError in French."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(f"fuseau horaire inconnu : « {name[:64]} » (exemple : Europe/Paris)") from error


class SystemClock:
    """The machine's clock, read in the organisation's time zone."""

    __slots__ = ("timezone",)

    def __init__(self, timezone: str = "Europe/Paris") -> None:
        self.timezone = zone(timezone)

    def today(self) -> date:
        return datetime.now(self.timezone).date()

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told: for tests and `--at DATE` runs. `advance` moves it on."""

    __slots__ = ("_now", "timezone")

    def __init__(self, at: datetime | date, timezone: str = "Europe/Paris") -> None:
        self.timezone = zone(timezone)
        if not isinstance(at, datetime):
            at = datetime(at.year, at.month, at.day, 12, tzinfo=self.timezone)
        elif at.tzinfo is None:
            at = at.replace(tzinfo=self.timezone)
        self._now = at.astimezone(UTC)

    def today(self) -> date:
        return self._now.astimezone(self.timezone).date()

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        """Move the clock to `at` (aware)."""
        self._now = at.astimezone(UTC)


# For code below the services that only needs the instant (UTC does not depend on the time zone), when no
# clock was passed in: the journal's own traces, checkpoints and purge anchors.
SYSTEM_CLOCK = SystemClock("UTC")

__all__ = ["SYSTEM_CLOCK", "Clock", "FixedClock", "SystemClock", "zone"]
