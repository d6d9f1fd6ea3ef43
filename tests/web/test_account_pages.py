"""The account pages over HTTP: forms with CSRF tokens, French messages next to the fields, the session cookie's
flags, rotation at sign-in, sign-out, throttling answers, and the password feedback endpoint."""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from vigie import vault
from vigie.environment import Environment
from vigie.store import connect
from vigie.taxonomy import SubjectKind
from vigie.web import create_app

sys.path.insert(0, str(Path(__file__).parent.parent / "accounts"))
from account_world import FAST_HASH, GOOD_PASSWORD, NIR, sign_up_form

with warnings.catch_warnings():  # as tests/web/conftest.py imports it
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
    from starlette.testclient import TestClient

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def env(make_env: Callable[..., Environment], engine: Engine) -> Environment:
    env = make_env(engine, demo_agents=True, **FAST_HASH)
    with connect(env.engine) as connection:
        vault.add_subject(
            connection,
            env.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Dupont"},
            created_on=date(2020, 1, 1),
            nir=NIR,
        )
    return env


@pytest.fixture
def web(env: Environment) -> Iterator[TestClient]:
    with TestClient(create_app(env), base_url="http://testserver") as client:
        yield client


def _token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    found = _TOKEN.search(page.text)
    assert found is not None
    return found.group(1)


def _post(client: TestClient, path: str, fields: dict[str, str], *, page: str | None = None) -> Any:
    token = _token(client, page or path)
    return client.post(path, data={**fields, "csrf_token": token}, follow_redirects=False)


def test_sign_up_with_a_personal_password_shows_the_french_message_next_to_the_field(web: TestClient) -> None:
    answer = _post(web, "/compte/inscription", sign_up_form(password="Elodie#Zq91x"))
    assert answer.status_code == 422
    errors = re.search(r'id="password-erreurs">(.*?)</ul>', answer.text, re.S)
    assert errors is not None and "ni votre nom ni votre prénom" in errors.group(1)
    assert 'aria-invalid="true"' in answer.text
    assert "Elodie#Zq91x" not in answer.text  # a password is never sent back
    assert "vigie_session" not in answer.headers.get("set-cookie", "")


def test_sign_up_then_the_account_page_with_a_strict_http_only_session_cookie(web: TestClient) -> None:
    answer = _post(web, "/compte/inscription", sign_up_form())
    assert answer.status_code == 303 and answer.headers["location"] == "/compte"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("vigie_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    page = web.get("/compte")
    assert page.status_code == 200 and "Vous êtes connecté" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_the_session_cookie_is_secure_over_tls(env: Environment) -> None:
    with TestClient(create_app(env), base_url="https://testserver") as client:
        answer = _post(client, "/compte/inscription", sign_up_form())
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("vigie_session="))
    assert "Secure" in cookie


def test_a_form_without_its_csrf_token_is_refused(web: TestClient) -> None:
    web.get("/compte/connexion")
    answer = web.post("/compte/connexion", data={"identifier": NIR, "password": GOOD_PASSWORD})
    assert answer.status_code == 403


def test_sign_in_rotates_the_session_and_sign_out_ends_it(web: TestClient) -> None:
    _post(web, "/compte/inscription", sign_up_form())
    first = web.cookies.get("vigie_session")
    answer = _post(web, "/compte/connexion", {"identifier": NIR, "password": GOOD_PASSWORD})
    assert answer.status_code == 303
    second = web.cookies.get("vigie_session")
    assert first and second and first != second
    assert _post(web, "/compte/deconnexion", {}, page="/compte").status_code == 303
    web.cookies.set("vigie_session", second)
    assert web.get("/compte", follow_redirects=False).headers["location"] == "/compte/connexion"
    web.cookies.set("vigie_session", first)
    assert web.get("/compte", follow_redirects=False).headers["location"] == "/compte/connexion"


def test_a_wrong_password_is_a_401_page_in_french_then_the_delay_a_429_with_retry_after(web: TestClient) -> None:
    _post(web, "/compte/inscription", sign_up_form())
    answers = [_post(web, "/compte/connexion", {"identifier": NIR, "password": "Pas-le-bon-1!"}) for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 4 + [429] * 2
    assert "Identifiant ou mot de passe incorrect." in answers[0].text
    assert answers[4].headers["Retry-After"] == "30"
    assert "réessayez dans" in answers[5].text


def test_a_repeated_field_is_a_400(web: TestClient) -> None:
    token = _token(web, "/compte/connexion")
    answer = web.post(
        "/compte/connexion",
        content=f"csrf_token={token}&identifier=1&identifier=2&password=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400


def test_the_feedback_endpoint_judges_without_storing(web: TestClient) -> None:
    answer = web.post(
        "/api/mot-de-passe/evaluation",
        json={"password": "Kq!z12031975v", "last_name": "Dupont", "birth_date": "1975-03-12"},
    )
    assert answer.status_code == 200
    assert not answer.json()["acceptable"]
    assert any("date de naissance" in p for p in answer.json()["problems"])
    assert web.post("/api/mot-de-passe/evaluation", json={"password": "Vx7#kq2Lm"}).json()["acceptable"]


@pytest.mark.parametrize(
    "body", [{"password": "a\u0000b"}, {"password": "x" * 129}, {"password": "x", "extra": 1}, {"password": 3}]
)
def test_the_feedback_endpoint_refuses_malformed_bodies_with_a_problem(web: TestClient, body: object) -> None:
    answer = web.post("/api/mot-de-passe/evaluation", json=body)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_person_s_session_does_not_open_the_agents_space(web: TestClient) -> None:
    _post(web, "/compte/inscription", sign_up_form())
    answer = web.get("/agents/espace", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/agents/connexion"
    assert web.get("/compte", follow_redirects=False).status_code == 200


def test_an_oversized_or_malformed_form_is_a_4xx_never_a_5xx(web: TestClient) -> None:
    token = _token(web, "/compte/connexion")
    huge = web.post("/compte/connexion", data={"csrf_token": token, "identifier": NIR, "password": "x" * 70_000})
    assert huge.status_code == 413
    garbled = web.post(
        "/compte/connexion",
        content=b"csrf_token=" + token.encode() + b"&identifier=\xff\xfe&password=%00",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= garbled.status_code < 500
    over_long = _post(web, "/compte/connexion", {"identifier": "1" * 33, "password": "x" * 129})
    assert over_long.status_code == 422
    assert "au plus 32" in over_long.text and "au plus 128" in over_long.text
