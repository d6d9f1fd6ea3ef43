"""`vigie audit …`: French output, exit 0 when intact, 4 when tampered, 2 or 3 (no traceback) on bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import vigie.cli.audit_cmd  # noqa: F401 - registers `vigie audit` until cli/commands.py imports it
from vigie.cli.app import run
from vigie.store import migrate, open_database


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory with its key file and database (`vigie init`): the read commands create neither."""
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("VIGIE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    assert run(["init"]) == 0
    return tmp_path


def json_of(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> Any:
    capsys.readouterr()
    assert run(argv) == code
    return json.loads(capsys.readouterr().out)


def test_verify_says_the_journal_is_intact_and_traces_each_verification(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["audit", "verify"]) == 0
    assert "Journal intègre : 0 entrée vérifiée" in capsys.readouterr().out
    report = json_of(capsys, ["audit", "verify", "--json", "--agent", "dpo-1"])
    assert (report["ok"], report["entries_checked"], report["first_bad_seq"]) == (True, 1, None)
    entries = json_of(capsys, ["audit", "tail", "--json"])
    assert [(e["seq"], e["action"], e["agent_id"], e["source"]) for e in entries] == [
        (1, "audit_read", None, "cli"),
        (2, "audit_read", "dpo-1", "cli"),
    ]


def test_verify_exits_4_with_the_french_report_when_an_entry_was_modified(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        run(["audit", "verify"])
    with sqlite3.connect(data_dir / "vigie.db") as connection:
        connection.execute("UPDATE audit_entries SET reason = 'rien' WHERE seq = 2")
    capsys.readouterr()
    assert run(["audit", "verify"]) == 4
    out = capsys.readouterr().out
    assert "Journal d'audit altéré : entrée 2 modifiée : son empreinte ne correspond plus" in out
    report = json_of(capsys, ["audit", "verify", "--json"], code=4)
    assert report["first_bad_seq"] == 2


def test_tail_shows_a_table_newest_last(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["audit", "verify", "--agent", "agent-a"])
    run(["audit", "verify", "--agent", "agent-b"])
    capsys.readouterr()
    assert run(["audit", "tail", "-n", "2"]) == 0
    out = capsys.readouterr().out
    assert "Journal d'audit — les 2 dernières entrées" in out
    assert "lecture du journal" in out
    assert out.index("agent-a") < out.index("agent-b")


def test_prove_prints_a_proof_that_verifies(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(5):
        run(["audit", "verify"])
    capsys.readouterr()
    assert run(["audit", "prove", "3"]) == 0
    out = capsys.readouterr().out
    assert "Point de contrôle n°1 : 5 entrées" in out
    assert "Preuve vérifiée : oui" in out
    proof = json_of(capsys, ["audit", "prove", "3", "--json"])
    assert proof["verified"] is True and proof["leaf_index"] == 2


def test_checkpoint_signs_the_current_journal(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["audit", "verify"])
    made = json_of(capsys, ["audit", "checkpoint", "--json"])
    assert made["tree_size"] == 1 and len(bytes.fromhex(made["signature"])) == 64
    capsys.readouterr()
    assert run(["audit", "checkpoint"]) == 0
    assert "Point de contrôle n°1 : 1 entrées" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["audit", "prove", "42"], "entrée du journal d'audit introuvable : « 42 »"),
        (["audit", "prove", "abc"], "numéro d'entrée « abc » invalide : nombre entier d'au moins 1 attendu"),
        (["audit", "prove", "0"], "numéro d'entrée « 0 » invalide"),
        (["audit", "tail", "-n", "0"], "nombre d'entrées « 0 » invalide"),
        (["audit", "tail", "-n", "100000"], "nombre d'entrées « 100000 » invalide : entre 1 et 10 000"),
    ],
)
def test_bad_input_exits_2_with_a_french_message_and_no_traceback(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_unusable_database_url_exits_3(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["audit", "verify", "--database", "pas-une-url"]) == 3
    assert "URL de base de données invalide" in capsys.readouterr().err


def test_a_missing_key_file_is_reported_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    assert run(["audit", "verify"]) == 3
    assert "fichier de clés absent" in capsys.readouterr().err
    assert not (tmp_path / "master.key").exists()


def test_checkpoint_of_a_tampered_journal_exits_4(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["audit", "verify"])
    run(["audit", "verify"])
    with sqlite3.connect(data_dir / "vigie.db") as connection:
        connection.execute("DELETE FROM audit_entries WHERE seq = 1")
    capsys.readouterr()
    assert run(["audit", "checkpoint"]) == 4
    assert "journal d'audit altéré : entrée 1 manquante" in capsys.readouterr().err


def test_the_database_option_selects_another_database(
    data_dir: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["audit", "verify"])
    run(["audit", "verify"])
    other = database_url if database_url.startswith("postgresql") else f"sqlite:///{data_dir / 'autre.db'}"
    if not database_url.startswith("postgresql"):
        migrate(open_database(other))
    report = json_of(capsys, ["audit", "verify", "--json", "--database", other])
    assert (report["ok"], report["entries_checked"]) == (True, 0)
