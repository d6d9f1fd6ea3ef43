"""What a running vigie is made of, built once at start-up and passed to every service.

It lives apart from `bootstrap` (which builds it) so that the gate and the slices can take an environment
without importing start-up code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from vigie.clock import Clock
from vigie.crypto import Keyring
from vigie.register import Policy, Register
from vigie.settings import Settings


@dataclass(frozen=True)
class Environment:
    """Everything a service needs: settings, the register and its compiled policy, the database, the keys and
    the clock."""

    settings: Settings
    register: Register
    policy: Policy
    engine: Engine
    keyring: Keyring
    clock: Clock


__all__ = ["Environment"]
