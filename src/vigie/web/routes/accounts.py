"""The account pages: sign-up, sign-in and sign-out for people, the password change, and the agents' sign-in
with a second factor. Thin: they read the form, call `vigie.accounts`, and render; every form carries a CSRF
token and works without script (the page's small script only shows the password feedback as one types).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from vigie.accounts import PROFILE_LABELS, Session, parse_sign_in, parse_sign_up
from vigie.accounts.forms import parse_password_change
from vigie.errors import InvalidForm, SignInRefused
from vigie.web.auth import source_of
from vigie.web.csrf import CsrfDep
from vigie.web.forms import form_fields
from vigie.web.sessions import (
    SessionDep,
    accounts_of,
    clear_session_cookie,
    session_token,
    set_session_cookie,
)
from vigie.web.templating import render

router = APIRouter(include_in_schema=False)

# The account pages run our own script (password feedback) and call our own JSON endpoint.
ACCOUNT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_KEPT = {"profile", "number", "last_name", "first_name", "birth_date", "identifier"}  # refilled after an error
MAX_FIELDS = 16


async def _fields(request: Request) -> dict[str, str]:
    """The posted form as text fields, from the parse the CSRF check already made (`web.forms`): a repeated
    field or too many fields is a malformed request."""
    posted = await form_fields(request)
    if len(posted) > MAX_FIELDS:
        raise HTTPException(400, f"formulaire mal formé : {len(posted)} champs, au plus {MAX_FIELDS}")
    fields: dict[str, str] = {}
    for name, values in posted.items():
        if len(values) > 1:
            raise HTTPException(400, f"formulaire mal formé : le champ « {name[:40]} » est répété")
        fields[name] = values[0]
    return fields


def _page(
    request: Request,
    name: str,
    *,
    session: Session | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    alert: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    kept = {k: v for k, v in (values or {}).items() if k in _KEPT}
    context = {
        "page": request.app.state.policy_page,
        "session": session,
        "values": kept,
        "errors": errors or {},
        "alert": alert,
        "profiles": PROFILE_LABELS,
        **extra,
    }
    response = render(request, name, context, status_code=status_code)
    response.headers["Content-Security-Policy"] = ACCOUNT_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response


def _refused(refused: SignInRefused) -> tuple[int, dict[str, str]]:
    if refused.retry_after is not None:
        return 429, {"Retry-After": str(refused.retry_after)}
    return (403 if refused.locked else 401), {}


def _signed_in(request: Request, token: str, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    set_session_cookie(request, response, token)
    return response


# -- people ------------------------------------------------------------------------------------------------


@router.get("/compte/inscription", name="sign_up")
def sign_up_page(request: Request, session: SessionDep) -> Response:
    return _page(request, "compte_inscription.html", session=session)


@router.post("/compte/inscription")
async def sign_up(request: Request, session: SessionDep, _: CsrfDep) -> Response:
    fields = await _fields(request)
    try:
        form = parse_sign_up(fields)
        opened = accounts_of(request).sign_up(form, source=source_of(request))
    except InvalidForm as invalid:
        return _page(request, "compte_inscription.html", values=fields, errors=invalid.fields, status_code=422)
    except SignInRefused as refused:
        status, headers = _refused(refused)
        status = status if refused.retry_after is not None else 422
        return _page(
            request, "compte_inscription.html", values=fields, alert=refused.reason, status_code=status, headers=headers
        )
    return _signed_in(request, opened.token, "/compte")


@router.get("/compte/connexion", name="sign_in")
def sign_in_page(request: Request, session: SessionDep) -> Response:
    return _page(request, "compte_connexion.html", session=session)


@router.post("/compte/connexion")
async def sign_in(request: Request, session: SessionDep, _: CsrfDep) -> Response:
    fields = await _fields(request)
    try:
        credentials = parse_sign_in(fields)
        opened = accounts_of(request).sign_in(credentials, source=source_of(request), previous=session_token(request))
    except InvalidForm as invalid:
        return _page(request, "compte_connexion.html", values=fields, errors=invalid.fields, status_code=422)
    except SignInRefused as refused:
        status, headers = _refused(refused)
        return _page(
            request, "compte_connexion.html", values=fields, alert=refused.reason, status_code=status, headers=headers
        )
    return _signed_in(request, opened.token, "/compte")


@router.get("/compte", name="account")
def account_page(request: Request, session: SessionDep) -> Response:
    if session is None or session.agent_id is not None:
        return RedirectResponse("/compte/connexion", status_code=303)
    if session.must_change:
        return RedirectResponse("/compte/mot-de-passe", status_code=303)
    label = next((text for profile, text in PROFILE_LABELS.items() if profile.value == session.kind), "")
    return _page(request, "compte.html", session=session, label=label)


@router.get("/compte/mot-de-passe", name="password_change")
def password_page(request: Request, session: SessionDep) -> Response:
    if session is None:
        return RedirectResponse("/compte/connexion", status_code=303)
    return _page(request, "compte_mot_de_passe.html", session=session)


@router.post("/compte/mot-de-passe")
async def change_password(request: Request, session: SessionDep, _: CsrfDep) -> Response:
    if session is None:
        return RedirectResponse("/compte/connexion", status_code=303)
    fields = await _fields(request)
    accounts = accounts_of(request)
    try:
        current, new = parse_password_change(fields, accounts.person_of(session))
        accounts.change_password(session, current, new, token=session_token(request), source=source_of(request))
    except InvalidForm as invalid:
        return _page(request, "compte_mot_de_passe.html", session=session, errors=invalid.fields, status_code=422)
    return RedirectResponse("/agents/espace" if session.agent_id else "/compte", status_code=303)


@router.post("/compte/deconnexion", name="sign_out")
async def sign_out(request: Request, session: SessionDep, _: CsrfDep) -> Response:
    accounts_of(request).sign_out(session_token(request), source=source_of(request))
    response = RedirectResponse("/agents/connexion" if session and session.agent_id else "/compte/connexion", 303)
    clear_session_cookie(request, response)
    return response


# -- agents ------------------------------------------------------------------------------------------------


@router.get("/agents/connexion", name="agent_sign_in")
def agent_sign_in_page(request: Request, session: SessionDep) -> Response:
    return _page(request, "agent_connexion.html", session=session)


@router.post("/agents/connexion")
async def agent_sign_in(request: Request, session: SessionDep, _: CsrfDep) -> Response:
    fields = await _fields(request)
    try:
        credentials = parse_sign_in(fields, agent=True)
        opened = accounts_of(request).agent_sign_in(
            credentials, source=source_of(request), previous=session_token(request)
        )
    except InvalidForm as invalid:
        return _page(request, "agent_connexion.html", values=fields, errors=invalid.fields, status_code=422)
    except SignInRefused as refused:
        status, headers = _refused(refused)
        return _page(
            request, "agent_connexion.html", values=fields, alert=refused.reason, status_code=status, headers=headers
        )
    return _signed_in(request, opened.token, "/agents/espace")


@router.get("/agents/espace", name="agent_space")
def agent_space(request: Request, session: SessionDep) -> Response:
    if session is None or session.agent_id is None:
        return RedirectResponse("/agents/connexion", status_code=303)
    if session.must_change:
        return RedirectResponse("/compte/mot-de-passe", status_code=303)
    return _page(request, "agent_espace.html", session=session)
