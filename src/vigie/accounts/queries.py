"""The accounts slice's SQL, all of it: accounts, their failure counts, and the server-side web sessions.

Failure counts move in one UPDATE each (`failures = failures + 1`), so that concurrent wrong attempts on one
account are all counted and the lock falls on the 10th whatever their interleaving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, delete, insert, select, update

from vigie.store.schema import accounts, web_sessions


@dataclass(frozen=True)
class AccountRow:
    """An account as stored (the TOTP secret still sealed)."""

    id: int
    kind: str
    subject_id: int | None
    agent_id: str | None
    password_hash: str | None
    must_change: bool
    totp_secret: bytes | None
    totp_last_step: int | None
    failures: int
    last_failure_at: int | None
    locked_at: int | None
    created_at: int


_COLUMNS = (
    accounts.c.id,
    accounts.c.kind,
    accounts.c.subject_id,
    accounts.c.agent_id,
    accounts.c.password_hash,
    accounts.c.must_change,
    accounts.c.totp_secret,
    accounts.c.totp_last_step,
    accounts.c.failures,
    accounts.c.last_failure_at,
    accounts.c.locked_at,
    accounts.c.created_at,
)


def _row(row: Any) -> AccountRow | None:
    if row is None:
        return None
    values = list(row)
    values[5] = bool(values[5])
    values[6] = bytes(values[6]) if values[6] is not None else None
    return AccountRow(*values)


def by_id(connection: Connection, account_id: int) -> AccountRow | None:
    return _row(connection.execute(select(*_COLUMNS).where(accounts.c.id == account_id)).first())


def by_subject(connection: Connection, subject_id: int) -> AccountRow | None:
    return _row(connection.execute(select(*_COLUMNS).where(accounts.c.subject_id == subject_id)).first())


def by_agent(connection: Connection, agent_id: str) -> AccountRow | None:
    return _row(connection.execute(select(*_COLUMNS).where(accounts.c.agent_id == agent_id)).first())


def insert_account(
    connection: Connection,
    *,
    kind: str,
    subject_id: int | None,
    agent_id: str | None,
    password_hash: str | None,
    must_change: bool,
    now: int,
) -> int:
    """A new account, without its sealed personal words yet (they are bound to the subject); its id."""
    result = connection.execute(
        insert(accounts).values(
            kind=kind,
            subject_id=subject_id,
            agent_id=agent_id,
            password_hash=password_hash,
            must_change=must_change,
            failures=0,
            created_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def set_personal_words(connection: Connection, account_id: int, sealed: bytes) -> None:
    connection.execute(update(accounts).where(accounts.c.id == account_id).values(personal_words=sealed))


def personal_words(connection: Connection, account_id: int) -> bytes | None:
    value = connection.scalar(select(accounts.c.personal_words).where(accounts.c.id == account_id))
    return bytes(value) if value is not None else None


def record_failure(connection: Connection, account_id: int, now: int, lock_after: int) -> tuple[int, bool]:
    """One more failure on the account, locking it on the `lock_after`-th; the new count and whether it is
    now locked."""
    connection.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(
            failures=accounts.c.failures + 1,
            last_failure_at=now,
            locked_at=case((accounts.c.failures + 1 >= lock_after, now), else_=accounts.c.locked_at),
        )
    )
    row = connection.execute(select(accounts.c.failures, accounts.c.locked_at).where(accounts.c.id == account_id))
    failures, locked_at = row.one()
    return int(failures), locked_at is not None


def record_success(connection: Connection, account_id: int, *, new_hash: str | None, totp_step: int | None) -> None:
    """A successful sign-in: the failure count reset, the hash replaced when rehashed, the TOTP step used."""
    values: dict[str, Any] = {"failures": 0, "last_failure_at": None}
    if new_hash is not None:
        values["password_hash"] = new_hash
    if totp_step is not None:
        values["totp_last_step"] = totp_step
    connection.execute(update(accounts).where(accounts.c.id == account_id).values(**values))


def set_password(connection: Connection, account_id: int, password_hash: str, *, must_change: bool) -> None:
    connection.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(password_hash=password_hash, must_change=must_change, failures=0, last_failure_at=None, locked_at=None)
    )


def set_must_change(connection: Connection, account_id: int) -> None:
    connection.execute(update(accounts).where(accounts.c.id == account_id).values(must_change=True))


def set_totp(connection: Connection, account_id: int, sealed: bytes) -> None:
    connection.execute(
        update(accounts).where(accounts.c.id == account_id).values(totp_secret=sealed, totp_last_step=None)
    )


def unlock(connection: Connection, account_id: int) -> None:
    connection.execute(
        update(accounts).where(accounts.c.id == account_id).values(failures=0, last_failure_at=None, locked_at=None)
    )


def list_accounts(connection: Connection) -> list[AccountRow]:
    rows = connection.execute(select(*_COLUMNS).order_by(accounts.c.id))
    return [row for row in map(_row, rows) if row is not None]


# -- sessions ----------------------------------------------------------------------------------------------


def insert_session(connection: Connection, id_hash: bytes, account_id: int, now: int) -> None:
    connection.execute(
        insert(web_sessions).values(id_hash=id_hash, account_id=account_id, created_at=now, last_seen_at=now)
    )


def session(connection: Connection, id_hash: bytes) -> tuple[int, int, int] | None:
    """The session's account, creation and last activity, or None."""
    row = connection.execute(
        select(web_sessions.c.account_id, web_sessions.c.created_at, web_sessions.c.last_seen_at).where(
            web_sessions.c.id_hash == id_hash
        )
    ).first()
    return (int(row[0]), int(row[1]), int(row[2])) if row is not None else None


def touch_session(connection: Connection, id_hash: bytes, now: int) -> None:
    connection.execute(update(web_sessions).where(web_sessions.c.id_hash == id_hash).values(last_seen_at=now))


def delete_session(connection: Connection, id_hash: bytes) -> int:
    return connection.execute(delete(web_sessions).where(web_sessions.c.id_hash == id_hash)).rowcount


def delete_sessions_of(connection: Connection, account_id: int, *, keep: bytes | None = None) -> int:
    """End the account's sessions (but the one whose hash is `keep`)."""
    query = delete(web_sessions).where(web_sessions.c.account_id == account_id)
    if keep is not None:
        query = query.where(web_sessions.c.id_hash != keep)
    return connection.execute(query).rowcount


def delete_expired_sessions(connection: Connection, idle_before: int, created_before: int) -> int:
    """Every session idle since before `idle_before` or opened before `created_before`, in one statement."""
    stale = (web_sessions.c.last_seen_at < idle_before) | (web_sessions.c.created_at < created_before)
    return connection.execute(delete(web_sessions).where(stale)).rowcount
