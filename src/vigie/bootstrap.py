"""Start-up: load the register, the keys and the database, in that order, refusing what is unsafe.

The service, the CLI and the demo all start through `prepare`, so the checks (key file present and private,
schema migrated, organisations in step with the register) are made once, the same way everywhere.
"""

from __future__ import annotations

from vigie.agents import ensure_demo_agents
from vigie.clock import Clock, SystemClock
from vigie.crypto import ensure_key_file, load_key_file
from vigie.environment import Environment
from vigie.organisations import sync_organisations
from vigie.register import Policy, load_register
from vigie.settings import Settings
from vigie.store import connect, migrate, open_database


def prepare(settings: Settings, *, create_keys: bool = False, clock: Clock | None = None) -> Environment:
    """Load register and keys, migrate the database, sync organisations.

    Keys and database are created only in demo mode or when asked (`vigie init`); otherwise a missing or
    world-readable key file, or a missing database, stops the start with a clear message and creates nothing.
    The clock is the system's, in the organisation's time zone, unless one is given (tests).
    """
    create = create_keys or settings.demo
    clock = clock if clock is not None else SystemClock(settings.timezone)
    register = load_register(settings.register_dir)
    key_path = settings.resolved_key_file
    keyring = ensure_key_file(key_path) if create else load_key_file(key_path)
    engine = open_database(settings.resolved_database_url, create=create)
    migrate(engine)
    with connect(engine) as connection:
        sync_organisations(connection, register)
        if settings.demo:
            ensure_demo_agents(connection, register, attested_on=clock.today())
    return Environment(settings, register, Policy.compile(register), engine, keyring, clock)
