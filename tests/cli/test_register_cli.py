"""`vigie register`: check, show and export, with clear errors and exit code 2 on a broken register."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vigie.cli.app import run
from vigie.register import Register, shipped_register_dir


def test_check_accepts_the_shipped_register(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["register", "check"]) == 0
    assert "Registre valide" in capsys.readouterr().out


def test_check_reports_every_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "registre"
    shutil.copytree(shipped_register_dir(), directory)
    social = directory / "theme-social_service.yaml"
    text = social.read_text(encoding="utf-8").replace("duration: P18M", "duration: 18 mois", 1)
    social.write_text(text.replace("social_situation", "mood", 1), encoding="utf-8")
    assert run(["register", "check", str(directory)]) == 2
    err = capsys.readouterr().err
    assert "theme-social_service.yaml:" in err
    assert "durée « 18 mois » mal formée" in err
    assert "catégorie de données inconnue « mood »" in err
    assert "Traceback" not in err


def test_check_as_json(capsys: pytest.CaptureFixture[str], register: Register) -> None:
    assert run(["register", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True
    assert report["processings"] == len(register.processings)


def test_show_prints_a_table_of_processings(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["register", "show"]) == 0
    out = capsys.readouterr().out
    assert "fraud_control" in out
    assert "Registre des traitements" in out


def test_export_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str], register: Register) -> None:
    assert run(["register", "export", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    by_id = {p["id"]: p for p in document["processings"]}
    assert set(by_id) == set(register.processings)
    fraud = by_id["fraud_control"]
    for key in ("id", "theme", "legal_basis", "subjects", "recipients", "retention", "objection_allowed", "notices"):
        assert key in fraud
    assert {"event": "case_closed_without_action", "duration": "P1Y"}.items() <= fraud["retention"][0].items()
    assert fraud["subjects"]["witness"]["categories"] == ["identification"]
    assert fraud["subjects"]["witness"]["source"] == "Lutte contre les fraudes › Données des fraudes et des tiers › 2"
    assert fraud["retention"][2]["source"] == "Lutte contre les fraudes › Durées de conservation › 2"


def test_export_csv_has_one_row_per_processing(tmp_path: Path, register: Register) -> None:
    target = tmp_path / "registre.csv"
    assert run(["register", "export", "--format", "csv", "--output", str(target)]) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == list(register.processings)
    social = next(row for row in rows if row["id"] == "social_support")
    assert "support_end (record) P18M" in social["retention"]


def test_export_markdown_is_readable_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["register", "export", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Registre des traitements")
    assert "**Base légale** : mission d'intérêt public" in out


def test_unknown_export_format_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["register", "export", "--format", "xml"]) == 2


def test_installed_command_runs_without_traceback(tmp_path: Path) -> None:
    """The console script itself (not only `run`) turns a broken register into exit 2 and a message."""
    (tmp_path / "bad.yaml").write_text("processings: [\n", encoding="utf-8")
    command = [sys.executable, "-m", "vigie", "register", "check", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "erreur de syntaxe YAML" in done.stderr
    assert "Traceback" not in done.stderr
