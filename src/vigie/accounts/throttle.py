"""Per-account throttling, as the Cnil's 2022 password recommendation asks for a password of 8 characters:
a delay that grows after 5 failed attempts, and a lock after 10.

After the 5th consecutive failure the next attempt must wait 30 s, then 1, 2, 4 and 8 minutes after each
further failure; the 10th locks the account until an operator unlocks it (`vigie account unlock`) or the
person resets the password through the agent. A successful sign-in resets the count. Per-address limits are
the sign-in guard's (`vigie.access.signin`), shared with the API's token checks.
"""

from __future__ import annotations

from dataclasses import dataclass

DELAY_AFTER = 5
LOCK_AFTER = 10
FIRST_DELAY_SECONDS = 30


@dataclass(frozen=True)
class Standing:
    """Where an account stands: locked, or how many seconds to wait before the next attempt (0: none)."""

    locked: bool
    wait: int


def delay_after(failures: int) -> int:
    """The seconds to wait after `failures` consecutive failures (0 below `DELAY_AFTER`)."""
    if failures < DELAY_AFTER:
        return 0
    return int(FIRST_DELAY_SECONDS * 2 ** (failures - DELAY_AFTER))


def standing(failures: int, last_failure_at: int | None, locked_at: int | None, now: int) -> Standing:
    """The account's standing at `now` (Unix seconds)."""
    if locked_at is not None or failures >= LOCK_AFTER:
        return Standing(True, 0)
    if last_failure_at is None:
        return Standing(False, 0)
    return Standing(False, max(0, last_failure_at + delay_after(failures) - now))


__all__ = ["DELAY_AFTER", "LOCK_AFTER", "Standing", "delay_after", "standing"]
