"""Opaque pagination cursors, strictly read back.

A cursor names the last item of the page a client received, so that the next page starts after it even if
items were added in between (keyset pagination, not offsets). It is opaque (base64url of `v1:<list>:<key>`)
so that clients pass it back rather than build it, and strictly validated: a cursor of another list, of
another version, or whose key is not of the list's form is a malformed request (400), never a guess.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from fastapi.exceptions import RequestValidationError

VERSION = "v1"
MAX_LENGTH = 200
ALPHABET = r"^[A-Za-z0-9_-]+$"  # the pattern published in the schema
_TOKEN = re.compile(ALPHABET)


def _token(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def encode(kind: str, key: str) -> str:
    """The cursor that resumes list `kind` after the item keyed `key`."""
    return _token(f"{VERSION}:{kind}:{key}")


def _invalid() -> RequestValidationError:
    error: dict[str, Any] = {"type": "cursor_invalid", "loc": ("query", "cursor"), "msg": "cursor_invalid"}
    return RequestValidationError([error])


def decode(token: str, kind: str, key: re.Pattern[str]) -> str:
    """The key `token` resumes after, if it is a cursor of list `kind` whose key matches `key` in full.

    Only the one canonical encoding is accepted (no padding, no stray bits), so that a cursor has one spelling.
    """
    if len(token) > MAX_LENGTH or not _TOKEN.fullmatch(token):
        raise _invalid()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise _invalid() from error
    parts = raw.split(":", 2)
    if len(parts) != 3 or _token(raw) != token:
        raise _invalid()
    version, found_kind, found_key = parts
    if version != VERSION or found_kind != kind or not key.fullmatch(found_key):
        raise _invalid()
    return found_key


_POSITIVE = re.compile(r"[1-9][0-9]{0,18}")


def decode_position(token: str, kind: str, maximum: int = 2**63 - 1) -> int:
    """The positive integer position (an entry number) `token` resumes from, at most `maximum`."""
    position = int(decode(token, kind, _POSITIVE))
    if position > maximum:
        raise _invalid()
    return position
