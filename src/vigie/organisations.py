"""Reference data copied from the register into the database (organisations), kept in step at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select, update

from vigie.store.schema import organisations

if TYPE_CHECKING:
    from vigie.register import Register

_FIELDS = ("name", "kind", "department", "city", "director", "dpo")

OrganisationRow = dict[str, Any]


def organisation_rows(register: Register) -> tuple[OrganisationRow, ...]:
    """The rows of the organisations table, as the register gives them (plain data: start-up caches them)."""
    return tuple(
        {"code": o.code, **o.model_dump(mode="json", include=set(_FIELDS))} for o in register.organisations.values()
    )


def sync_organisations(connection: Connection, register: Register) -> int:
    """Insert the register's organisations the database lacks, refresh those that changed; return the count."""
    return sync_organisation_rows(connection, organisation_rows(register))


def sync_organisation_rows(connection: Connection, rows: Sequence[OrganisationRow]) -> int:
    """`sync_organisations` from rows already drawn from the register."""
    # Every command starts here: read once, write only what the register changed (usually nothing).
    existing = {row.code: dict(row._mapping) for row in connection.execute(select(organisations))}
    new = [dict(row) for row in rows if row["code"] not in existing]
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
