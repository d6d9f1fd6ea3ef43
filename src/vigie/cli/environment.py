"""The environment of one command, opened from its `--database` and closed when the command ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from vigie.bootstrap import prepare
from vigie.environment import Environment
from vigie.settings import load_settings

if TYPE_CHECKING:
    from vigie.accounts import Accounts


@contextmanager
def environment(database: str | None) -> Iterator[Environment]:
    """The environment of one command; its connections are closed when the command ends."""
    env = prepare(load_settings(database_url=database))
    try:
        yield env
    finally:
        env.engine.dispose()


@contextmanager
def accounts_service(database: str | None) -> Iterator[Accounts]:
    """The accounts service of one command, with its own journal (imported here only: it loads argon2)."""
    from vigie.accounts import Accounts
    from vigie.audit import Journal

    with environment(database) as env, Journal(env.engine, env.keyring) as journal:
        yield Accounts(env, journal)


__all__ = ["accounts_service", "environment"]
