"""Conditional GET for the register: a strong ETag from the bytes served, and 304 when the client has them.

The register changes only when the service is redeployed with another one, so an answer's ETag is the hash
of its body: it changes exactly when the register does. `no-cache` makes clients revalidate every time, so a
new register is seen at once, and the revalidation costs a 304 without a body.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

CACHE_CONTROL = "public, no-cache"


@dataclass(frozen=True)
class Document:
    """A JSON answer serialised once, with its entity tag."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, payload: Any) -> Document:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 13.1.2) or is `*`."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(_opaque(tag) == etag for tag in if_none_match.split(","))


def conditional(request: Request, document: Document) -> Response:
    """`document` as a 200, or a 304 without a body when the request already holds it."""
    headers = {"ETag": document.etag, "Cache-Control": CACHE_CONTROL}
    if matches(request.headers.get("if-none-match"), document.etag):
        return Response(status_code=304, headers=headers)
    return Response(document.body, media_type="application/json", headers=headers)
