"""Start-up: read the register, load the keys, open the database, refusing what is unsafe.

The service, the CLI and the demo all start through `prepare`, so the checks (key file present and private,
schema migrated, organisations in step with the register) are made once, the same way everywhere.
"""

from __future__ import annotations

from pathlib import Path

from vigie.agents import ensure_demo_agents
from vigie.bootstrap._policy_cache import CACHE_NAME, CompiledRegister, load_compiled, store_compiled
from vigie.clock import Clock, SystemClock
from vigie.crypto import Keyring, create_key_file, load_key_file
from vigie.environment import Environment, RegisterLoader
from vigie.errors import ConfigurationError
from vigie.organisations import organisation_rows, sync_organisation_rows
from vigie.register import Policy, Register, RegisterFiles, read_register_files
from vigie.settings import Settings
from vigie.store import connect, migrate, open_database


def prepare(settings: Settings, *, create_keys: bool = False, clock: Clock | None = None) -> Environment:
    """Read the register and the keys, migrate the database, sync organisations.

    Keys and database are created only in demo mode or when asked (`vigie init`); otherwise a missing or
    world-readable key file, or a missing database, stops the start with a clear message and creates nothing.
    An invalid register is reported before a key file problem, and before anything is created. The clock is
    the system's, in the organisation's time zone, unless one is given (tests).

    The compiled register comes from the cache of the data directory when it was made from these very files
    by this very code, under these keys (see `_policy_cache`); then the register itself is parsed only if a
    service asks for it. Otherwise it is parsed, validated and compiled, and the cache is rewritten once the
    start has succeeded.
    """
    create = create_keys or settings.demo
    clock = clock if clock is not None else SystemClock(settings.timezone)
    register_files = read_register_files(settings.register_dir)
    key_path = settings.resolved_key_file
    keyring, key_problem = _existing_keys(key_path, create)
    cache = settings.data_dir / CACHE_NAME
    compiled = load_compiled(cache, register_files.digest, keyring) if keyring is not None else None
    register: Register | None = None
    if compiled is None:
        register = _parse(register_files)
        compiled = CompiledRegister(Policy.compile(register), organisation_rows(register))
    if keyring is None:
        if key_problem is not None:
            raise key_problem
        keyring = create_key_file(key_path)
    engine = open_database(settings.resolved_database_url, create=create)
    migrate(engine)
    env = Environment(
        settings=settings,
        register=register if register is not None else _parser(register_files),
        policy=compiled.policy,
        engine=engine,
        keyring=keyring,
        clock=clock,
    )
    with connect(engine) as connection:
        sync_organisation_rows(connection, compiled.organisations)
        if settings.demo:
            ensure_demo_agents(connection, env.register, attested_on=clock.today())
    if register is not None:
        store_compiled(cache, register_files.digest, keyring, compiled)
    return env


def _existing_keys(path: Path, create: bool) -> tuple[Keyring | None, ConfigurationError | None]:
    """The key file's keys, or why they cannot be read; (None, None) when it is absent and may be created."""
    if create and not path.exists():
        return None, None
    try:
        return load_key_file(path), None
    except ConfigurationError as problem:
        return None, problem


def _parse(register_files: RegisterFiles) -> Register:
    """Parse and validate the register (imported here: YAML and pydantic, which a cached start does without)."""
    from vigie.register.loader import parse_register

    return parse_register(register_files)


def _parser(register_files: RegisterFiles) -> RegisterLoader:
    """Parses the register, when a service first asks for it, from the bytes the cached policy came from."""
    return lambda: _parse(register_files)
