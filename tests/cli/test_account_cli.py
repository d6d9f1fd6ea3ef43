"""`vigie agent password|totp` and `vigie account`: set up an agent's browser sign-in, list, unlock, reset;
weak passwords and bad numbers are bad input (exit 2), each change a connection trace."""

from __future__ import annotations

import io
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
    monkeypatch.setenv("VIGIE_PASSWORD_MEMORY_KIB", "64")
    monkeypatch.setenv("VIGIE_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def _reasons(data_dir: Path) -> list[tuple[str, str | None, str]]:
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}")
    with engine.connect() as connection:
        rows = connection.execute(
            select(audit_entries.c.action, audit_entries.c.agent_id, audit_entries.c.reason).order_by(
                audit_entries.c.seq
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_an_agent_gets_a_password_and_a_totp_uri_both_journaled(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Gardien#Secret-2026\n"))
    assert run(["agent", "password", "paris-dpo", "--stdin"]) == 0
    assert run(["agent", "totp", "paris-dpo"]) == 0
    uri = capsys.readouterr().out.strip().splitlines()[-1]
    assert uri.startswith("otpauth://totp/vigie:paris-dpo?secret=")
    reasons = _reasons(data_dir)
    assert ("change", "paris-dpo", "mot de passe d'agent défini") in reasons
    assert ("change", "paris-dpo", "second facteur (TOTP) de l'agent défini") in reasons
    assert all(uri.split("secret=")[1][:32] not in reason for *_, reason in reasons)


def test_a_weak_agent_password_is_bad_input_with_the_rules_in_french(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("motdepasse\n"))
    assert run(["agent", "password", "paris-dpo", "--stdin"]) == 2
    assert "mots de passe les plus courants" in capsys.readouterr().err


def test_accounts_are_listed_unlocked_and_reset(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Gardien#Secret-2026\n"))
    assert run(["agent", "password", "paris-dpo", "--stdin"]) == 0
    capsys.readouterr()
    assert run(["account", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["id"], listed["kind"], listed["agent"], listed["second_factor"]) == (1, "agent", "paris-dpo", False)
    assert run(["account", "unlock", "1"]) == 0
    assert run(["account", "reset", "1"]) == 0
    temporary = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(temporary) == 16
    assert run(["account", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["must_change"] is True
    assert ("login", "paris-dpo", "compte n° 1 déverrouillé") in _reasons(data_dir)


@pytest.mark.parametrize("number", ["x1", "٤", "", "1" * 30])
def test_a_bad_account_number_is_bad_input(data_dir: Path, capsys: pytest.CaptureFixture[str], number: str) -> None:
    assert run(["account", "unlock", number]) == 2
    assert "compte" in capsys.readouterr().err.lower()


def test_an_unknown_account_is_bad_input(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["account", "unlock", "42"]) == 2
    assert "compte introuvable" in capsys.readouterr().err


def test_without_a_terminal_the_password_must_come_with_stdin(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Gardien#Secret-2026\n"))
    assert run(["agent", "password", "paris-dpo"]) == 2
    assert "--stdin" in capsys.readouterr().err
