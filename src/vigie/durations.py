"""ISO 8601 durations added with calendar arithmetic (31 January + 1 month = end of February).

Retention periods, deadlines and consent lifetimes are all stated as such durations in the register; they are
never converted to a number of days, which would drift over leap years and short months.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$")


@dataclass(frozen=True, order=True)
class Duration:
    """A calendar duration: years and months move the calendar, days are added after them."""

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse `PnYnMnWnD` (date part only); raise ValueError with a French reason otherwise."""
        match = _PATTERN.match(text) if isinstance(text, str) else None
        if match is None or text == "P":
            raise ValueError(f"durée « {text} » mal formée : attendu une durée ISO 8601 comme P5Y, P18M, P13M ou P1D")
        parts = {name: int(value) for name, value in match.groupdict().items() if value is not None}
        duration = cls(
            years=parts.get("years", 0),
            months=parts.get("months", 0),
            days=parts.get("days", 0) + 7 * parts.get("weeks", 0),
        )
        if duration == cls():
            raise ValueError(f"durée « {text} » nulle : une durée de conservation doit être positive")
        return duration

    def after(self, start: date) -> date:
        """The date this duration after `start`, clamping the day to the end of a shorter month."""
        month_index = start.month - 1 + self.months
        year = start.year + self.years + month_index // 12
        month = month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date.fromordinal(date(year, month, day).toordinal() + self.days)

    def iso(self) -> str:
        """The canonical ISO 8601 text of this duration."""
        text = "P"
        text += f"{self.years}Y" if self.years else ""
        text += f"{self.months}M" if self.months else ""
        text += f"{self.days}D" if self.days else ""
        return text

    def french(self) -> str:
        """The duration in plain French, e.g. « 5 ans », « 18 mois », « 1 jour »."""
        pieces = []
        if self.years:
            pieces.append(f"{self.years} an" + ("s" if self.years > 1 else ""))
        if self.months:
            pieces.append(f"{self.months} mois")
        if self.days:
            pieces.append(f"{self.days} jour" + ("s" if self.days > 1 else ""))
        return " et ".join(pieces)

    def __str__(self) -> str:
        return self.iso()
