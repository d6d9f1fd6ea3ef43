"""« Gestion des cookies »: the page that shows and changes a visitor's choice, and the form both it and the
banner post to. Plain forms, so that every path works without JavaScript; the choice's rules and its proof are
the consent slice's (`vigie.consent`)."""

from __future__ import annotations

import re
from typing import Annotated, cast

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response
from starlette.routing import Route

from vigie.consent import COOKIE_NAME, ConsentService, Screen, parse_choice
from vigie.errors import InvalidInput
from vigie.inputs import text
from vigie.web.csrf import require_csrf
from vigie.web.deps import PolicyPageDep
from vigie.web.forms import form_fields
from vigie.web.templating import render
from vigie.web.trackers import audience_cookies
from vigie.web.transport import is_tls

router = APIRouter(include_in_schema=False)

PATH = "/gestion-des-cookies"
_FIRST_PARTY = ("atid", "atidx", "idrxvr")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


async def get_consent(request: Request) -> ConsentService:
    return cast(ConsentService, request.app.state.consent)


ConsentDep = Annotated[ConsentService, Depends(get_consent)]


def _return_path(value: str | None) -> str:
    """Where to go after the choice: a path of this site only (never `//host` nor a URL), else the home page."""
    if not value or len(value) > 200 or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if _CONTROL.search(value):
        return "/"
    return value


@router.get(PATH, name="cookies")
def cookies_page(
    request: Request,
    page: PolicyPageDep,
    enregistre: Annotated[bool, Query(description="le choix vient d'être enregistré")] = False,
) -> Response:
    return render(request, "cookies.html", {"page": page, "saved": enregistre, "errors": {}})


async def cookies_choice(request: Request) -> Response:
    """Record the choice (its proof committed first), set the cookie that carries it, go back.

    A plain Starlette route, not a FastAPI one: every click of the banner comes here, and FastAPI's dependency
    machinery cost a third of the request; the checks it would run are made here, in the same order. For the
    same reason it is answered before the router (`vigie.web.direct`)."""
    if request.url.query:
        raise HTTPException(400, "ce formulaire ne prend aucun paramètre dans l'adresse")
    await require_csrf(request)
    consent: ConsentService = request.app.state.consent
    fields = await form_fields(request)
    unknown = set(fields) - {"csrf_token", "action", "categorie", "service", "ecran", "retour"}
    try:
        if unknown:
            raise InvalidInput("formulaire", sorted(unknown)[0], "champ inconnu")
        screen_text = text((fields.get("ecran") or ["gestion"])[0], "écran", limit=16)
        try:
            screen = Screen(screen_text)
        except ValueError:
            raise InvalidInput("écran", screen_text, "attendu « bandeau » ou « gestion »") from None
        action = (fields.get("action") or [""])[0]
        choice = parse_choice(consent.policy, action, fields.get("categorie", []), fields.get("service", []))
    except InvalidInput as error:
        page = request.app.state.policy_page
        context = {"page": page, "saved": False, "errors": {error.field: error.reason}, "error_text": str(error)}
        return render(request, "cookies.html", context, status_code=422)
    recorded = await consent.record_async(request.cookies.get(COOKIE_NAME), choice, screen)
    back = _return_path((fields.get("retour") or [""])[0])
    target = f"{PATH}?enregistre=true" if screen is Screen.MANAGEMENT else back
    response = RedirectResponse(target, status_code=303)
    secure = is_tls(request.scope, trust_forwarded_proto=consent.env.settings.trust_forwarded_proto)
    response.set_cookie(
        COOKIE_NAME, recorded.cookie, max_age=recorded.max_age, path="/", secure=secure, httponly=True, samesite="lax"
    )
    kept = set(audience_cookies(recorded.state))
    for name in _FIRST_PARTY:  # a withdrawn audience cookie goes at once, not at its expiry
        if name not in kept and name in request.cookies:
            response.delete_cookie(name, path="/", secure=secure, samesite="lax")
    return response


CHOICE_ROUTE = Route(PATH, cookies_choice, methods=["POST"], name="cookies_choice", include_in_schema=False)
router.routes.append(CHOICE_ROUTE)  # and answered before the router (`vigie.web.direct`): the banner's hot path
