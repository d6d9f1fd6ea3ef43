"""Password hashing with argon2id, parameters from the settings (RFC 9106's second recommended profile by
default: t=3 passes, 64 MiB, 4 lanes, 16-byte salt, 32-byte tag).

The profile is the low-memory one on purpose: it fits a service answering many sign-ins on a small machine,
where the first profile's 2 GiB per hash would not. A hash made with other parameters still verifies, and
`needs_rehash` tells the sign-in to replace it with one under the current parameters.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vigie.settings import Settings

# Verified when the account does not exist, so that an unknown identifier costs as long as a wrong password.
_DUMMY_PASSWORD = "vigie: compte inexistant"  # noqa: S105 (not a secret: a constant to spend time on)


class Hasher:
    """argon2id under the current settings; one per service (building the hasher is cheap, hashing is not)."""

    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.password_time_cost,
            memory_cost=settings.password_memory_kib,
            parallelism=settings.password_parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """The PHC string of `password` (`$argon2id$v=19$m=...,t=...,p=...$salt$tag`)."""
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; a missing hash spends the same time and says no."""
        if stored is None:
            if self._dummy is None:
                self._dummy = self._hasher.hash(_DUMMY_PASSWORD)
            stored = self._dummy
            password = password + "\x00"  # never matches the dummy
        try:
            return self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether `stored` was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(stored)


__all__ = ["Hasher"]
