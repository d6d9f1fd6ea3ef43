"""Errors become French answers with the right status, and never show a traceback to the client."""

from __future__ import annotations

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

    @app.get("/api/test/base")
    def storage() -> None:
        raise StorageError("erreur de la base de données : connexion perdue vers 10.0.0.5")

    @app.get("/test/bogue")
    def bug() -> None:
        raise RuntimeError("secret interne")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_vigie_errors_map_to_their_status_with_their_french_message(failing: TestClient) -> None:
    missing = failing.get("/api/test/introuvable")
    invalid = failing.get("/api/test/invalide")

    assert (missing.status_code, missing.json()) == (404, {"detail": "personne introuvable : « 42 »"})
    assert (invalid.status_code, invalid.json()) == (422, {"detail": "NIR « 123 » invalide : 15 chiffres attendus"})


def test_server_side_failures_say_so_in_french_without_their_internal_detail(failing: TestClient) -> None:
    storage = failing.get("/api/test/base")
    bug = failing.get("/test/bogue", headers={"accept": "text/html"})

    assert (storage.status_code, storage.json()) == (503, {"detail": "service momentanément indisponible"})
    assert bug.status_code == 500
    assert "Erreur interne du service" in bug.text
    assert "secret interne" not in bug.text
    assert "Traceback" not in bug.text
