"""The accesses made to one person's data: a per-person look-up of the journal, for rights requests.

The journal names subjects by keyed pseudonym, and an index on that column would cost the writer two thirds of
its append throughput on SQLite (random keys: see `store.schema`). So the writer is left alone and a side table
(`audit_subject_index`: seq, pseudonym, indexed by pseudonym) is caught up in batch: one `INSERT … SELECT` over
the entries appended since the last catch-up, under a row lock so that two catch-ups never index the same
entries twice. The look-up reads, in one statement, the person's indexed entries and the short tail not indexed
yet (a range of the journal's primary key), with the agents the entries name, so that an answer need not write:
an answer catches up only once the tail is `CATCH_UP_LAG` entries long, which keeps the tail's scan short and
most answers read-only, and looks at the lag only every `CHECK_EVERY` seconds (`keep_up`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

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
from vigie.ids import AgentId
from vigie.model import Agent
from vigie.store.prepared import Prepared
from vigie.store.schema import agent_roles, agents, audit_entries, audit_subject_index, settings_table

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
CATCH_UP_LAG = 100  # entries an answer leaves unindexed (and scans) before it catches the index up
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
_UNION = union_all(
    select(*_COLUMNS).where(_E.seq.in_(_SEQS.scalar_subquery())),
    select(*_COLUMNS).where(_E.seq > _INDEXED_THROUGH, _E.subject_ref == bindparam("ref")),
).subquery("about")
_U = _UNION.c
_A, _R = agents.c, agent_roles.c
# The entries and, on each, the agent it names with one of its roles (one row per role): the answer shows which
# organisation and role made each access, so the agents come in the same round trip.
_ABOUT = Prepared(
    select(*(_U[column.name] for column in _COLUMNS), _A.organisation_code, _A.secrecy_attested_on, _R.role_id)
    .select_from(_UNION.outerjoin(agents, _A.id == _U.agent_id).outerjoin(agent_roles, _R.agent_id == _A.id))
    .order_by(_U.seq, _R.role_id)
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


CHECK_EVERY = 0.05  # seconds between two looks at the lag, per database and process (see `keep_up`)
_looked_at: dict[int, float] = {}


def keep_up(connection: Connection, *, now: Callable[[], float] = time.monotonic) -> int:
    """`catch_up` at `CATCH_UP_LAG`, looked at no more than every `CHECK_EVERY` seconds per database in this
    process: the look is a statement of its own, which an answer then mostly saves. The tail an answer scans
    grows meanwhile by at most what the journal takes in that time."""
    key, moment = id(connection.engine), now()
    if moment - _looked_at.get(key, -CHECK_EVERY) < CHECK_EVERY:
        return 0
    _looked_at[key] = moment
    return catch_up(connection, lag=CATCH_UP_LAG)


def entries_about(connection: Connection, keyring: Keyring, subject_id: int) -> tuple[list[Entry], dict[str, Agent]]:
    """The journal's entries about one subject, oldest first (at most `ABOUT_LIMIT`, the newest kept): the
    indexed ones and the tail not indexed yet; and the agents they name that still exist, with their roles. One
    statement."""
    rows = _ABOUT.rows(connection, {"ref": subject_pseudonym(keyring, subject_id), "key": THROUGH_KEY})
    entries: list[Entry] = []
    named: dict[str, tuple[str, date | None, set[str]]] = {}
    width = len(_COLUMNS)
    for row in rows:
        if not entries or entries[-1].seq != row[0]:
            entries.append(Entry(*row[:width]))
        agent_id, (organisation, attested_on, role) = row[3], row[width:]
        if agent_id is not None and organisation is not None:
            roles = named.setdefault(agent_id, (organisation, attested_on, set()))[2]
            if role is not None:
                roles.add(role)
    agents = {
        agent_id: Agent(AgentId(agent_id), organisation, frozenset(roles), attested_on)
        for agent_id, (organisation, attested_on, roles) in named.items()
    }
    return entries[-ABOUT_LIMIT:], agents


__all__ = ["ABOUT_LIMIT", "CATCH_UP_LAG", "CHECK_EVERY", "THROUGH_KEY", "catch_up", "entries_about", "keep_up"]
