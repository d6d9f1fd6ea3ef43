"""Every error of the API is an RFC 9457 problem, in French, located, and repeats nothing the client typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from vigie.web.problems import problem_json

UUID_URN = re.compile(r"^urn:uuid:[0-9a-f-]{36}$")
FRENCH_TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    422: "Données invalides",
}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """`response` is a complete problem of `status`, and returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status
    assert body["type"].startswith("urn:vigie:problem:")
    assert body["title"] == FRENCH_TITLES[status]
    assert UUID_URN.match(body["instance"])
    assert body["detail"]
    return body


def test_each_kind_of_error_is_a_problem_with_a_french_title(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]]
) -> None:
    social = agent_headers("paris-social")
    assert_problem(client.get("/api/register/processings/inexistant"), 404)
    assert_problem(client.get("/api/audit/verify"), 401)
    assert_problem(client.get("/api/audit/verify", headers=social), 403)
    assert_problem(client.post("/api/register"), 405)
    assert_problem(client.post("/api/access/check", json={}, headers=social), 422)
    assert_problem(client.get("/api/register/processings?limit=2&limit=3"), 400)


def test_problem_types_tell_the_kinds_apart(client: TestClient) -> None:
    missing = client.get("/api/register/processings/inexistant").json()
    invalid = client.get("/api/register/processings?limit=0").json()

    assert missing["type"] == "urn:vigie:problem:not-found"
    assert invalid["type"] == "urn:vigie:problem:invalid-input"


def test_a_405_says_which_methods_the_address_accepts(client: TestClient) -> None:
    response = client.delete("/api/register")

    body = assert_problem(response, 405)
    assert response.headers["allow"] == "GET"
    assert body["detail"] == "méthode non autorisée pour cette adresse"


def test_a_401_keeps_its_bearer_challenge(client: TestClient) -> None:
    response = client.get("/api/audit/tail")

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_validation_errors_are_french_and_each_is_located(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]]
) -> None:
    response = client.post(
        "/api/access/check", json={"purpose": 7, "categories": []}, headers=agent_headers("paris-social")
    )

    body = assert_problem(response, 422)
    located = {(e.get("pointer"), e["detail"]) for e in body["errors"]}
    assert ("#/subject", "« subject » : obligatoire et absent") in located
    assert ("#/purpose", "« purpose » : texte attendu") in located
    assert ("#/categories", "« categories » : trop peu d'éléments : au moins 1") in located
    assert "Field required" not in response.text
    assert body["detail"].startswith("« ")


def test_a_query_parameter_error_names_the_parameter(client: TestClient) -> None:
    body = assert_problem(client.get("/api/register/processings?limit=500"), 422)

    assert body["errors"] == [
        {"parameter": "limit", "detail": "« limit » dans la requête : doit être inférieur ou égal à 100"}
    ]


def test_unreadable_json_is_a_malformed_request_not_invalid_data(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]]
) -> None:
    response = client.post(
        "/api/access/check",
        content=b'{"subject": ',
        headers={**agent_headers("paris-social"), "content-type": "application/json"},
    )

    body = assert_problem(response, 400)
    assert body["errors"] == [{"pointer": "#", "detail": "corps de la requête : JSON illisible"}]


@pytest.mark.parametrize("typed", ["1850775123456", "2850775123456"])
def test_a_problem_repeats_neither_the_value_nor_the_path_the_client_typed(client: TestClient, typed: str) -> None:
    response = client.get(f"/api/register/processings?limit={typed}")

    body = assert_problem(response, 422)
    assert typed not in response.text
    assert "/api/" not in body["instance"]


def test_each_occurrence_has_its_own_instance(client: TestClient) -> None:
    first = client.get("/api/register/processings/inexistant").json()
    second = client.get("/api/register/processings/inexistant").json()

    assert first["instance"] != second["instance"]


def test_middlewares_that_answer_first_get_the_same_problem_bytes() -> None:
    body = json.loads(problem_json(413, "corps de la requête trop volumineux"))

    assert body["type"] == "urn:vigie:problem:payload-too-large"
    assert (body["status"], body["title"]) == (413, "Requête trop volumineuse")
    assert UUID_URN.match(body["instance"]) and "errors" not in body
