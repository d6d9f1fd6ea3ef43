"""What a running vigie is made of, built once at start-up and passed to every service.

It lives apart from `bootstrap` (which builds it) so that the gate and the slices can take an environment
without importing start-up code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from sqlalchemy import Engine

from vigie.clock import Clock
from vigie.crypto import Keyring
from vigie.register.policy import Policy
from vigie.settings import Settings

if TYPE_CHECKING:
    from vigie.register.register import Register

RegisterLoader = Callable[[], "Register"]


class _RegisterOnFirstUse:
    """The `register` of an environment: given whole, or as a function that parses it on first use.

    Deciding an access needs only the compiled policy; parsing and validating the register's YAML costs more
    than the rest of `vigie access check` together. Start-up passes the compiled policy (from its cache) and a
    loader over the very bytes that policy was compiled from, so the register a service reads later is the
    one the policy came from. Loaded once per environment, under a lock (the web service's threads).
    """

    _lock = threading.Lock()

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_{name}"

    @overload
    def __get__(self, env: None, owner: type | None = None) -> _RegisterOnFirstUse: ...
    @overload
    def __get__(self, env: Environment, owner: type | None = None) -> Register: ...
    def __get__(self, env: Environment | None, owner: type | None = None) -> Register | _RegisterOnFirstUse:
        if env is None:
            raise AttributeError("register")  # no default value: the field is required
        held: Register | RegisterLoader = env.__dict__[self.key]
        if not callable(held):
            return held
        with self._lock:
            held = env.__dict__[self.key]
            if callable(held):
                held = env.__dict__[self.key] = held()
        assert not callable(held)
        return held

    def __set__(self, env: Environment, value: Register | RegisterLoader) -> None:
        env.__dict__[self.key] = value


@dataclass(frozen=True, kw_only=True)
class Environment:
    """Everything a service needs: settings, the register and its compiled policy, the database, the keys and
    the clock."""

    settings: Settings
    register: _RegisterOnFirstUse = _RegisterOnFirstUse()
    policy: Policy
    engine: Engine
    keyring: Keyring
    clock: Clock


__all__ = ["Environment", "RegisterLoader"]
