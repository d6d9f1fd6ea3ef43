"""The journal over HTTP: for the DPO only; every read of it, and every refused read, is journaled."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from vigie.agents import ensure_demo_agents, issue_token
from vigie.environment import Environment
from vigie.store import connect
from vigie.store.schema import audit_entries


@pytest.fixture
def tokens(environment: Environment) -> dict[str, dict[str, str]]:
    with connect(environment.engine) as connection:
        ensure_demo_agents(connection, environment.register, attested_on=date(2026, 1, 5))
        made = {agent: issue_token(connection, agent, date.today()) for agent in ("paris-dpo", "paris-social")}
    return {agent: {"Authorization": f"Bearer {token}"} for agent, token in made.items()}


def test_dpo_verifies_the_journal_and_the_read_is_journaled(
    client: TestClient, tokens: dict[str, dict[str, str]], environment: Environment
) -> None:
    answer = client.get("/api/audit/verify", headers=tokens["paris-dpo"])
    assert answer.status_code == 200 and answer.json()["ok"] is True
    tail = client.get("/api/audit/tail", params={"n": 5}, headers=tokens["paris-dpo"]).json()["items"]
    assert [e["action"] for e in tail] == ["audit_read"]  # the verification itself, traced
    assert tail[0]["agent_id"] == "paris-dpo"


def test_agent_without_an_audit_role_is_refused_and_traced(
    client: TestClient, tokens: dict[str, dict[str, str]], environment: Environment
) -> None:
    answer = client.get("/api/audit/tail", headers=tokens["paris-social"])
    assert answer.status_code == 403
    with connect(environment.engine) as connection:
        row = connection.execute(select(audit_entries)).one()
    assert (row.action, row.allowed, row.agent_id) == ("audit_read", False, "paris-social")


def test_tampering_shows_in_the_api(
    client: TestClient, tokens: dict[str, dict[str, str]], environment: Environment
) -> None:
    client.get("/api/audit/tail", headers=tokens["paris-social"])  # one refused read: entry 1
    client.get("/api/audit/tail", headers=tokens["paris-social"])  # entry 2
    with connect(environment.engine) as connection:
        connection.execute(update(audit_entries).where(audit_entries.c.seq == 1).values(reason="rien à signaler"))
    report = client.get("/api/audit/verify", headers=tokens["paris-dpo"]).json()
    assert report["ok"] is False and report["first_bad_seq"] == 1


def test_proof_of_inclusion(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    client.get("/api/audit/tail", headers=tokens["paris-social"])
    proof = client.get("/api/audit/prove/1", headers=tokens["paris-dpo"])
    assert proof.status_code == 200 and proof.json()["verified"] is True
    missing = client.get("/api/audit/prove/999", headers=tokens["paris-dpo"])
    assert 400 <= missing.status_code < 500
