"""Start-up: load the register, the keys and the database, in that order, refusing what is unsafe.

The service, the CLI and the demo all start through `prepare`, so the checks (key file present and private,
schema migrated, organisations in step with the register) are made once, the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from vigie.agents import ensure_demo_agents
from vigie.crypto import Keyring, ensure_key_file, load_key_file
from vigie.register import Policy, Register, load_register
from vigie.settings import Settings
from vigie.store import connect, migrate, open_database
from vigie.store.reference import sync_organisations


@dataclass(frozen=True)
class Environment:
    """Everything a service needs, built once from the settings."""

    settings: Settings
    register: Register
    policy: Policy
    engine: Engine
    keyring: Keyring


def prepare(settings: Settings, *, create_keys: bool = False) -> Environment:
    """Load register and keys, migrate the database, sync organisations.

    Keys and database are created only in demo mode or when asked (`vigie init`); otherwise a missing or
    world-readable key file, or a missing database, stops the start with a clear message and creates nothing.
    """
    create = create_keys or settings.demo
    register = load_register(settings.register_dir)
    key_path = settings.resolved_key_file
    keyring = ensure_key_file(key_path) if create else load_key_file(key_path)
    engine = open_database(settings.resolved_database_url, create=create)
    migrate(engine)
    with connect(engine) as connection:
        sync_organisations(connection, register)
        if settings.demo:
            ensure_demo_agents(connection, register, attested_on=date.today())
    return Environment(settings, register, Policy.compile(register), engine, keyring)
