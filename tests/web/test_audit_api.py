"""The journal over HTTP: for the DPO only; every read of it, and every refused read, is journaled."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from vigie.agents import ensure_demo_agents, issue_token
from vigie.audit import AuditAction, AuditEvent, Journal, checkpoint
from vigie.audit.merkle import verify_consistency
from vigie.audit.notes import TreeHead, VerifierKey, open_note
from vigie.environment import Environment
from vigie.store import connect
from vigie.store.schema import audit_entries


def event(i: int) -> AuditEvent:
    at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    return AuditEvent(action=AuditAction.LOGIN, allowed=True, reason=f"connexion {i}", at=at, agent_id="dpo-1")


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


def test_key_checkpoint_and_consistency_are_public_and_check_out_from_outside(
    client: TestClient, environment: Environment
) -> None:
    """An outsider with no token gets the verifier key, two checkpoint notes and the proof that links them."""
    assert client.get("/api/audit/checkpoint").status_code == 404
    with Journal(environment.engine, environment.keyring) as journal:
        journal.append_many(event(i) for i in range(3))
    checkpoint(environment.engine, environment.keyring)
    with Journal(environment.engine, environment.keyring) as journal:
        journal.append_many(event(i) for i in range(4))
    checkpoint(environment.engine, environment.keyring)

    key_text = client.get("/api/audit/key")
    assert key_text.headers["content-type"].startswith("text/plain")
    key = VerifierKey.parse(key_text.text)
    assert key.name == environment.settings.audit_origin
    latest = TreeHead.parse(open_note(client.get("/api/audit/checkpoint").text, key))
    older = TreeHead.parse(open_note(client.get("/api/audit/checkpoint", params={"size": 3}).text, key))
    assert (older.size, latest.size) == (3, 7)
    answer = client.get("/api/audit/consistency", params={"old": 3, "new": 7})
    assert answer.status_code == 200 and answer.json()["verified"] is True
    nodes = [base64.b64decode(node) for node in answer.json()["proof"]]
    assert verify_consistency(3, 7, nodes, older.root, latest.root)


@pytest.mark.parametrize(
    "params", [{"old": 5, "new": 2}, {"old": 0, "new": 2**63}, {"old": "x", "new": 1}, {"old": 0, "new": 2**80}]
)
def test_consistency_with_sizes_outside_the_journal_is_a_4xx(client: TestClient, params: dict[str, object]) -> None:
    answer = client.get("/api/audit/consistency", params=params)
    assert answer.status_code == 422


@pytest.mark.parametrize(("path", "status"), [("/api/audit/prove/-1", 422), (f"/api/audit/prove/{2**63}", 404)])
def test_a_bad_proof_request_by_the_dpo_is_a_4xx_and_journaled(
    client: TestClient, tokens: dict[str, dict[str, str]], environment: Environment, path: str, status: int
) -> None:
    assert client.get(path, headers=tokens["paris-dpo"]).status_code == status
    with connect(environment.engine) as connection:
        row = connection.execute(select(audit_entries)).one()
    assert (row.action, row.allowed, row.agent_id) == ("audit_read", False, "paris-dpo")
    assert row.reason.startswith("preuve d'inclusion refusée")
