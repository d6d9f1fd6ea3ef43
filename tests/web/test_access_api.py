"""The gate over HTTP: bearer tokens, decisions with reasons, 403 refusals, failed logins traced."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from sqlalchemy import select
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
            identity={"nom": "Garnier", "adresse": "3 rue Haute"},
            created_on=date(2018, 1, 1),
        )
        vault.add_record(
            connection,
            environment.keyring,
            subject,
            processing="social_support",
            category="social_situation",
            payload={"situation": "isolement"},
            recorded_on=date(2026, 2, 1),
        )
        token = issue_token(connection, "paris-social", date.today())
    return {"subject": subject, "headers": {"Authorization": f"Bearer {token}"}}


def journal(environment: Environment) -> list[Any]:
    with connect(environment.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))


def test_check_answers_with_the_reason_and_the_journal_entry(
    client: TestClient, people: dict[str, Any], environment: Environment
) -> None:
    body = {"subject": str(people["subject"]), "purpose": "social_support", "categories": ["contact"]}
    answer = client.post("/api/access/check", json=body, headers=people["headers"])
    assert answer.status_code == 200
    assert answer.json()["allowed"] is True
    refused = client.post("/api/access/check", json={**body, "categories": ["fraud_case"]}, headers=people["headers"])
    assert refused.json()["allowed"] is False and "minimisation" in refused.json()["reason"]
    rows = journal(environment)
    assert [(r.seq, r.agent_id, r.allowed) for r in rows] == [
        (answer.json()["entry"], "paris-social", True),
        (refused.json()["entry"], "paris-social", False),
    ]


def test_read_returns_the_granted_data(client: TestClient, people: dict[str, Any]) -> None:
    answer = client.get(
        f"/api/subjects/{people['subject']}",
        params={"purpose": "social_support", "categories": "social_situation,contact"},
        headers=people["headers"],
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["identity"] == {"adresse": "3 rue Haute"}
    assert [r["payload"] for r in data["records"]] == [{"situation": "isolement"}]


def test_refused_read_is_403_with_the_reason(client: TestClient, people: dict[str, Any]) -> None:
    answer = client.get(
        f"/api/subjects/{people['subject']}", params={"purpose": "fraud_control"}, headers=people["headers"]
    )
    assert answer.status_code == 403
    assert "besoin d'en connaître" in answer.json()["detail"]


def test_missing_or_bad_token_is_401_and_traced(
    client: TestClient, people: dict[str, Any], environment: Environment
) -> None:
    body = {"subject": "1", "purpose": "social_support", "categories": ["contact"]}
    assert client.post("/api/access/check", json=body).status_code == 401
    bad = client.post("/api/access/check", json=body, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and "jeton inconnu" in bad.json()["detail"]
    rows = journal(environment)
    assert [r.action for r in rows] == ["login_failed"]  # the first failure from an address, at once
    client.app.state.signin.flush(everything=True)  # type: ignore[attr-defined]
    rows = journal(environment)
    assert [r.action for r in rows] == ["login_failed", "login_failed"]
    assert "1 autre échec depuis" in rows[1].reason  # the next ones, counted
    assert rows[0].source and rows[1].source  # the client address is kept in the connection trace


def test_malformed_request_is_422_in_french(client: TestClient, people: dict[str, Any]) -> None:
    answer = client.post("/api/access/check", json={"subject": "1"}, headers=people["headers"])
    assert answer.status_code == 422


def test_the_service_can_journal_through_a_writer_process(
    environment: Environment, people: dict[str, Any], tmp_path: Path
) -> None:
    """VIGIE_AUDIT_WRITER=process: same answers, same journal, written by a child process."""
    settings = Settings(data_dir=tmp_path, audit_writer="process")
    env = replace(environment, settings=settings)
    with TestClient(create_app(env)) as client:
        assert isinstance(client.app.state.journal, ProcessJournal)  # type: ignore[attr-defined]
        body = {"subject": str(people["subject"]), "purpose": "social_support", "categories": ["contact"]}
        answer = client.post("/api/access/check", json=body, headers=people["headers"])
        assert answer.status_code == 200 and answer.json()["allowed"] is True
        rows = journal(environment)  # the entry is committed before the answer leaves
        assert [(r.seq, r.allowed) for r in rows] == [(answer.json()["entry"], True)]
    assert check(environment.engine, environment.keyring).ok


def test_an_audited_read_makes_no_trip_through_the_thread_pool_on_sqlite(
    client: TestClient, people: dict[str, Any], environment: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite, sign-in, decision and vault read run on the event loop and the journal is awaited there: no
    trip through the thread pool (only tracing a failed sign-in, which waits for the journal, would take one).
    A server database's statements go there (three trips: token, decision, vault)."""
    trips: list[object] = []
    real = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(function)
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    answer = client.get(
        f"/api/subjects/{people['subject']}", params={"purpose": "social_support"}, headers=people["headers"]
    )
    assert answer.status_code == 200
    assert answer.json()["records"][0]["payload"] == {"situation": "isolement"}
    assert len(trips) == (0 if environment.engine.dialect.name == "sqlite" else 3)
