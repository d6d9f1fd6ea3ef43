"""Server-side web sessions: the cookie carries 256 random bits, the table only their SHA-256, so that a copy
of the database opens no session. A session ends at sign-out, after `session_idle_minutes` without a request,
and `session_max_hours` after it opened, whatever the activity; a sign-in always opens a new one (the id is
rotated, the previous one ended).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from vigie.accounts import queries
from vigie.environment import Environment
from vigie.store import connect

TOKEN_BYTES = 32
TOKEN_MAX = 64  # characters of a cookie value looked at; anything longer is no session of ours
TOUCH_EVERY = 30  # seconds: the last activity is written at most this often per session


@dataclass(frozen=True)
class Session:
    """An open session and who it is for."""

    account_id: int
    kind: str
    subject_id: int | None
    agent_id: str | None
    must_change: bool


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("ascii", "replace")).digest()


class Sessions:
    """Opening, finding and ending sessions, with the lifetimes of the settings."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.idle = env.settings.session_idle_minutes * 60
        self.longest = env.settings.session_max_hours * 3600

    def _now(self) -> int:
        return int(self.env.clock.now().timestamp())

    def open(self, account: queries.AccountRow) -> tuple[str, Session]:
        """A new session for the account: the cookie's value and the session."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with connect(self.env.engine) as connection:
            queries.insert_session(connection, _hash(token), account.id, self._now())
        return token, Session(account.id, account.kind, account.subject_id, account.agent_id, account.must_change)

    def find(self, token: str | None) -> Session | None:
        """The open session behind `token`; an expired one is ended on the way."""
        if not token or len(token) > TOKEN_MAX or not token.isascii():
            return None
        id_hash, now = _hash(token), self._now()
        with connect(self.env.engine) as connection:
            found = queries.session(connection, id_hash)
            if found is None:
                return None
            account_id, created_at, last_seen_at = found
            if now - last_seen_at > self.idle or now - created_at > self.longest:
                queries.delete_session(connection, id_hash)
                return None
            account = queries.by_id(connection, account_id)
            if account is None:
                return None
            if now - last_seen_at >= TOUCH_EVERY:
                queries.touch_session(connection, id_hash, now)
        return Session(account.id, account.kind, account.subject_id, account.agent_id, account.must_change)

    def end(self, token: str | None) -> bool:
        """End the session behind `token`; whether there was one."""
        if not token or len(token) > TOKEN_MAX:
            return False
        with connect(self.env.engine) as connection:
            return queries.delete_session(connection, _hash(token)) > 0

    def end_others(self, account_id: int, token: str | None) -> int:
        """End every session of the account but the one behind `token` (after a password change)."""
        keep = _hash(token) if token and len(token) <= TOKEN_MAX else None
        with connect(self.env.engine) as connection:
            return queries.delete_sessions_of(connection, account_id, keep=keep)

    def sweep(self) -> int:
        """End every expired session at once (one statement); how many."""
        now = self._now()
        with connect(self.env.engine) as connection:
            return queries.delete_expired_sessions(connection, now - self.idle, now - self.longest)


__all__ = ["Session", "Sessions"]
