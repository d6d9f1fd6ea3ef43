"""Token revocation through the agent service: exactly what was named goes, and every revocation is journaled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, insert

from vigie.access.agent_admin import AgentAdmin
from vigie.audit import AuditAction
from vigie.audit.testing import RecordingJournal
from vigie.environment import Environment
from vigie.errors import InvalidInput
from vigie.store import connect
from vigie.store.schema import agent_tokens

EnvFactory = Callable[..., Environment]


def test_a_prefix_naming_two_tokens_revokes_neither(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    twins = [bytes.fromhex("abcdef01") + bytes(28), bytes.fromhex("abcdef02") + bytes(28)]
    with connect(engine) as connection:
        connection.execute(
            insert(agent_tokens),
            [{"token_hash": h, "agent_id": "paris-dpo", "expires_on": date(2027, 1, 1)} for h in twins],
        )
    journal = RecordingJournal()
    admin = AgentAdmin(env, journal)
    with pytest.raises(InvalidInput, match="2 jetons commencent ainsi"):
        admin.revoke("paris-dpo", prefix="abcdef")
    assert len(admin.tokens("paris-dpo")) == 2
    assert [t.id for t in admin.revoke("paris-dpo", prefix="abcdef02")] == ["abcdef020000"]
    assert [t.id for t in admin.tokens("paris-dpo")] == ["abcdef010000"]
    assert [(e.action, e.allowed, e.agent_id) for e in journal.events] == [(AuditAction.LOGOUT, True, "paris-dpo")]


def test_an_issued_token_expires_after_thirty_days_of_the_clock(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    journal = RecordingJournal()
    issued = AgentAdmin(env, journal).issue("paris-dpo", source="cli")
    assert (issued.info.expires_on - env.clock.today()).days == 30
    assert [t.id for t in AgentAdmin(env).tokens("paris-dpo")] == [issued.info.id]
    (event,) = journal.events
    assert (event.action, event.allowed, event.source) == (AuditAction.LOGIN, True, "cli")
