"""What the journal records, and the one canonical encoding that its hashes are computed over.

An event names the subject by a keyed pseudonym and the agent by id: the journal holds no personal data in
clear. The canonical encoding is JSON with sorted keys, no spaces, ASCII only and timestamps written
`YYYY-MM-DDTHH:MM:SS.ffffffZ`; it is built from text columns stored exactly as encoded, so that verification
re-hashes the same bytes on SQLite and PostgreSQL. The encoder is hand-rolled for speed and checked in the
tests against `json.dumps(sort_keys=True, separators=(",", ":"))`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple, Self

from vigie.crypto import Keyring, blind_index
from vigie.errors import InvalidInput

GENESIS_HASH = bytes(32)
FORMAT_VERSION = 1
AGENT_ID_MAX = 32

_escape = json.encoder.encode_basestring_ascii
_PSEUDONYM = re.compile(r"[0-9a-f]{32}").fullmatch
_CATEGORIES: dict[tuple[str, ...], str] = {}
CATEGORIES_MEMO_TEXT = 512  # longest text memoised: the memo holds at most 4096 x 512 characters (2 MiB)


class AuditAction(StrEnum):
    """What happened: a use of personal data, a connection, or a read of the journal itself."""

    DECIDE = "decide"
    READ = "read"
    DISCLOSE = "disclose"
    CHANGE = "change"
    DESTROY = "destroy"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    AUDIT_READ = "audit_read"


ACTION_LABELS = {
    AuditAction.DECIDE: "décision d'accès",
    AuditAction.READ: "lecture",
    AuditAction.DISCLOSE: "communication",
    AuditAction.CHANGE: "modification",
    AuditAction.DESTROY: "destruction",
    AuditAction.LOGIN: "connexion",
    AuditAction.LOGIN_FAILED: "connexion refusée",
    AuditAction.LOGOUT: "déconnexion",
    AuditAction.AUDIT_READ: "lecture du journal",
}


def subject_pseudonym(keyring: Keyring, subject_id: int) -> str:
    """The keyed pseudonym that stands for a subject in the journal: stable, but meaningless without the key."""
    return blind_index(keyring, "subject", str(subject_id)).hex()[:32]


def timestamp_text(at: datetime) -> str:
    """The canonical UTC timestamp, always with microseconds, so that text order is time order."""
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")[:26] + "Z"


def parse_timestamp(text: str) -> datetime:
    """Inverse of `timestamp_text`."""
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)


def categories_text(categories: tuple[str, ...]) -> str:
    """The canonical JSON array of the categories, as stored in its column (memoised: few distinct sets)."""
    text = _CATEGORIES.get(categories)
    if text is None:
        text = "[" + ",".join(map(_escape, categories)) + "]"
        if len(_CATEGORIES) < 4096 and len(text) <= CATEGORIES_MEMO_TEXT:  # bounded in bytes, not only entries
            _CATEGORIES[categories] = text
    return text


def _bad_text(field: str, value: object) -> InvalidInput:
    return InvalidInput(field, repr(value)[:80], "texte attendu, sans caractère nul")


class _EventFields(NamedTuple):
    action: AuditAction
    allowed: bool
    reason: str
    at: datetime
    agent_id: str | None
    subject_ref: str | None
    purpose: str | None
    categories: tuple[str, ...]
    recipient: str | None
    source: str | None


class AuditEvent(_EventFields):
    """One traced use of personal data or connection; refused at construction when malformed, so that a bad
    event never reaches (and fails) a whole group commit.

    An immutable named tuple built by a validating `__new__`: it is made once per traced access, and this is
    the cheapest immutable record CPython offers (a frozen dataclass costs nearly twice as much to build)."""

    __slots__ = ()

    def __new__(
        cls,
        *,
        action: AuditAction,
        allowed: bool,
        reason: str,
        at: datetime,
        agent_id: str | None = None,
        subject_ref: str | None = None,
        purpose: str | None = None,
        categories: Iterable[str] = (),
        recipient: str | None = None,
        source: str | None = None,
    ) -> Self:
        # Written for speed: cheap identity checks first, slow paths rarely.
        if action.__class__ is not AuditAction:
            try:
                action = AuditAction(action)
            except ValueError as error:
                raise InvalidInput("action", str(action), "action d'audit inconnue") from error
        if at.__class__ is not datetime and not isinstance(at, datetime):
            raise InvalidInput("at", repr(at)[:40], "date et heure attendues (datetime avec fuseau)")
        if at.tzinfo is not UTC:
            if at.tzinfo is None or at.utcoffset() is None:
                raise InvalidInput("at", at.isoformat(), "date sans fuseau horaire : précisez-le (UTC)")
            at = at.astimezone(UTC)
        if subject_ref is not None and (subject_ref.__class__ is not str or not _PSEUDONYM(subject_ref)):
            raise InvalidInput("subject_ref", "…", "pseudonyme attendu (subject_pseudonym), jamais un nom ou un NIR")
        if categories.__class__ is not tuple:
            categories = tuple(categories)
        if agent_id is not None and (
            agent_id.__class__ is not str or "\x00" in agent_id or len(agent_id) > AGENT_ID_MAX
        ):
            raise InvalidInput("agent_id", repr(agent_id)[:80], f"texte d'au plus {AGENT_ID_MAX} caractères attendu")
        if allowed.__class__ is not bool:
            raise InvalidInput("allowed", repr(allowed)[:20], "booléen attendu")
        if reason.__class__ is not str or "\x00" in reason:
            raise _bad_text("reason", reason)
        for field, value in (("purpose", purpose), ("recipient", recipient), ("source", source)):
            if value is not None and (value.__class__ is not str or "\x00" in value):
                raise _bad_text(field, value)
        for category in categories:
            if category.__class__ is not str or "\x00" in category:
                raise _bad_text("categories", category)
        fields = (action, allowed, reason, at, agent_id, subject_ref, purpose, categories, recipient, source)
        return tuple.__new__(cls, fields)


def encode(
    seq: int,
    at: str,
    action: str,
    agent_id: str | None,
    subject_ref: str | None,
    purpose: str | None,
    categories: str,
    allowed: bool,
    reason: str,
    recipient: str | None,
    source: str | None,
) -> bytes:
    """The canonical bytes of one entry; `at` and `categories` are already in their canonical text."""
    e = _escape
    return (
        f'{{"action":{e(action)},"agent_id":{"null" if agent_id is None else e(agent_id)},'
        f'"allowed":{"true" if allowed else "false"},"at":"{at}","categories":{categories},'
        f'"purpose":{"null" if purpose is None else e(purpose)},"reason":{e(reason)},'
        f'"recipient":{"null" if recipient is None else e(recipient)},"seq":{seq},'
        f'"source":{"null" if source is None else e(source)},'
        f'"subject_ref":{"null" if subject_ref is None else e(subject_ref)},"v":{FORMAT_VERSION}}}'
    ).encode("ascii")


def chain_hash(prev_hash: bytes, canonical: bytes) -> bytes:
    """entry_hash = SHA-256(prev_hash || canonical entry)."""
    return hashlib.sha256(prev_hash + canonical).digest()
