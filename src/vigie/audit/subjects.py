"""The accesses made to one person's data: a per-person look-up of the journal, for rights requests.

The journal names subjects by keyed pseudonym, and an index on that column would cost the writer two thirds of
its append throughput on SQLite (random keys: see `store.schema`). So the writer is left alone and a side table
(`audit_subject_index`: seq, pseudonym, indexed by pseudonym) is caught up in batch when someone looks a person
up: one `INSERT … SELECT` over the entries appended since the last look-up, under a row lock so that two
look-ups never index the same entries twice. The look-up then reads the person's entries by index.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, func, insert, select, type_coerce, update

from vigie.audit.chain import Entry
from vigie.audit.events import subject_pseudonym
from vigie.crypto import Keyring
from vigie.store.schema import audit_entries, audit_subject_index, settings_table

THROUGH_KEY = "audit_subject_index_through"
_E = audit_entries.c
_I = audit_subject_index.c
_M = settings_table.c
_COLUMNS = (
    _E.seq, _E.at, _E.action, _E.agent_id, _E.subject_ref, _E.purpose, _E.categories,
    type_coerce(_E.allowed, Integer).label("allowed"), _E.reason, _E.recipient, _E.source,
    _E.prev_hash, _E.entry_hash,
)  # fmt: skip


def catch_up(connection: Connection) -> int:
    """Index the entries appended since the last look-up; returns how many entries were indexed.

    The row of `vigie_meta` is locked first (`UPDATE … RETURNING`), so concurrent look-ups queue; the upper
    bound is read before the copy, so an entry committed meanwhile is left for the next look-up, not skipped.
    """
    locked = connection.execute(
        update(settings_table).where(_M.key == THROUGH_KEY).values(value=_M.value).returning(_M.value)
    ).first()
    if locked is None:  # a database migrated before the table existed: start from the beginning
        connection.execute(insert(settings_table).values(key=THROUGH_KEY, value="0"))
        through = 0
    else:
        through = int(locked[0])
    upto = int(connection.scalar(select(func.coalesce(func.max(_E.seq), 0))) or 0)
    if upto <= through:
        return 0
    copied = select(_E.seq, _E.subject_ref).where(_E.seq > through, _E.seq <= upto, _E.subject_ref.is_not(None))
    statement = insert(audit_subject_index).from_select(["seq", "subject_ref"], copied).returning(_I.seq)
    indexed = len(connection.execute(statement).all())  # rowcount is not reliable for INSERT … SELECT on psycopg
    connection.execute(update(settings_table).where(_M.key == THROUGH_KEY).values(value=str(upto)))
    return indexed


def entries_about(connection: Connection, keyring: Keyring, subject_id: int, limit: int = 10_000) -> list[Entry]:
    """The journal's entries about one subject, oldest first (at most `limit`, the newest kept); call
    `catch_up` first in the same transaction for an up-to-date answer."""
    ref = subject_pseudonym(keyring, subject_id)
    seqs = select(_I.seq).where(_I.subject_ref == ref).order_by(_I.seq.desc()).limit(limit).subquery()
    rows = connection.execute(select(*_COLUMNS).join(seqs, seqs.c.seq == _E.seq).order_by(_E.seq)).all()
    return [Entry(*row) for row in rows]


__all__ = ["THROUGH_KEY", "catch_up", "entries_about"]
