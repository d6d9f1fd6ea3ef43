"""CSRF: a form's POST passes only with the browser's own signed token, in both its cookie and the form."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.testclient import TestClient

from vigie.crypto import Keyring
from vigie.web import csrf, errors
from vigie.web.templating import STATIC_DIR


def _app(keyring: Keyring, *, trust_forwarded_proto: bool = False) -> FastAPI:
    """A bare application with the CSRF protection and vigie's error pages, one form and its POST."""
    app = FastAPI()
    csrf.install(app, keyring, trust_forwarded_proto=trust_forwarded_proto)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")  # the error page's stylesheet

    @app.get("/formulaire")
    def form(request: Request, session: str = "") -> PlainTextResponse:
        if session:
            csrf.bind(request, session)
        response = PlainTextResponse(csrf.csrf_input(request))
        csrf.set_cookie_if_issued(request, response)
        return response

    @app.post("/formulaire")
    async def post(_: csrf.CsrfDep) -> PlainTextResponse:
        return PlainTextResponse("reçu")

    @app.post("/session/{session}")
    async def post_in_session(request: Request, session: str) -> PlainTextResponse:
        csrf.bind(request, session)  # as a session layer does before the check
        await csrf.require_csrf(request)
        return PlainTextResponse("reçu")

    return app


def _token(client: TestClient, session: str = "") -> str:
    page = client.get("/formulaire", params={"session": session} if session else None).text
    return page.split('value="')[1].split('"')[0]


def test_a_post_with_the_token_of_its_cookie_passes() -> None:
    with TestClient(_app(Keyring.generate())) as client:
        token = _token(client)
        response = client.post("/formulaire", data={csrf.FIELD: token})

    assert response.status_code == 200 and response.text == "reçu"


def test_a_post_without_token_or_cookie_is_refused_in_french() -> None:
    with TestClient(_app(Keyring.generate())) as client:
        bare = client.post("/formulaire", data={"choix": "oui"}, headers={"accept": "text/html"})
        _token(client)  # the cookie is now set, but the form carries no token
        no_field = client.post("/formulaire", data={"choix": "oui"})

    assert bare.status_code == 403 and "rechargez la page" in bare.text
    assert no_field.status_code == 403
    assert no_field.json()["detail"] == csrf.REJECTED


def test_a_token_other_than_the_cookie_is_refused() -> None:
    keyring = Keyring.generate()
    with TestClient(_app(keyring)) as mine, TestClient(_app(keyring)) as other:
        _token(mine)
        foreign = _token(other)  # valid under the same key, but not this browser's
        response = mine.post("/formulaire", data={csrf.FIELD: foreign})

    assert response.status_code == 403


def test_a_token_planted_in_both_places_without_the_key_is_refused() -> None:
    """The double submit alone would pass a token an attacker sets in the cookie too: the HMAC stops it."""
    forged = csrf.CsrfSigner(b"k" * 32, trust_forwarded_proto=False).make("")
    with TestClient(_app(Keyring.generate())) as client:
        client.cookies.set(csrf.COOKIE, forged)
        response = client.post("/formulaire", data={csrf.FIELD: forged})

    assert response.status_code == 403


def test_a_token_bound_to_one_session_is_refused_under_another() -> None:
    with TestClient(_app(Keyring.generate())) as client:
        token = _token(client, session="avant")
        same = client.post("/session/avant", data={csrf.FIELD: token})
        after_signin = client.post("/session/apres", data={csrf.FIELD: token})

    assert same.status_code == 200
    assert after_signin.status_code == 403


def test_the_token_stays_the_same_while_its_cookie_is_valid() -> None:
    with TestClient(_app(Keyring.generate())) as client:
        first = _token(client)
        again = client.get("/formulaire")

    assert _token_in(again.text) == first
    assert "set-cookie" not in again.headers


def _token_in(page: str) -> str:
    return page.split('value="')[1].split('"')[0]


def test_the_cookie_is_httponly_strict_and_secure_only_over_tls() -> None:
    keyring = Keyring.generate()
    with TestClient(_app(keyring)) as plain:
        cookie = plain.get("/formulaire").headers["set-cookie"].lower()
    with TestClient(_app(keyring), base_url="https://testserver") as tls:
        secure = tls.get("/formulaire").headers["set-cookie"].lower()
    with TestClient(_app(keyring)) as proxied_untrusted:
        spoofed = proxied_untrusted.get("/formulaire", headers={"x-forwarded-proto": "https"}).headers["set-cookie"]
    with TestClient(_app(keyring, trust_forwarded_proto=True)) as proxied:
        forwarded = proxied.get("/formulaire", headers={"x-forwarded-proto": "https"}).headers["set-cookie"]

    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    assert "; secure" in secure
    assert "secure" not in spoofed.lower()
    assert "secure" in forwarded.lower()
