"""Reference data copied from the register into the database (organisations), kept in step at start-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from vigie.register import Register
from vigie.store.schema import organisations

_FIELDS = ("name", "kind", "department", "city", "director", "dpo")


def sync_organisations(connection: Connection, register: Register) -> int:
    """Insert the register's organisations the database lacks, refresh those that changed; return the count."""
    rows: list[dict[str, Any]] = [
        {"code": o.code, **o.model_dump(mode="json", include=set(_FIELDS))} for o in register.organisations.values()
    ]
    # Every command starts here: read once, write only what the register changed (usually nothing).
    existing = {row.code: dict(row._mapping) for row in connection.execute(select(organisations))}
    new = [row for row in rows if row["code"] not in existing]
    known = [
        {"key": row["code"], **{f: row[f] for f in _FIELDS}}
        for row in rows
        if row["code"] in existing and existing[row["code"]] != row
    ]
    if new:
        connection.execute(insert(organisations), new)
    if known:
        statement = update(organisations).where(organisations.c.code == bindparam("key"))
        connection.execute(statement.values({f: bindparam(f) for f in _FIELDS}), known)
    return len(rows)
