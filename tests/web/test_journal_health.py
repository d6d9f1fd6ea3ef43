"""The service heals or says it is sick: a killed writer process is replaced, a journal that cannot be written
makes `/health` answer 503 with the reason."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from vigie import vault
from vigie.agents import ensure_demo_agents, issue_token
from vigie.audit import ProcessJournal, check
from vigie.environment import Environment
from vigie.settings import Settings
from vigie.store import connect
from vigie.store.schema import audit_entries
from vigie.taxonomy import SubjectKind
from vigie.web import create_app


@pytest.fixture
def people(environment: Environment) -> dict[str, Any]:
    with connect(environment.engine) as connection:
        ensure_demo_agents(connection, environment.register, attested_on=date(2026, 1, 5))
        subject = vault.add_subject(
            connection,
            environment.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Garnier"},
            created_on=date(2018, 1, 1),
        )
        token = issue_token(connection, "paris-social", date.today())
    return {"subject": subject, "headers": {"Authorization": f"Bearer {token}"}}


def entries(environment: Environment) -> int:
    with connect(environment.engine) as connection:
        return int(connection.scalar(select(func.count()).select_from(audit_entries)) or 0)


def test_the_service_replaces_a_killed_writer_process_and_carries_on(
    environment: Environment, people: dict[str, Any], tmp_path: Path
) -> None:
    env = replace(environment, settings=Settings(data_dir=tmp_path, audit_writer="process"))
    body = {"subject": str(people["subject"]), "purpose": "social_support", "categories": ["contact"]}
    with TestClient(create_app(env)) as client:
        journal = client.app.state.journal  # type: ignore[attr-defined]
        assert isinstance(journal, ProcessJournal)
        assert client.post("/api/access/check", json=body, headers=people["headers"]).status_code == 200
        pid = journal._process.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:  # answers 503 (nothing released unjournaled) only until the new writer runs
            answer = client.post("/api/access/check", json=body, headers=people["headers"])
            if answer.status_code == 200:
                break
            assert answer.status_code == 503
            assert time.monotonic() < deadline, "the service did not heal"
            time.sleep(0.05)
        assert journal.restarts == 1
        assert client.get("/health").status_code == 200
    assert entries(environment) == 2
    assert check(environment.engine, environment.keyring).ok


def _read_only(environment: Environment, on: bool) -> None:
    engine = environment.engine
    name = engine.url.database
    admin = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    engine.dispose()


def test_health_is_503_with_the_reason_while_the_journal_is_read_only(
    client: TestClient, environment: Environment, people: dict[str, Any]
) -> None:
    if environment.engine.dialect.name != "postgresql":
        pytest.skip("read-only sessions are a PostgreSQL setting (SQLite: tests/audit, on a full disk)")
    assert client.get("/health").json()["journal"] == "ok"
    _read_only(environment, True)
    try:
        sick = client.get("/health")
        body = {"subject": str(people["subject"]), "purpose": "social_support", "categories": ["contact"]}
        refused = client.post("/api/access/check", json=body, headers=people["headers"])
    finally:
        _read_only(environment, False)
    assert sick.status_code == 503
    assert sick.json()["status"] == "degraded" and sick.json()["journal"] == "unavailable"
    assert sick.json()["reason"] == "journal d'audit impossible à écrire : base en lecture seule"
    assert refused.status_code == 503  # no decision leaves without its entry
    healed = client.post("/api/access/check", json=body, headers=people["headers"])
    assert healed.status_code == 200
    assert client.get("/health").status_code == 200
