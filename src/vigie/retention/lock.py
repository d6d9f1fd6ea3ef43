"""The sweep lock: one row in the database, so that two processes (or two machines) never sweep at once.

A holder takes the row for a lease and renews it with every batch; a lease that has run out, or one held by a
process of this machine that no longer exists (killed), may be taken over, so that a crashed sweep can resume
at once instead of waiting for its lease to end.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine

from vigie.errors import SweepInProgress
from vigie.retention import queries
from vigie.store import connect

LEASE = timedelta(minutes=10)


def _text(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def holder_name() -> str:
    """This process's name as a holder: its machine, its pid, and a random tag (pids are reused)."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead(holder: str | None) -> bool:
    """Whether `holder` is a process of this machine that no longer exists."""
    if holder is None:
        return False
    parts = holder.split(":")
    if len(parts) < 3 or ":".join(parts[:-2]) != socket.gethostname()[:64] or not parts[-2].isdigit():
        return False
    pid = int(parts[-2])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(engine: Engine, holder: str, now: datetime) -> None:
    """Take the lock or raise SweepInProgress."""
    with connect(engine) as connection:
        row = queries.lock_row(connection)
        stale = row.holder if row is not None and _dead(row.holder) else None
        if queries.take_lock(connection, holder, _text(now + LEASE), _text(now), stale):
            return
    raise SweepInProgress()


def renew(connection: Connection, holder: str, now: datetime) -> bool:
    """Extend the lease, inside a batch's transaction; False when the lock was lost."""
    return queries.renew_lock(connection, holder, _text(now + LEASE))


def release(engine: Engine, holder: str) -> None:
    with connect(engine) as connection:
        queries.release_lock(connection, holder)
