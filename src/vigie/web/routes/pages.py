"""The public pages: the privacy policy, the information notices, the search, the list of organisations,
rendered from the register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from vigie.errors import InvalidInput
from vigie.inputs import text
from vigie.web.deps import EnvDep, PolicyPageDep, PolicySearchDep
from vigie.web.policy_search import MAX_QUERY, NOTICES_PATH
from vigie.web.policy_view import organisations
from vigie.web.templating import render

router = APIRouter(include_in_schema=False)

POLICY_PATH = "/politique-de-confidentialite"
SEARCH_PATH = "/recherche"


@router.get("/")
def home() -> RedirectResponse:
    """The policy is the home page, under one canonical address."""
    return RedirectResponse(POLICY_PATH, status_code=302)


@router.get(POLICY_PATH, name="policy")
def policy(request: Request, page: PolicyPageDep) -> Response:
    return render(request, "politique.html", {"page": page})


@router.get(NOTICES_PATH, name="notices")
def notices(request: Request, page: PolicyPageDep, search: PolicySearchDep) -> Response:
    return render(request, "mentions.html", {"page": page, "notices": search.notices})


@router.get(SEARCH_PATH, name="search")
def search_page(
    request: Request,
    page: PolicyPageDep,
    search: PolicySearchDep,
    q: Annotated[str, Query(description="mots à chercher")] = "",
) -> Response:
    """Server-side search: works without JavaScript; a bad query is shown next to the field (422)."""
    try:
        query = text(q, "recherche", limit=MAX_QUERY)
    except InvalidInput as error:
        context = {"page": page, "query": "", "hits": [], "error": f"{error.reason}"}
        return render(request, "recherche.html", context, status_code=422)
    hits = search.index.search(query)
    return render(request, "recherche.html", {"page": page, "query": query, "hits": hits, "error": None})


@router.get("/organismes", name="organisations")
def organisations_page(request: Request, page: PolicyPageDep, env: EnvDep) -> Response:
    return render(request, "organismes.html", {"page": page, "organisations": organisations(env.register)})
