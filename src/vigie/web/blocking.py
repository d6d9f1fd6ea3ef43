"""Where a route's database work runs: on the event loop for SQLite, in the thread pool for a server database.

A hop to a worker thread and back costs a few hundred microseconds of CPU under load (queue, wake-up, the GIL
changing hands twice), while SQLite answers an indexed look-up from its page cache in tens of microseconds
and a WAL reader never waits for a lock: doing it in place is cheaper. A server database (PostgreSQL) costs a
network round trip per statement, which must not stall every other request, so it goes to the thread pool.
Waiting for the journal is never done here: routes await `Receipt.wait_async()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from vigie.environment import Environment

P = ParamSpec("P")
T = TypeVar("T")


def runs_in_place(env: Environment) -> bool:
    """Whether statements on the database are cheap enough to run on the event loop (an embedded SQLite file)."""
    return env.engine.dialect.name == "sqlite"


async def blocking(env: Environment, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work(*args, **kwargs)`, which reads or writes through `env`'s database, run where it costs least."""
    if runs_in_place(env):
        return work(*args, **kwargs)
    return await run_in_threadpool(work, *args, **kwargs)
