"""`vigie agent`: the demo staff is listed; issuing a token is a connection trace in the journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from vigie.cli.app import run
from vigie.store import open_database
from vigie.store.schema import audit_entries


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VIGIE_DEMO", "1")
    return tmp_path


def test_list_shows_the_demo_staff(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agent", "list", "--json"]) == 0
    agents = {a["id"]: a for a in json.loads(capsys.readouterr().out)}
    assert agents["paris-social"]["roles"] == ["social_worker"]
    assert agents["paris-sans-attestation"]["secrecy_attested_on"] is None


def test_token_is_issued_and_traced(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agent", "token", "paris-dpo"]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 40
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}")
    with engine.connect() as connection:
        row = connection.execute(select(audit_entries)).one()
    engine.dispose()
    assert (row.action, row.agent_id, row.allowed) == ("login", "paris-dpo", True)
    assert token not in row.reason


def test_token_for_an_unknown_agent_exits_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agent", "token", "nobody"]) == 2
    assert "agent introuvable : « nobody »" in capsys.readouterr().err
