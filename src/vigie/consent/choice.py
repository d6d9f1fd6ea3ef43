"""A person's cookie choice: parsed strictly from the form, kept in a signed cookie, checked at every page.

The cookie (`Cookie-agreed`, the register's name for it) holds the visitor's pseudonymous id, the policy
version, the day of the choice and the services accepted, as a bit mask over the policy's services, with an
HMAC under a key derived from the key file: the server trusts what it signed, and a page needs no database
read to know what it may load. A refusal is a cookie too, so it is remembered like an acceptance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vigie.consent.policy import CookiePolicy
from vigie.errors import InvalidInput
from vigie.inputs import shown, text

COOKIE_NAME = "Cookie-agreed"
_FORMAT = "1"
_MAC_BYTES = 16
_VISITOR_BYTES = 16
_MAX_COOKIE = 200
_MAX_VALUES = 64  # checkboxes a form may send: the register has a dozen cookies


class Action(StrEnum):
    """What the person clicked."""

    ACCEPT_ALL = "tout_accepter"
    REFUSE_ALL = "tout_refuser"
    CUSTOM = "personnaliser"


class Screen(StrEnum):
    """Where the choice was made: the banner's first screen, or the cookie management page."""

    BANNER = "bandeau"
    MANAGEMENT = "gestion"


@dataclass(frozen=True)
class Choice:
    """The services accepted (by id) after one click; every other asked service is refused."""

    action: Action
    granted: frozenset[str]


def _values(values: Sequence[str], field: str) -> list[str]:
    if len(values) > _MAX_VALUES:
        raise InvalidInput(field, f"{len(values)} valeurs", f"au plus {_MAX_VALUES} permises")
    return [text(value, field, limit=64) for value in values]


def parse_choice(
    policy: CookiePolicy, action: str, categories: Sequence[str] = (), services: Sequence[str] = ()
) -> Choice:
    """The choice a form sent: « tout accepter », « tout refuser », or the categories and services ticked
    (a ticked category accepts all its services). Anything unknown is an `InvalidInput` naming the field."""
    try:
        chosen = Action(text(action, "action", limit=32))
    except ValueError:
        raise InvalidInput(
            "action", shown(action), "attendu « tout_accepter », « tout_refuser » ou « personnaliser »"
        ) from None
    every = {service.id for service in policy.services}
    if chosen is Action.ACCEPT_ALL:
        return Choice(chosen, frozenset(every))
    if chosen is Action.REFUSE_ALL:
        return Choice(chosen, frozenset())
    granted: set[str] = set()
    for category_id in _values(categories, "catégorie"):
        category = policy.category(category_id)
        if category is None or not category.asked:
            raise InvalidInput("catégorie", shown(category_id), "catégorie de cookies inconnue ou non facultative")
        granted.update(service.id for service in category.services)
    for service_id in _values(services, "service"):
        if service_id not in every:
            raise InvalidInput("service", shown(service_id), "service inconnu ou non facultatif")
        granted.add(service_id)
    return Choice(chosen, frozenset(granted))


@dataclass(frozen=True)
class StoredChoice:
    """What a valid consent cookie says."""

    visitor: str
    version: str
    given_on: date
    granted: frozenset[str]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class _RandomPool:
    """Random bytes from the system's CSPRNG, read 4 KiB at a time: one `getrandom` call per request cost up to
    a millisecond on a busy virtual machine, more than the rest of recording a choice. Each byte is handed out
    once (under a lock), so ids stay as unpredictable as the system's generator makes them."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._buffer = b""
        self._lock = threading.Lock()

    def take(self, count: int) -> bytes:
        with self._lock:
            if len(self._buffer) < count:
                self._buffer = secrets.token_bytes(self._size)
            taken, self._buffer = self._buffer[:count], self._buffer[count:]
        return taken


_POOL = _RandomPool()


def new_visitor() -> str:
    """A fresh random visitor id: it names a browser, nothing else, and is stored only as a keyed hash."""
    return _b64(_POOL.take(_VISITOR_BYTES))


class CookieCodec:
    """Writes and reads the consent cookie, signed with `key`."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:_MAC_BYTES])

    def encode(self, policy: CookiePolicy, stored: StoredChoice) -> str:
        mask = sum(1 << index for index, service in enumerate(policy.services) if service.id in stored.granted)
        payload = f"{_FORMAT}.{stored.visitor}.{stored.version}.{stored.given_on.toordinal()}.{mask:x}"
        return f"{payload}.{self._mac(payload)}"

    def decode(self, policy: CookiePolicy, value: str | None) -> StoredChoice | None:
        """The choice a cookie holds, if we signed it; None for anything else (absent, cut, forged). Services are
        read against the current policy only when the versions agree: an older cookie keeps its visitor id."""
        if not value or len(value) > _MAX_COOKIE or not value.isascii():
            return None
        parts = value.split(".")
        if len(parts) != 6 or parts[0] != _FORMAT:
            return None
        payload, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        _, visitor, version, ordinal, mask_text = parts[:5]
        try:
            given_on = date.fromordinal(int(ordinal))
            mask = int(mask_text, 16)
        except ValueError:
            return None
        granted: frozenset[str] = frozenset()
        if version == policy.version:
            granted = frozenset(s.id for index, s in enumerate(policy.services) if mask >> index & 1)
        return StoredChoice(visitor, version, given_on, granted)
