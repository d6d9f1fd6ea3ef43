"""`/health`: the database is probed for real and the register's counts are reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import create_engine
from starlette.testclient import TestClient

from vigie.environment import Environment
from vigie.register import Register
from vigie.register.summary import summary
from vigie.web import create_app


def test_health_reports_a_reachable_database_and_the_register_counts(client: TestClient, register: Register) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "journal": "ok",
        "reason": None,
        "register": summary(register),
        "last_sweep": None,
    }


def test_health_is_503_degraded_when_the_database_cannot_be_reached(environment: Environment, tmp_path: Path) -> None:
    unreachable = create_engine(f"sqlite:///{tmp_path / 'no-such-directory' / 'vigie.db'}")
    broken = dataclasses.replace(environment, engine=unreachable)

    with TestClient(create_app(broken)) as client:
        response = client.get("/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "unavailable"
    assert body["register"] == summary(environment.register)
