"""A decision and its reason: what access control, rights and retention all answer with."""

from __future__ import annotations

from typing import NamedTuple


class Decision(NamedTuple):
    """An access decision and its reason, in French, as shown to agents and kept in the journal.

    A named tuple rather than a frozen dataclass: it is built on every decision, and this is the cheapest
    immutable record Python has."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed
