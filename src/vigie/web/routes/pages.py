"""The public pages: the privacy policy and the list of organisations, rendered from the register."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from vigie.web.deps import EnvDep, PolicyPageDep
from vigie.web.policy_view import organisations
from vigie.web.templating import render

router = APIRouter(include_in_schema=False)

POLICY_PATH = "/politique-de-confidentialite"


@router.get("/")
def home() -> RedirectResponse:
    """The policy is the home page, under one canonical address."""
    return RedirectResponse(POLICY_PATH, status_code=302)


@router.get(POLICY_PATH, name="policy")
def policy(request: Request, page: PolicyPageDep) -> Response:
    return render(request, "politique.html", {"page": page})


@router.get("/organismes", name="organisations")
def organisations_page(request: Request, page: PolicyPageDep, env: EnvDep) -> Response:
    return render(request, "organismes.html", {"page": page, "organisations": organisations(env.register)})
