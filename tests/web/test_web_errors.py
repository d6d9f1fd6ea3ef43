"""Errors become French answers with the right status, and never show a traceback to the client."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from vigie.environment import Environment
from vigie.errors import InvalidInput, NotFound, StorageError
from vigie.web import create_app


@pytest.fixture
def failing(environment: Environment) -> Iterator[TestClient]:
    """The application plus routes that fail the ways services can."""
    app = create_app(environment)

    @app.get("/api/test/introuvable")
    def not_found() -> None:
        raise NotFound("personne", "42")

    @app.get("/api/test/invalide")
    def invalid() -> None:
        raise InvalidInput("NIR", "123", "15 chiffres attendus")

    @app.get("/api/test/base/{subject_id}")
    def storage(subject_id: str) -> None:
        raise StorageError("erreur de la base de données : connexion perdue vers 10.0.0.5")

    @app.get("/test/bogue")
    def bug() -> None:
        raise RuntimeError("secret interne")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_vigie_errors_map_to_their_status_with_their_french_message(failing: TestClient) -> None:
    missing = failing.get("/api/test/introuvable")
    invalid = failing.get("/api/test/invalide")

    assert (missing.status_code, missing.json()["detail"]) == (404, "personne introuvable : « 42 »")
    assert (invalid.status_code, invalid.json()["detail"]) == (422, "NIR « 123 » invalide : 15 chiffres attendus")


def test_server_side_failures_say_so_in_french_without_their_internal_detail(failing: TestClient) -> None:
    storage = failing.get("/api/test/base/1")
    bug = failing.get("/test/bogue", headers={"accept": "text/html"})

    assert (storage.status_code, storage.json()["detail"]) == (503, "service momentanément indisponible")
    assert "10.0.0.5" not in storage.text
    assert bug.status_code == 500
    assert "Erreur interne du service" in bug.text
    assert "secret interne" not in bug.text
    assert "Traceback" not in bug.text


def test_a_server_side_error_is_logged_under_the_instance_the_client_gets_never_with_the_path(
    failing: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="vigie.web.errors"):
        answer = failing.get("/api/test/base/1850775123456")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert answer.json()["instance"] in logged
    assert "GET /api/test/base/{subject_id}" in logged and "connexion perdue" in logged
    assert "1850775123456" not in logged
