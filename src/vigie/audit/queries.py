"""Every SQL statement of the audit slice.

Reads use SQLAlchemy Core; the writer's hot path uses raw DBAPI statements (executemany) inside the
SQLAlchemy connection, because per-row overhead is what limits group-commit throughput. Entry columns are read
without type processing so that verification sees what is really stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, Integer, delete, func, insert, select, type_coerce, update
from sqlalchemy.exc import OperationalError

from vigie.audit.chain import Entry
from vigie.errors import StorageError
from vigie.store.schema import audit_anchor, audit_checkpoints, audit_entries, audit_head

HEAD_ID = 1
_E = audit_entries.c
_ENTRY_COLUMNS = (
    _E.seq, _E.at, _E.action, _E.agent_id, _E.subject_ref, _E.purpose, _E.categories,
    type_coerce(_E.allowed, Integer).label("allowed"), _E.reason, _E.recipient, _E.source,
    _E.prev_hash, _E.entry_hash,
)  # fmt: skip
_INSERT_COLUMNS = (
    "seq, at, action, agent_id, subject_ref, purpose, categories, allowed, reason, recipient, source, "
    "prev_hash, entry_hash"
)


class WriterSql:
    """The writer's raw statements, in the driver's parameter style.

    On SQLite, rows go in as one multi-row INSERT per chunk rather than `executemany`: the driver releases the
    GIL around every row it steps, so with producers running, a per-row statement hands the GIL back and forth a
    hundred times per group; one statement per chunk does it once. On PostgreSQL, rows go through COPY, which
    costs the client about half the CPU of a pipelined `executemany` (the server shares the machine), and a long
    multi-row statement would be re-parsed by psycopg every time.
    """

    CHUNK = 500  # rows per INSERT: 6,500 parameters, under SQLite's and PostgreSQL's limits

    def __init__(self, dialect: str) -> None:
        self.multirow = dialect == "sqlite"
        mark = "?" if self.multirow else "%s"
        self._row = f"({', '.join([mark] * 13)})"
        self._inserts: dict[int, str] = {}
        self.copy = f"COPY audit_entries ({_INSERT_COLUMNS}) FROM STDIN"
        # Takes the head row's lock (row lock on PostgreSQL, the write lock on SQLite) and reads it at once.
        # Only constants and placeholders are interpolated below (S608 does not apply).
        self.lock = f"UPDATE audit_head SET seq = seq WHERE id = {HEAD_ID} RETURNING seq, entry_hash"  # noqa: S608
        self.head = f"UPDATE audit_head SET seq = {mark}, entry_hash = {mark}, signature = {mark} WHERE id = 1"  # noqa: S608

    def insert(self, rows: int) -> str:
        """The INSERT of `rows` entries (13 parameters each), built once per size."""
        sql = self._inserts.get(rows)
        if sql is None:
            values = ", ".join([self._row] * rows)
            sql = self._inserts[rows] = f"INSERT INTO audit_entries ({_INSERT_COLUMNS}) VALUES {values}"  # noqa: S608
        return sql

    def insert_rows(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        """Insert the rows (13 values each, in `_INSERT_COLUMNS` order) with the driver's fastest path."""
        if not self.multirow:
            with cursor.copy(self.copy) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), self.CHUNK):
            chunk = rows[start : start + self.CHUNK]
            cursor.execute(self.insert(len(chunk)), list(chain.from_iterable(chunk)))


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees one consistent state, even while the writer commits."""
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN")
            else:
                connection.execution_options(isolation_level="REPEATABLE READ")
            try:
                yield connection
            finally:
                connection.rollback()
    except OperationalError as error:
        raise StorageError(f"erreur de la base de données : {error.orig}") from error


class Head(NamedTuple):
    """The head row: the last entry's seq and hash, and the signature over them."""

    seq: int
    entry_hash: bytes
    signature: bytes | None


def _head(row: Any) -> Head | None:
    return Head(int(row[0]), bytes(row[1]), row[2]) if row is not None else None


def lock_head(connection: Connection) -> Head | None:
    """Lock and read the head row (seq, entry_hash, signature) until the transaction ends."""
    statement = (
        update(audit_head)
        .where(audit_head.c.id == HEAD_ID)
        .values(seq=audit_head.c.seq)
        .returning(audit_head.c.seq, audit_head.c.entry_hash, audit_head.c.signature)
    )
    return _head(connection.execute(statement).first())


def read_head(connection: Connection) -> Head | None:
    columns = (audit_head.c.seq, audit_head.c.entry_hash, audit_head.c.signature)
    return _head(connection.execute(select(*columns).where(audit_head.c.id == HEAD_ID)).first())


def iter_entries(
    connection: Connection, after: int | None = None, until: int | None = None, chunk: int = 5000
) -> Iterator[Entry]:
    """Entries in seq order, read by keyset pages so that memory stays flat on long journals."""
    last = after
    while True:
        query = select(*_ENTRY_COLUMNS).order_by(_E.seq).limit(chunk)
        if last is not None:
            query = query.where(_E.seq > last)
        if until is not None:
            query = query.where(_E.seq <= until)
        rows = connection.execute(query).all()
        for row in rows:
            yield Entry(*row)
        if len(rows) < chunk:
            return
        last = rows[-1][0]


def entry(connection: Connection, seq: int) -> Entry | None:
    row = connection.execute(select(*_ENTRY_COLUMNS).where(_E.seq == seq)).first()
    return Entry(*row) if row is not None else None


def last_entries(connection: Connection, count: int, before: int | None = None) -> list[Entry]:
    """The `count` newest entries (older than entry `before` when given), oldest first."""
    query = select(*_ENTRY_COLUMNS)
    if before is not None:
        query = query.where(_E.seq < before)
    rows = connection.execute(query.order_by(_E.seq.desc()).limit(count)).all()
    return [Entry(*row) for row in reversed(rows)]


def entry_hashes(connection: Connection, after: int, until: int) -> list[tuple[int, bytes]]:
    """(seq, entry_hash) of the entries in (after, until], in order."""
    query = select(_E.seq, _E.entry_hash).where(_E.seq > after, _E.seq <= until).order_by(_E.seq)
    return [(row[0], row[1]) for row in connection.execute(query)]


def delete_through(connection: Connection, seq: int) -> int:
    """Delete every entry numbered up to `seq`; return how many went."""
    return connection.execute(delete(audit_entries).where(_E.seq <= seq)).rowcount


def checkpoint_rows(connection: Connection) -> list[Any]:
    return list(connection.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.tree_size)))


def latest_checkpoint_row(connection: Connection) -> Any:
    query = select(audit_checkpoints).order_by(audit_checkpoints.c.tree_size.desc()).limit(1)
    return connection.execute(query).first()


def checkpoint_row(connection: Connection, tree_size: int) -> Any:
    """The stored checkpoint of exactly `tree_size` entries, or None."""
    query = select(audit_checkpoints).where(audit_checkpoints.c.tree_size == tree_size)
    return connection.execute(query).first()


def insert_checkpoint(connection: Connection, values: dict[str, Any]) -> int:
    result = connection.execute(insert(audit_checkpoints).values(values).returning(audit_checkpoints.c.id))
    return int(result.scalar_one())


def anchor_row(connection: Connection) -> Any:
    return connection.execute(select(audit_anchor).where(audit_anchor.c.id == HEAD_ID)).first()


def write_anchor(connection: Connection, values: dict[str, Any]) -> None:
    """Replace the purge anchor (there is at most one: the latest purge subsumes the earlier ones)."""
    connection.execute(delete(audit_anchor))
    connection.execute(insert(audit_anchor).values(id=HEAD_ID, **values))


def find_entry(connection: Connection, after: int, action: str, reason_prefix: str) -> int | None:
    """The seq of the first entry after `after` with this action whose reason starts with `reason_prefix`."""
    found = connection.scalar(
        select(_E.seq)
        .where(_E.seq > after, _E.action == action, func.substr(_E.reason, 1, len(reason_prefix)) == reason_prefix)
        .order_by(_E.seq)
        .limit(1)
    )
    return int(found) if found is not None else None


def first_kept(connection: Connection, connections: tuple[str, ...], connections_from: str, others_from: str) -> int:
    """The seq of the first entry still within its retention (connection traces from `connections_from`, the
    others from `others_from`, both canonical timestamps), or the head's seq + 1 when none is."""
    kept = connection.scalar(
        select(func.min(_E.seq)).where(
            ((_E.action.in_(connections)) & (_E.at >= connections_from))
            | ((~_E.action.in_(connections)) & (_E.at >= others_from))
        )
    )
    if kept is not None:
        return int(kept)
    head = read_head(connection)
    return (head.seq if head is not None else 0) + 1
