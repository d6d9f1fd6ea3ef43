"""The session cookie: how a browser carries its server-side session (`vigie.accounts.sessions`).

`vigie_session` holds 256 random bits; it is HttpOnly (no script reads it), SameSite=Strict (another site's
link or form does not bring it), Secure when the browser came over TLS, path `/`, and has no Max-Age: the
server ends it after inactivity or its longest lifetime, and at sign-out, and then forgets it. CSRF tokens are
bound to the session (`csrf.bind`), so a token issued before sign-in does not work after it.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, cast

from fastapi import Depends, Request
from starlette.responses import Response

from vigie.accounts import Accounts, Session
from vigie.web import csrf
from vigie.web.transport import is_tls

COOKIE = "vigie_session"


def accounts_of(request: Request) -> Accounts:
    return cast(Accounts, request.app.state.accounts)


def session_token(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


async def current_session(request: Request) -> Session | None:
    """The browser's open session, or None; CSRF tokens of this request are bound to it."""
    token = session_token(request)
    session = accounts_of(request).session(token)
    if session is not None and token is not None:
        csrf.bind(request, hashlib.sha256(token.encode()).hexdigest())
    return session


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    trust = bool(request.app.state.env.settings.trust_forwarded_proto)
    secure = is_tls(request.scope, trust_forwarded_proto=trust)
    response.set_cookie(COOKIE, token, path="/", secure=secure, httponly=True, samesite="strict")


def clear_session_cookie(request: Request, response: Response) -> None:
    trust = bool(request.app.state.env.settings.trust_forwarded_proto)
    secure = is_tls(request.scope, trust_forwarded_proto=trust)
    response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="strict")


SessionDep = Annotated[Session | None, Depends(current_session)]
