"""Reading the journal: every read is itself journaled (action audit_read), so looking leaves a trace."""

from __future__ import annotations

from sqlalchemy import Engine

from vigie.audit import queries
from vigie.audit.chain import Entry
from vigie.audit.journal import AuditSink, record_read
from vigie.crypto import Keyring
from vigie.errors import InvalidInput

TAIL_MAX = 10_000


def tail(
    engine: Engine,
    keyring: Keyring,
    count: int = 20,
    *,
    journal: AuditSink | None = None,
    agent_id: str | None = None,
    source: str | None = None,
    before: int | None = None,
) -> list[Entry]:
    """The `count` newest entries, oldest first; with `before`, the `count` entries that precede entry `before`
    (the next page back)."""
    if not 1 <= count <= TAIL_MAX:
        raise InvalidInput("nombre d'entrées", str(count), f"entre 1 et {TAIL_MAX:_}".replace("_", " "))
    with queries.snapshot(engine) as connection:
        entries = queries.last_entries(connection, count, before)
    what = f"des {count} dernières entrées" if before is None else f"de {count} entrées avant l'entrée {before}"
    record_read(
        engine,
        keyring,
        f"consultation {what} du journal d'audit",
        journal=journal,
        agent_id=agent_id,
        source=source,
    )
    return entries
