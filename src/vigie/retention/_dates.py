"""Date arithmetic as SQL column expressions, the same on SQLite (dates as ISO text) and PostgreSQL.

`after` adds a calendar duration exactly as `Duration.after` does (31 January + 1 month = end of February);
`least` and `greatest` ignore NULLs on both engines, as the retention rules need (an event not yet happened).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, String, case, cast, func, literal, literal_column, null, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from vigie.durations import Duration

_FAR = "9999-12-31"
_NEAR = "0001-01-01"


def after(start: ColumnElement[Any], duration: Duration, dialect: str) -> ColumnElement[Any]:
    """`start` + `duration`, clamping the day to the end of a shorter month, then adding the days."""
    months = 12 * duration.years + duration.months
    if dialect == "postgresql":
        moved: ColumnElement[Any] = start
        if months:
            moved = cast(start + literal_column(f"interval '{months} months'"), Date)
        if duration.days:
            moved = moved + duration.days
        return type_coerce(moved, Date)
    moved = start
    if months:
        # Days 1 to 28 exist in every month: one date() call. Later days may overflow into the next month
        # (SQLite normalises 31 January + 1 month to 3 March): then the last day of the month before.
        fast = func.date(start, f"+{months} months")
        overflowed = func.strftime("%d", fast) != func.strftime("%d", start)
        slow = case((overflowed, func.date(fast, "start of month", "-1 day")), else_=fast)
        moved = case((type_coerce(func.substr(start, 9, 2), String) <= "28", fast), else_=slow)
    if duration.days:
        moved = func.date(moved, f"+{duration.days} days")
    elif not months:
        moved = func.date(moved)
    return type_coerce(moved, Date)


def least(values: list[ColumnElement[Any]], dialect: str) -> ColumnElement[Any]:
    """The earliest non-NULL date among `values`, or NULL."""
    if not values:
        return null()
    if len(values) == 1:
        return values[0]
    if dialect == "postgresql":
        return type_coerce(func.least(*values), Date)
    sentinel = literal(_FAR)
    return type_coerce(func.nullif(func.min(*(func.coalesce(v, sentinel) for v in values)), sentinel), Date)


def greatest(values: list[ColumnElement[Any]], dialect: str) -> ColumnElement[Any]:
    """The latest non-NULL date among `values`, or NULL."""
    if not values:
        return null()
    if len(values) == 1:
        return values[0]
    if dialect == "postgresql":
        return type_coerce(func.greatest(*values), Date)
    sentinel = literal(_NEAR)
    return type_coerce(func.nullif(func.max(*(func.coalesce(v, sentinel) for v in values)), sentinel), Date)
