"""The accesses made to one person's data: a per-person look-up of the journal, for rights requests.

The journal names subjects by keyed pseudonym, and an index on that column would cost the writer two thirds of
its append throughput on SQLite (random keys: see `store.schema`). So the writer is left alone and a side table
(`audit_subject_index`: seq, pseudonym, indexed by pseudonym) is caught up in batch: one `INSERT … SELECT` over
the entries appended since the last catch-up, under a row lock so that two catch-ups never index the same
entries twice. The look-up reads, in one statement, the person's indexed entries and the short tail not indexed
yet (a range of the journal's primary key), so that an answer need not write: a look-up catches up only once
the tail is `CATCH_UP_LAG` entries long, which keeps the tail's scan short and most answers read-only.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
    union_all,
    update,
)

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


# Where the index stands and where the journal ends, in one round trip (run on every access answer).
_LAG = Prepared(
    select(
        select(_M.value).where(_M.key == bindparam("key")).scalar_subquery(),
        select(func.coalesce(func.max(_E.seq), literal_column("0"))).scalar_subquery(),
    )
)
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
CATCH_UP_LAG = 1_000  # entries an answer leaves unindexed (and scans) before it catches the index up
# Where the index stands, read inside the look-up's own statement: one snapshot on every engine, so an entry is
# taken either from the index (seq <= through) or from the tail (seq > through), never from both nor neither.
_INDEXED_THROUGH = func.coalesce(
    select(cast(_M.value, BigInteger)).where(_M.key == bindparam("key")).scalar_subquery(), literal_column("0")
)
_SEQS = (
    select(_I.seq)
    .where(_I.subject_ref == bindparam("ref"), _I.seq <= _INDEXED_THROUGH)
    .order_by(_I.seq.desc())
    .limit(literal_column(str(ABOUT_LIMIT)))
    .offset(literal_column("0"))
)
_ABOUT = Prepared(
    union_all(
        select(*_COLUMNS).where(_E.seq.in_(_SEQS.scalar_subquery())),
        select(*_COLUMNS).where(_E.seq > _INDEXED_THROUGH, _E.subject_ref == bindparam("ref")),
    ).order_by(literal_column("seq"))
)


def catch_up(connection: Connection, *, lag: int = 1) -> int:
    """Index the entries appended since the last catch-up, once there are at least `lag` of them; returns how
    many entries were indexed.

    Nothing is written below `lag` (the look-up scans that tail). Otherwise the row of `vigie_meta` is locked
    first (`UPDATE … RETURNING`), so concurrent catch-ups queue; the upper bound is read before the copy, so an
    entry committed meanwhile is left for the next catch-up, not skipped. Statements are built once (this runs
    on every access answer).
    """
    seen, last = _LAG.first(connection, {"key": THROUGH_KEY})  # type: ignore[misc]
    upto = int(last)
    if seen is not None and upto - int(seen) < max(lag, 1):
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
    """The journal's entries about one subject, oldest first (at most `ABOUT_LIMIT`, the newest kept): the
    indexed ones and the tail not indexed yet, in one statement."""
    rows = _ABOUT.rows(connection, {"ref": subject_pseudonym(keyring, subject_id), "key": THROUGH_KEY})
    return [Entry(*row) for row in rows[-ABOUT_LIMIT:]]


__all__ = ["ABOUT_LIMIT", "CATCH_UP_LAG", "THROUGH_KEY", "catch_up", "entries_about"]
