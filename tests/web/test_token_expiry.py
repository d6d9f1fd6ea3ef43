"""An agent's token opens the API for 30 days by the organisation's clock, and is refused (401, traced) after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from vigie.agents import issue_token
from vigie.environment import Environment
from vigie.store import connect
from vigie.store.schema import audit_entries

BODY = {"subject": "1", "purpose": "social_support", "categories": ["contact"]}


def _token(environment: Environment, issued: date) -> dict[str, str]:
    with connect(environment.engine) as connection:
        return {"Authorization": f"Bearer {issue_token(connection, 'paris-social', issued)}"}


def _journal(environment: Environment) -> list[Any]:
    with connect(environment.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))


def test_a_token_issued_thirty_days_ago_still_opens_the_api(
    client: TestClient, make_env: Callable[..., Environment], environment: Environment
) -> None:
    make_env(environment.engine, demo_agents=True)
    today = environment.clock.today()
    answer = client.post("/api/access/check", json=BODY, headers=_token(environment, today - timedelta(days=30)))
    assert answer.status_code == 200
    assert [r.action for r in _journal(environment)] == ["decide"]


def test_a_token_issued_thirty_one_days_ago_is_refused_and_traced(
    client: TestClient, make_env: Callable[..., Environment], environment: Environment
) -> None:
    make_env(environment.engine, demo_agents=True)
    today = environment.clock.today()
    answer = client.post("/api/access/check", json=BODY, headers=_token(environment, today - timedelta(days=31)))
    assert answer.status_code == 401
    assert "jeton inconnu ou expiré" in answer.json()["detail"]
    (row,) = _journal(environment)
    assert (row.action, row.allowed, row.agent_id) == ("login_failed", False, None)
