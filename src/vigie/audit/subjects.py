"""The accesses made to one person's data: a per-person look-up of the journal, for rights requests.

The journal names subjects by keyed pseudonym, and an index on that column would cost the writer two thirds of
its append throughput on SQLite (random keys: see `store.schema`). So the writer is left alone and a side table
(`audit_subject_index`: seq, pseudonym, indexed by pseudonym) is caught up in batch when someone looks a person
up: one `INSERT … SELECT` over the entries appended since the last look-up, under a row lock so that two
look-ups never index the same entries twice. The look-up then reads the person's entries by index.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, bindparam, func, insert, literal_column, select, type_coerce, update

from vigie.audit.chain import Entry
from vigie.audit.events import subject_pseudonym
from vigie.crypto import Keyring
from vigie.store.prepared import Prepared
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


_THROUGH = Prepared(select(_M.value).where(_M.key == bindparam("key")))
_UPTO = Prepared(select(func.coalesce(func.max(_E.seq), literal_column("0"))))
_LOCK = update(settings_table).where(_M.key == THROUGH_KEY).values(value=_M.value).returning(_M.value)
_COPY = (
    insert(audit_subject_index)
    .from_select(
        ["seq", "subject_ref"],
        select(_E.seq, _E.subject_ref).where(
            _E.seq > bindparam("through"), _E.seq <= bindparam("upto"), _E.subject_ref.is_not(None)
        ),
    )
    .returning(_I.seq)
)
_ADVANCE = update(settings_table).where(_M.key == THROUGH_KEY).values(value=bindparam("upto_text"))
ABOUT_LIMIT = 10_000  # entries per person in an answer, the newest kept
_SEQS = (
    select(_I.seq)
    .where(_I.subject_ref == bindparam("ref"))
    .order_by(_I.seq.desc())
    .limit(literal_column(str(ABOUT_LIMIT)))
    .offset(literal_column("0"))
)
_ABOUT = Prepared(select(*_COLUMNS).where(_E.seq.in_(_SEQS.scalar_subquery())).order_by(_E.seq))


def catch_up(connection: Connection) -> int:
    """Index the entries appended since the last look-up; returns how many entries were indexed.

    Nothing is written when nothing is new. Otherwise the row of `vigie_meta` is locked first (`UPDATE …
    RETURNING`), so concurrent look-ups queue; the upper bound is read before the copy, so an entry committed
    meanwhile is left for the next look-up, not skipped. Statements are built once (this runs on every access
    answer).
    """
    seen = _THROUGH.first(connection, {"key": THROUGH_KEY})
    upto = int(_UPTO.first(connection, {})[0])  # type: ignore[index]
    if seen is not None and upto <= int(seen[0]):
        return 0
    locked = connection.execute(_LOCK).first()
    if locked is None:  # a database migrated before the table existed: start from the beginning
        connection.execute(insert(settings_table).values(key=THROUGH_KEY, value="0"))
        through = 0
    else:
        through = int(locked[0])
    if upto <= through:
        return 0
    indexed = len(connection.execute(_COPY, {"through": through, "upto": upto}).all())  # rowcount: unreliable
    connection.execute(_ADVANCE, {"upto_text": str(upto)})
    return indexed


def entries_about(connection: Connection, keyring: Keyring, subject_id: int) -> list[Entry]:
    """The journal's entries about one subject, oldest first (at most `ABOUT_LIMIT`, the newest kept); call
    `catch_up` first in the same transaction for an up-to-date answer."""
    rows = _ABOUT.rows(connection, {"ref": subject_pseudonym(keyring, subject_id)})
    return [Entry(*row) for row in rows]


__all__ = ["ABOUT_LIMIT", "THROUGH_KEY", "catch_up", "entries_about"]
