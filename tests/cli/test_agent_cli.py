"""`vigie agent`: the demo staff is listed; issuing a token is a connection trace in the journal."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

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


def test_list_shows_the_demo_staff(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agent", "list", "--json"]) == 0
    agents = {a["id"]: a for a in json.loads(capsys.readouterr().out)}
    assert agents["paris-social"]["roles"] == ["social_worker"]
    assert agents["paris-sans-attestation"]["secrecy_attested_on"] is None


def test_token_is_issued_and_traced(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token, number = issue(capsys, "paris-dpo")
    assert len(token) >= 40
    (row,) = entries(data_dir)
    assert (row.action, row.agent_id, row.allowed, row.source) == ("login", "paris-dpo", True, "cli")
    assert token not in row.reason and f"n° {number}" in row.reason


def test_token_for_an_unknown_agent_exits_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agent", "token", "nobody"]) == 2
    assert "agent introuvable : « nobody »" in capsys.readouterr().err


def entries(data_dir: Path) -> list[Any]:
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}")
    with engine.connect() as connection:
        rows = list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))
    engine.dispose()
    return rows


def token_works(data_dir: Path, token: str) -> bool:
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}")
    with engine.connect() as connection:
        agent = agent_for_token(connection, token, date(2026, 1, 10))
    engine.dispose()
    return agent is not None


def issue(capsys: pytest.CaptureFixture[str], agent: str) -> tuple[str, str]:
    """A token and its number, as `vigie agent token` gives them (the token on stdout, its number on stderr)."""
    assert run(["agent", "token", agent]) == 0
    captured = capsys.readouterr()
    number = captured.err.split("Jeton n° ")[1].split(" ")[0]
    return captured.out.strip(), number


def test_revoke_one_token_by_the_prefix_of_its_number_leaves_the_others_working(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, first_id = issue(capsys, "paris-dpo")
    second, _ = issue(capsys, "paris-dpo")
    assert token_works(data_dir, first) and token_works(data_dir, second)
    assert run(["agent", "revoke", "paris-dpo", "--token-prefix", first_id[:8]]) == 0
    assert f"1 jeton révoqué pour paris-dpo : {first_id}." in capsys.readouterr().out
    assert not token_works(data_dir, first)
    assert token_works(data_dir, second)
    last = entries(data_dir)[-1]
    assert (last.action, last.allowed, last.agent_id, last.source) == ("logout", True, "paris-dpo", "cli")
    assert last.reason == f"1 jeton d'accès révoqué ({first_id})"


def test_revoke_all_revokes_every_token_of_the_agent_only(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tokens = [issue(capsys, "paris-dpo")[0] for _ in range(3)]
    other, _ = issue(capsys, "paris-social")
    assert run(["agent", "revoke", "paris-dpo", "--all", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["revoked"]) == 3
    assert not any(token_works(data_dir, token) for token in tokens)
    assert token_works(data_dir, other)
    assert entries(data_dir)[-1].reason.startswith("3 jetons d'accès révoqués (")
    assert run(["agent", "tokens", "paris-dpo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["agent", "revoke", "paris-dpo"], "indiquez soit --token-prefix, soit --all"),
        (["agent", "revoke", "paris-dpo", "--all", "--token-prefix", "abcdef"], "indiquez soit --token-prefix"),
        (["agent", "revoke", "paris-dpo", "--token-prefix", "abc"], "au moins 6 chiffres hexadécimaux"),
        (["agent", "revoke", "paris-dpo", "--token-prefix", "ABCDEF12"], "au moins 6 chiffres hexadécimaux"),
        (["agent", "revoke", "paris-dpo", "--token-prefix", "000000"], "jeton d'accès de l'agent introuvable"),
        (["agent", "revoke", "personne", "--all"], "agent introuvable : « personne »"),
    ],
)
def test_revoke_refuses_what_it_cannot_do_in_french_and_revokes_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    token, _ = issue(capsys, "paris-dpo")
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert token_works(data_dir, token)


def test_a_nir_typed_as_an_agent_is_journaled_as_a_fingerprint_not_in_clear(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["agent", "token", "185077512345678"]) == 2
    (row,) = entries(data_dir)
    assert (row.action, row.allowed, row.agent_id) == ("login", False, None)
    assert "agent inconnu (15 caractères, empreinte " in row.reason
    assert "185077512345678" not in row.reason


def test_tokens_lists_numbers_and_expiry_never_the_token(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token, number = issue(capsys, "paris-dpo")
    assert run(["agent", "tokens", "paris-dpo", "--json"]) == 0
    listed = capsys.readouterr().out
    assert json.loads(listed)[0]["id"] == number and token not in listed
