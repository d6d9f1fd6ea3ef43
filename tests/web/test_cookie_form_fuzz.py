"""Hostile posts to the cookie form: whatever the fields hold, the answer is a redirect or a French 4xx, never a
5xx, and a proof is written only for a well-formed choice."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, func, select
from starlette.testclient import TestClient

from vigie.environment import Environment
from vigie.store import migrate, open_database
from vigie.store.schema import consent_proofs
from vigie.web import create_app

EnvFactory = Callable[..., Environment]
URLENCODED = {"content-type": "application/x-www-form-urlencoded"}
FIELDS = ["action", "categorie", "service", "ecran", "retour", "autre"]
VALUES = st.one_of(
    st.sampled_from(["tout_accepter", "tout_refuser", "personnaliser", "audience", "vimeo", "bandeau", "gestion"]),
    st.text(max_size=80),
)


def test_the_cookie_form_never_fails_with_a_5xx(make_env: EnvFactory, tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'fuzz.db'}")  # the parsing does not depend on the engine
    migrate(engine)
    with TestClient(create_app(make_env(engine))) as client:
        page = client.get("/gestion-des-cookies")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None
        token = found.group(1)
        counter = create_engine(engine.url)

        @given(pairs=st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=8), raw=st.binary(max_size=64))
        @settings(
            max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
        )
        def posts(pairs: list[tuple[str, str]], raw: bytes) -> None:
            with counter.connect() as connection:
                before = connection.execute(select(func.count()).select_from(consent_proofs)).scalar_one()
            data = urlencode([("csrf_token", token), *pairs])
            form = client.post("/gestion-des-cookies", content=data, headers=URLENCODED, follow_redirects=False)
            bytes_body = client.post(
                "/gestion-des-cookies",
                content=b"csrf_token=" + token.encode() + b"&" + raw,
                headers=URLENCODED,
                follow_redirects=False,
            )
            with counter.connect() as connection:
                after = connection.execute(select(func.count()).select_from(consent_proofs)).scalar_one()
            for response in (form, bytes_body):
                assert response.status_code in {303, 400, 403, 415, 422}, response.text
            written = sum(response.status_code == 303 for response in (form, bytes_body))
            assert after - before == written

        posts()
        counter.dispose()
    engine.dispose()


def test_a_multipart_or_undecodable_form_is_a_french_4xx(make_env: EnvFactory, engine: Engine) -> None:
    with TestClient(create_app(make_env(engine))) as client:
        multipart = client.post("/gestion-des-cookies", files={"action": ("a", b"tout_accepter")})
        latin1 = client.post(
            "/gestion-des-cookies",
            content=b"action=\xe9",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        query = client.post("/gestion-des-cookies?x=1", data={"action": "tout_accepter"})

    assert multipart.status_code == 415 and "application/x-www-form-urlencoded" in multipart.json()["detail"]
    assert latin1.status_code == 400 and "UTF-8" in latin1.json()["detail"]
    assert query.status_code == 400 and "aucun paramètre" in query.json()["detail"]
