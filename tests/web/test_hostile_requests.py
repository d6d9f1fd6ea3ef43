"""The API against hostile requests: every call leaves its entry, nothing typed lands in clear in the journal
or the access log, one bad request never fails another, bodies and floods are bounded."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from vigie import vault
from vigie.agents import ensure_demo_agents, issue_token
from vigie.audit import check
from vigie.environment import Environment
from vigie.store import connect
from vigie.store.schema import audit_entries
from vigie.taxonomy import SubjectKind
from vigie.web import create_app
from vigie.web.access_log import ACCESS_LOGGER
from vigie.web.limits import MAX_BODY_BYTES
from vigie.web.server import make_server

NIR = "185057800608436"


@pytest.fixture
def people(environment: Environment) -> dict[str, Any]:
    with connect(environment.engine) as connection:
        ensure_demo_agents(connection, environment.register, attested_on=date(2026, 1, 5))
        paris = vault.add_subject(
            connection,
            environment.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Garnier"},
            created_on=date(2018, 1, 1),
        )
        lyon = vault.add_subject(
            connection,
            environment.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-69",
            identity={"nom": "Roux"},
            created_on=date(2018, 1, 1),
        )
        token = issue_token(connection, "paris-social", date.today())
    return {"paris": paris, "lyon": lyon, "headers": {"Authorization": f"Bearer {token}"}}


def rows(environment: Environment) -> list[Any]:
    with connect(environment.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))


def everything(environment: Environment) -> str:
    return " ".join(str(value) for row in rows(environment) for value in row)


@pytest.mark.parametrize(
    ("subject", "params", "rule"),
    [
        ("1", {"purpose": "social_support", "categories": ",,,"}, "aucune catégorie"),
        ("1", {"purpose": "social_support", "categories": " "}, "aucune catégorie"),
        ("4_1", {"purpose": "social_support"}, "identifiant numérique"),
        ("+41", {"purpose": "social_support"}, "identifiant numérique"),
        ("٤١", {"purpose": "social_support"}, "identifiant numérique"),
        ("４１", {"purpose": "social_support"}, "identifiant numérique"),
        (str(2**63), {"purpose": "social_support"}, "hors limites"),
        ("-1", {"purpose": "social_support"}, "identifiant numérique"),
        ("1", {"purpose": "social\x00support"}, "caractère nul"),
        ("1", {"purpose": "x" * 60_000}, "60000 caractères, au plus 64 permis"),  # a URL holds no 1 MB
        ("1 85 05 78 006 084 36", {"purpose": "social_support"}, "au plus 19 permis"),
    ],
)
def test_bad_input_is_a_journaled_422_never_a_500_nor_everything(
    client: TestClient, people: dict[str, Any], environment: Environment, subject: str, params: Any, rule: str
) -> None:
    answer = client.get(f"/api/subjects/{subject}", params=params, headers=people["headers"])
    assert answer.status_code == 422, answer.text
    assert rule in answer.json()["detail"]
    assert len(answer.json()["detail"]) < 200  # long inputs quoted cut short
    (row,) = rows(environment)
    assert (row.action, row.allowed, row.agent_id) == ("read", False, "paris-social")
    assert row.reason.startswith("entrée invalide : ") and "empreinte" in row.reason
    assert "1 85 05" not in everything(environment) and "xxxxxxxx" not in everything(environment)


def test_a_nul_byte_or_a_huge_id_in_a_json_body_is_journaled_too(
    client: TestClient, people: dict[str, Any], environment: Environment
) -> None:
    bodies = [
        {"subject": "1", "purpose": "social\u0000support", "categories": ["contact"]},
        {"subject": 2**63, "purpose": "social_support", "categories": ["contact"]},
        {"subject": "1", "purpose": "social_support", "categories": []},
    ]
    for body in bodies:
        answer = client.post("/api/access/check", json=body, headers=people["headers"])
        assert answer.status_code == 422, answer.text
    assert [row.allowed for row in rows(environment)] == [False, False, False]


def test_a_lone_surrogate_fails_only_its_own_request_among_concurrent_good_ones(
    client: TestClient, people: dict[str, Any], environment: Environment
) -> None:
    good = json.dumps({"subject": str(people["paris"]), "purpose": "social_support", "categories": ["contact"]})
    culprit = good.replace("social_support", "social\\ud800")  # JSON escape: a lone surrogate once parsed
    headers = {**people["headers"], "Content-Type": "application/json"}

    def post(body: str) -> httpx.Response:
        return client.post("/api/access/check", content=body, headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, [good] * 6 + [culprit] + [good] * 6))
    assert [a.status_code for a in answers] == [200] * 6 + [422] + [200] * 6
    assert "demi-paire de substitution" in answers[6].json()["detail"]
    journaled = {row.seq: row for row in rows(environment)}
    assert len(journaled) == 13
    for answer in answers[:6] + answers[7:]:
        assert journaled[answer.json()["entry"]].allowed
    assert check(environment.engine, environment.keyring).ok


def test_a_body_over_the_limit_is_413_and_reaches_no_route(
    client: TestClient, people: dict[str, Any], environment: Environment
) -> None:
    huge = {"subject": "1", "purpose": "x" * 1_000_000, "categories": ["contact"]}
    answer = client.post("/api/access/check", json=huge, headers=people["headers"])
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert (answer.json()["status"], answer.json()["title"]) == (413, "Requête trop volumineuse")
    assert f"au plus {MAX_BODY_BYTES} permis" in answer.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"subject": "1", "purpose": "'
        for _ in range(20):
            yield b"x" * 10_000
        yield b'", "categories": ["contact"]}'

    streamed = client.post(
        "/api/access/check", content=chunks(), headers={**people["headers"], "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert rows(environment) == []


def test_an_agent_cannot_probe_which_ids_exist_or_where_a_person_belongs(
    client: TestClient, people: dict[str, Any], environment: Environment
) -> None:
    params = {"purpose": "social_support", "categories": "contact"}
    elsewhere = client.get(f"/api/subjects/{people['lyon']}", params=params, headers=people["headers"])
    nobody = client.get("/api/subjects/987654", params=params, headers=people["headers"])
    assert elsewhere.status_code == nobody.status_code == 403
    assert elsewhere.json()["detail"].split(" (entrée")[0] == nobody.json()["detail"].split(" (entrée")[0]
    assert "CPAM-69" not in elsewhere.text
    precise_elsewhere, precise_nobody = rows(environment)
    assert "CPAM-69" in precise_elsewhere.reason and precise_nobody.reason == "personne inconnue"


def test_a_token_less_flood_is_throttled_per_address_and_traced_with_counts(
    client: TestClient, environment: Environment
) -> None:
    body = {"subject": "1", "purpose": "social_support", "categories": ["contact"]}
    statuses = [client.post("/api/access/check", json=body).status_code for _ in range(300)]
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    throttled = client.post("/api/access/check", json=body)
    assert int(throttled.headers["Retry-After"]) >= 1
    assert len(rows(environment)) == 1  # the first failure, at once; the others counted
    client.app.state.signin.flush(everything=True)  # type: ignore[attr-defined]
    first, counts = rows(environment)
    assert first.reason == "authentification refusée : jeton absent" and first.source == "testclient"
    assert "300 autres échecs" in counts.reason and "dont 291 bloqués" in counts.reason
    assert counts.source == "testclient"


def test_throttling_is_per_address(environment: Environment, people: dict[str, Any]) -> None:
    app = create_app(environment)
    with TestClient(app, client=("10.0.0.1", 1234)) as attacker, TestClient(app, client=("10.0.0.2", 1)) as agent:
        body = {"subject": str(people["paris"]), "purpose": "social_support", "categories": ["contact"]}
        for _ in range(12):
            attacker.post("/api/access/check", json=body)
        assert attacker.post("/api/access/check", json=body, headers=people["headers"]).status_code == 429
        assert agent.post("/api/access/check", json=body, headers=people["headers"]).status_code == 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_access_log_carries_no_path_parameter_nor_query_string(
    environment: Environment, people: dict[str, Any]
) -> None:
    """A real uvicorn server: the request names a NIR in the path and the query; the log line has neither."""
    app = create_app(environment)
    server = make_server(app, log_level="info")
    logged = io.StringIO()
    handler = logging.StreamHandler(logged)
    logging.getLogger(ACCESS_LOGGER).addHandler(handler)
    sock = socket.socket()
    sock.bind(("127.0.0.1", free_port()))
    sock.listen()
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        answer = httpx.get(
            f"{base}/api/subjects/{NIR}",
            params={"purpose": "social_support", "categories": "contact"},
            headers=people["headers"],
        )
        assert answer.status_code == 403
        httpx.get(f"{base}/nowhere/{NIR}")
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        logging.getLogger(ACCESS_LOGGER).removeHandler(handler)
        sock.close()
    text = logged.getvalue()
    assert '"GET /api/subjects/{subject_id} HTTP/1.1" 403' in text
    assert '"GET (chemin inconnu) HTTP/1.1" 404' in text
    assert NIR not in text and "purpose=" not in text


def test_a_request_the_schema_refuses_is_journaled_once_the_agent_is_known(
    client: TestClient, people: dict[str, Any], environment: Environment
) -> None:
    wrong_type = {"subject": "1", "purpose": 5, "categories": ["contact"]}
    assert client.post("/api/access/check", json=wrong_type, headers=people["headers"]).status_code == 422
    assert client.get("/api/subjects/1", headers=people["headers"]).status_code == 422  # no purpose
    assert client.post("/api/access/check", json=wrong_type).status_code == 401  # a sign-in failure, not bad input
    typed, missing, sign_in = rows(environment)
    assert sign_in.action == "login_failed"
    assert (typed.action, typed.allowed, typed.agent_id) == ("decide", False, "paris-social")
    assert typed.reason.startswith("entrée invalide : purpose : type ou format invalide (valeur de 1 caractères")
    assert (missing.action, missing.allowed) == ("read", False)
    assert missing.reason.startswith("entrée invalide : purpose : champ manquant")
