"""`vigie agent revoke`: every token of the agent stops working at once, and the revocation is journaled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from vigie.agents import agent_for_token
from vigie.cli.app import run
from vigie.store import open_database
from vigie.store.schema import audit_entries


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VIGIE_DEMO", "1")
    return tmp_path


def test_revoke_ends_every_token_of_the_agent_and_is_traced(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tokens = []
    for _ in range(2):
        assert run(["agent", "token", "paris-social"]) == 0
        tokens.append(capsys.readouterr().out.strip())
    assert run(["agent", "token", "paris-dpo"]) == 0
    other = capsys.readouterr().out.strip()
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}")
    try:
        with engine.connect() as connection:
            assert all(agent_for_token(connection, t, date.today()) is not None for t in tokens)
        assert run(["agent", "revoke", "paris-social"]) == 0
        assert "2 jetons révoqués pour l'agent paris-social" in capsys.readouterr().out
        with engine.connect() as connection:
            assert [agent_for_token(connection, t, date.today()) for t in tokens] == [None, None]
            still = agent_for_token(connection, other, date.today())
            assert still is not None and still.id == "paris-dpo"  # only that agent's tokens
            last = connection.execute(select(audit_entries).order_by(audit_entries.c.seq.desc())).first()
        assert last is not None
        assert (last.action, last.agent_id, last.allowed) == ("logout", "paris-social", True)
        assert "2 jetons révoqués" in last.reason
    finally:
        engine.dispose()


def test_revoking_an_unknown_agent_exits_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agent", "revoke", "nobody"]) == 2
    assert "agent introuvable" in capsys.readouterr().err
