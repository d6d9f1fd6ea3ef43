"""With `--json`, errors are one JSON document on stdout (stderr stays empty), with the usual exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigie.cli.app import run


def failing(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert run(argv) == code
    captured = capsys.readouterr()
    assert captured.err == ""
    error: dict[str, Any] = json.loads(captured.out)["error"]
    assert error["code"] == code
    return error


def test_usage_errors_are_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = failing(["access", "check", "--json", "--agent", "x"], 2, capsys)
    assert error == {"code": 2, "kind": "usage", "message": "option obligatoire manquante : --subject"}
    error = failing(["agent", "list", "--json", "--database", ""], 2, capsys)
    assert error["message"].startswith("valeur invalide pour --database : valeur vide")


def test_unavailable_storage_is_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = failing(["agent", "list", "--json"], 3, capsys)
    assert error["kind"] == "unavailable" and "fichier de clés absent" in error["message"]


def test_bad_input_from_a_service_is_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init"]) == 0
    error = failing(["audit", "consistency", "0", "42", "--json"], 2, capsys)
    assert error["kind"] == "bad_input" and "42" in error["message"]


def test_an_invalid_register_lists_its_problems_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "registre.yaml").write_text("controller: [\n", encoding="utf-8")
    error = failing(["register", "check", str(tmp_path), "--json"], 2, capsys)
    assert error["kind"] == "bad_input"
    assert error["problems"][0]["file"] == "registre.yaml"
    assert "YAML" in error["problems"][0]["message"]


def test_a_refusal_in_json_is_the_services_answer_with_exit_1(
    paris_subject: int, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["subject", "show", str(paris_subject), "--agent", "paris-sans-attestation", "--purpose", "social_support"]
    error = failing([*argv, "--json"], 1, capsys)
    assert error["kind"] == "refused" and error["message"].startswith("accès refusé")


def test_without_json_errors_stay_french_text_on_stderr(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agent", "list"]) == 3
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("Erreur : fichier de clés absent")
