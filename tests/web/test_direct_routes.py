"""Direct routes (`vigie.web.direct`): the banner's POST is answered before the router, with the same error
answers the application gives everywhere else; every other request still goes through the router."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from vigie.environment import Environment
from vigie.errors import InvalidInput
from vigie.web import create_app, direct, errors, headers
from vigie.web.routes import cookies
from vigie.web.templating import STATIC_DIR

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
    from starlette.testclient import TestClient

EnvFactory = Callable[..., Environment]


async def answer(request: Request) -> Response:
    """The direct endpoint: fails as the form's `?fail=` asks, else says who answered."""
    fail = request.query_params.get("fail")
    if fail == "http":
        raise HTTPException(403, "formulaire refusé")
    if fail == "vigie":
        raise InvalidInput("écran", "x", "attendu « bandeau » ou « gestion »")
    if fail == "bug":
        raise RuntimeError("bogue")
    return PlainTextResponse("direct")


def small_app() -> TestClient:
    app = FastAPI()
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")  # the error page's stylesheet

    @app.get("/formulaire")
    def page() -> PlainTextResponse:
        return PlainTextResponse("routeur")

    direct.install(app, [Route("/formulaire", answer, methods=["POST"])])  # not on the router at all
    headers.wrap(app)
    return TestClient(app, raise_server_exceptions=False)


def test_a_direct_route_is_answered_without_the_router() -> None:
    client = small_app()

    assert client.post("/formulaire").text == "direct"
    assert client.get("/formulaire").text == "routeur"  # another method: the router's
    assert client.post("/ailleurs").status_code == 404


def test_a_direct_routes_errors_get_the_applications_answers() -> None:
    client = small_app()

    refused = client.post("/formulaire?fail=http")
    invalid = client.post("/formulaire?fail=vigie")
    page = client.post("/formulaire?fail=http", headers={"accept": "text/html"})
    bug = client.post("/formulaire?fail=bug")

    assert refused.status_code == 403 and refused.json()["detail"] == "formulaire refusé"
    assert refused.headers["content-type"] == "application/problem+json"
    assert invalid.status_code == 422 and "attendu « bandeau »" in invalid.json()["detail"]
    assert page.status_code == 403 and "Formulaire refusé." in page.text and "<html" in page.text
    assert bug.status_code == 500 and bug.json()["detail"] == "erreur interne du service"
    assert "bogue" not in bug.text
    for response in (refused, invalid, page, bug):
        assert response.headers["x-frame-options"] == "DENY"  # still inside the security headers


def test_the_banners_choice_is_answered_before_the_router(
    make_env: EnvFactory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def teapot(request: Request) -> Response:
        return PlainTextResponse("routeur", status_code=418)

    # the router's copy of the route now answers otherwise (same path, method and name, for the page's form)
    routed = Route(cookies.PATH, teapot, methods=["POST"], name="cookies_choice")
    others = [route for route in cookies.router.routes if route is not cookies.CHOICE_ROUTE]
    monkeypatch.setattr(cookies.router, "routes", [*others, routed])
    with TestClient(create_app(make_env(engine))) as client:
        page = client.get("/gestion-des-cookies")
        token = client.cookies["vigie_csrf"]
        response = client.post(
            "/gestion-des-cookies",
            data={"csrf_token": token, "action": "tout_refuser", "ecran": "bandeau"},
            follow_redirects=False,
        )

    assert page.status_code == 200
    assert response.status_code == 303 and "Cookie-agreed=" in response.headers["set-cookie"]
