"""The consent slice's SQL, and nothing else: insert a group of proofs, read them back in key order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select

from vigie.store.schema import consent_proofs

_INSERT = insert(consent_proofs)
COLUMNS = (
    "id",
    "recorded_at",
    "visitor",
    "policy_version",
    "screen",
    "banner_hash",
    "action",
    "granted",
    "refused",
    "expires_on",
)


def insert_proofs(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert a group of proofs in one statement (executemany), inside the caller's transaction."""
    connection.execute(_INSERT, list(rows))


def count_proofs(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(consent_proofs)).scalar_one())


def iter_proofs(
    connection: Connection, *, since: date | None = None, batch: int = 5000
) -> Iterator[list[tuple[Any, ...]]]:
    """Every proof in key order, in batches of `batch` rows (keyset pagination: no offset rescans), those
    recorded on or after `since` when given."""
    last = 0
    columns = [consent_proofs.c[name] for name in COLUMNS]
    while True:
        query = select(*columns).where(consent_proofs.c.id > last)
        if since is not None:
            query = query.where(consent_proofs.c.recorded_at >= since.isoformat())
        rows = [tuple(row) for row in connection.execute(query.order_by(consent_proofs.c.id).limit(batch))]
        if not rows:
            return
        yield rows
        last = rows[-1][0]
