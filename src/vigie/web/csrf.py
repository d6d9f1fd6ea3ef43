"""CSRF protection for every form: a signed double-submit token.

The browser holds the token twice: in a cookie (`vigie_csrf`, HttpOnly, SameSite=Strict, Secure over TLS) and
in the form it posts (hidden field `csrf_token`). A POST is accepted only when both are present, equal, and
carry a valid HMAC under a key derived from the key file (never stored in the database). Another site can make
the browser post, but can neither read the cookie nor forge a token that passes the HMAC, even if it manages
to plant a cookie of its own. A token can also be bound to a server-side session, so that a token issued
before sign-in is worthless after it.

The API, for routes and templates:
- `install(app, keyring, trust_forwarded_proto=...)` once, in `create_app`.
- In a template, `{{ csrf_input(request) }}` inside every `<form method="post">`; the page's `render` sets the
  cookie when a new token was issued (`set_cookie_if_issued`). `token_for(request)` gives the bare token.
- On every POST route, the dependency `CsrfDep` (or `Depends(require_csrf)`): a missing or wrong token is a
  403 with a French message, before the route runs.
- A session layer calls `bind(request, session_id)` before either of the above, so tokens follow the session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from markupsafe import Markup
from starlette.responses import Response

from vigie.crypto import Keyring, derived_key
from vigie.web.forms import form_fields
from vigie.web.transport import is_tls

COOKIE = "vigie_csrf"
FIELD = "csrf_token"
REJECTED = "formulaire expiré ou envoyé depuis un autre site : rechargez la page puis recommencez"
_NONCE_BYTES = 16
_MAX_TOKEN = 128
_STATE_BINDING = "vigie.csrf_binding"
_STATE_ISSUED = "vigie.csrf_issued"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class CsrfSigner:
    """Makes and checks tokens `nonce.mac`, mac = HMAC-SHA256(key, nonce | binding)."""

    def __init__(self, key: bytes, *, trust_forwarded_proto: bool) -> None:
        self._key = key
        self.trust_forwarded_proto = trust_forwarded_proto

    def _mac(self, nonce: str, binding: str) -> str:
        return _b64(hmac.new(self._key, f"csrf|{nonce}|{binding}".encode(), hashlib.sha256).digest())

    def make(self, binding: str) -> str:
        """A fresh token bound to `binding` (a session id, or "" for a visitor without one)."""
        nonce = _b64(secrets.token_bytes(_NONCE_BYTES))
        return f"{nonce}.{self._mac(nonce, binding)}"

    def valid(self, token: str, binding: str) -> bool:
        """True when `token` was made by `make` with this key and `binding`."""
        if len(token) > _MAX_TOKEN or token.count(".") != 1:
            return False
        nonce, mac = token.split(".")
        return hmac.compare_digest(mac.encode(), self._mac(nonce, binding).encode())


def install(app: FastAPI, keyring: Keyring, *, trust_forwarded_proto: bool) -> None:
    """Give `app` its token signer, keyed from `keyring`."""
    app.state.csrf = CsrfSigner(derived_key(keyring, "csrf"), trust_forwarded_proto=trust_forwarded_proto)


def _signer(request: Request) -> CsrfSigner:
    signer: CsrfSigner = request.app.state.csrf
    return signer


def bind(request: Request, binding: str) -> None:
    """Bind the tokens of this request to `binding` (the server-side session id)."""
    request.scope[_STATE_BINDING] = binding


def _binding(request: Request) -> str:
    return str(request.scope.get(_STATE_BINDING, ""))


def token_for(request: Request) -> str:
    """The browser's token: the one its cookie holds if still valid, else a new one (set by `render`)."""
    issued = request.scope.get(_STATE_ISSUED)
    if issued is not None:
        return str(issued)
    signer = _signer(request)
    held = request.cookies.get(COOKIE, "")
    if held and signer.valid(held, _binding(request)):
        return held
    token = signer.make(_binding(request))
    request.scope[_STATE_ISSUED] = token
    return token


def csrf_input(request: Request) -> Markup:
    """The hidden field carrying the token, for a template's `<form method="post">`."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token_for(request))


def set_cookie_if_issued(request: Request, response: Response) -> None:
    """Put a newly issued token into the response's cookie (called by `render` after the template ran)."""
    issued = request.scope.get(_STATE_ISSUED)
    if issued is None:
        return
    secure = is_tls(request.scope, trust_forwarded_proto=_signer(request).trust_forwarded_proto)
    response.set_cookie(COOKIE, str(issued), path="/", secure=secure, httponly=True, samesite="strict")


def verify(request: Request, submitted: str | None) -> None:
    """Refuse (403) unless `submitted` equals the cookie's token and that token is valid for this request."""
    held = request.cookies.get(COOKIE, "")
    ok = (
        bool(held)
        and submitted is not None
        and submitted.isascii()
        and hmac.compare_digest(held.encode(), submitted.encode())
        and _signer(request).valid(held, _binding(request))
    )
    if not ok:
        raise HTTPException(status_code=403, detail=REJECTED)


async def require_csrf(request: Request) -> None:
    """FastAPI dependency for a POST route of a form: reads the form's token and verifies it."""
    submitted = (await form_fields(request)).get(FIELD, [])
    verify(request, submitted[0] if len(submitted) == 1 else None)


CsrfDep = Annotated[None, Depends(require_csrf)]
