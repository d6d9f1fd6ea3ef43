"""The cookie banner and « Gestion des cookies » over HTTP: plain forms, CSRF-checked, each choice proven."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from vigie.environment import Environment
from vigie.store import connect
from vigie.store.schema import consent_proofs
from vigie.web import create_app

EnvFactory = Callable[..., Environment]
POLICY = "/politique-de-confidentialite"
THIRD_PARTIES = ("googletagmanager.com", "vimeo.com", "facebook.net", "twitter.com", "linkedin.com")


@pytest.fixture
def web(make_env: EnvFactory, engine: Engine) -> TestClient:
    return TestClient(create_app(make_env(engine)))


def _proof_count(engine: Engine) -> int:
    with connect(engine) as connection:
        return int(connection.execute(select(func.count()).select_from(consent_proofs)).scalar_one())


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _choose(client: TestClient, action: str, **fields: object) -> tuple[str, object]:
    page = client.get("/gestion-des-cookies")  # its form is always there; the banner's only before a choice
    data = {"csrf_token": _token(page.text), "action": action, "ecran": "bandeau", "retour": POLICY, **fields}
    response = client.post("/gestion-des-cookies", data=data, follow_redirects=False)
    return response.headers.get("set-cookie", ""), response


def test_before_a_choice_the_banner_offers_both_answers_and_nothing_third_party_loads(web: TestClient) -> None:
    with web:
        page = web.get(POLICY)

    html = page.text
    refuse, accept = html.index(">Tout refuser<"), html.index(">Tout accepter<")
    assert abs(refuse - accept) < 200  # side by side, in the same form, the same button class
    assert html.count('class="choice">Tout') == 2
    assert "Gestion des cookies" in html and "Personnaliser mes choix" in html
    assert not any(host in html for host in THIRD_PARTIES) and "audience.js" not in html
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and not any(host in csp for host in THIRD_PARTIES)
    assert "Cookie-agreed" not in page.headers.get("set-cookie", "")  # only the CSRF cookie


def test_accepting_all_is_proven_remembered_and_lets_the_tags_in(web: TestClient, engine: Engine) -> None:
    with web:
        cookie, response = _choose(web, "tout_accepter")
        after = web.get(POLICY)

    assert response.status_code == 303 and response.headers["location"] == POLICY  # type: ignore[attr-defined]
    assert "Cookie-agreed=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert re.search(r"Max-Age=3\d{7}", cookie)  # 13 months in seconds
    assert _proof_count(engine) == 1
    assert "bandeau-titre" not in after.text
    assert "https://www.googletagmanager.com/gtm.js" in after.text and "audience.js" in after.text
    csp = after.headers["content-security-policy"]
    assert "https://www.googletagmanager.com" in csp and "frame-src https://player.vimeo.com" in csp


def test_refusing_all_is_remembered_and_loads_nothing(web: TestClient, engine: Engine) -> None:
    with web:
        web.cookies.set("atid", "123")  # a measurement cookie from an earlier acceptance
        cookie, _ = _choose(web, "tout_refuser")
        after = web.get(POLICY)

    assert "Cookie-agreed=" in cookie and 'atid=""' in cookie  # the withdrawn cookie is deleted at once
    assert _proof_count(engine) == 1
    assert "bandeau-titre" not in after.text
    assert not any(host in after.text for host in THIRD_PARTIES) and "audience.js" not in after.text


def test_a_custom_choice_grants_only_what_was_ticked(web: TestClient) -> None:
    with web:
        _choose(web, "personnaliser", ecran="gestion", service=["vimeo"])
        after = web.get(POLICY)
        management = web.get("/gestion-des-cookies")

    assert "player.vimeo.com" in after.text and "googletagmanager" not in after.text
    assert re.search(r'value="vimeo"[^>]*checked', management.text)
    assert not re.search(r'value="facebook"[^>]*checked', management.text)


def test_a_choice_without_the_csrf_token_is_refused_and_not_recorded(web: TestClient, engine: Engine) -> None:
    with web:
        web.get(POLICY)
        response = web.post("/gestion-des-cookies", data={"action": "tout_accepter"}, headers={"accept": "text/html"})

    assert response.status_code == 403 and "rechargez la page" in response.text
    assert _proof_count(engine) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "tout_prendre"}, "« tout_prendre » invalide"),
        ({"action": "personnaliser", "service": "Cookie-agreed"}, "service inconnu"),
        ({"action": "personnaliser", "categorie": "strictly_necessary"}, "non facultative"),
        ({"action": "tout_accepter", "ecran": "x" * 17}, "au plus 16"),
        ({"action": "tout_accepter", "pirate": "1"}, "champ inconnu"),
    ],
)
def test_a_malformed_choice_is_a_french_422_and_nothing_is_written(
    web: TestClient, engine: Engine, fields: dict[str, str], message: str
) -> None:
    with web:
        _, response = _choose(web, **fields)

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert message in response.text  # type: ignore[attr-defined]
    assert "n'a pas été enregistré" in response.text  # type: ignore[attr-defined]
    assert _proof_count(engine) == 0


def test_the_return_path_never_leaves_the_site(web: TestClient) -> None:
    with web:
        _, outside = _choose(web, "tout_refuser", retour="//exemple.org/piege")
        _, url = _choose(web, "tout_refuser", retour="https://exemple.org/")
        _, split = _choose(web, "tout_refuser", retour="/page\r\nSet-Cookie: piege=1")
        _, deleted = _choose(web, "tout_refuser", retour="/page\x7f")
        _, kept = _choose(web, "tout_refuser", retour="/politique-de-confidentialite#cookies")

    assert outside.headers["location"] == "/"  # type: ignore[attr-defined]
    assert url.headers["location"] == "/"  # type: ignore[attr-defined]
    assert split.headers["location"] == "/" and "piege" not in str(split.headers)  # type: ignore[attr-defined]
    assert deleted.headers["location"] == "/"  # type: ignore[attr-defined]
    assert kept.headers["location"] == "/politique-de-confidentialite#cookies"  # type: ignore[attr-defined]


def test_the_notices_page_and_the_search_box_work_from_the_register(web: TestClient) -> None:
    with web:
        notices = web.get("/mentions-d-information")
        found = web.get("/recherche", params={"q": "COOKIES mesure d’audience"})
        nothing = web.get("/recherche", params={"q": "xylophone"})
        bad = web.get("/recherche", params={"q": "a\x00b"})
        long = web.get("/recherche", params={"q": "a" * 101})

    assert notices.status_code == 200 and 'id="mention-' in notices.text
    assert "#traitement-" in notices.text
    assert found.status_code == 200 and "/politique-de-confidentialite#traitement-cookies_audience" in found.text
    assert "0 résultats" in nothing.text
    assert bad.status_code == 422 and "caractère nul" in bad.text
    assert long.status_code == 422 and "au plus 100" in long.text


def test_an_unknown_page_is_a_french_404_with_the_cookie_link(web: TestClient) -> None:
    with web:
        response = web.get("/nulle-part", headers={"accept": "text/html"})

    assert response.status_code == 404 and 'lang="fr"' in response.text
    assert "introuvable" in response.text and "Gestion des cookies" in response.text


def test_the_choice_cookie_is_secure_over_tls(make_env: EnvFactory, engine: Engine) -> None:
    with TestClient(create_app(make_env(engine)), base_url="https://testserver") as tls:
        cookie, _ = _choose(tls, "tout_refuser")

    assert "Cookie-agreed=" in cookie and "; secure" in cookie.lower()
