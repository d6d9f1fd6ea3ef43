"""Typed values are checked before any command runs: empty, NUL, non-UTF-8 and over-long values are refused.

The options that name an agent, a person, a purpose or categories on the gate's commands are the exception:
the gate parses them and journals bad input there (tests/cli/test_access_cli_hostile.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigie.cli.app import run
from vigie.cli.hygiene import MAX_VALUE_LENGTH

CHECK = ["access", "check", "--agent", "paris-social", "--subject", "1", "--purpose", "social_support"]
TAIL = ["audit", "tail", "--agent", "paris-audit"]


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        ([*TAIL, "--agent", ""], "--agent"),
        ([*TAIL, "--agent", "  "], "--agent"),
        ([*CHECK, "--categories", "contact", "--database", ""], "--database"),
        ([*CHECK, "--categories", "contact", "--database="], "--database"),
        (["register", "check", ""], "DOSSIER"),
        (["init", "--data-dir", ""], "--data-dir"),
        (["demo", "seed", "--subjects", ""], "--subjects"),
    ],
)
def test_an_empty_value_is_refused_not_replaced_by_a_default(
    argv: list[str], where: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert f"valeur invalide pour {where}" in err and "valeur vide" in err
    assert tree(data_dir) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("agent\x00x", "caractère NUL interdit"),
        ("agent\udcff", "octets qui ne forment pas du texte UTF-8"),
        ("a" * (MAX_VALUE_LENGTH + 1), f"valeur trop longue ({MAX_VALUE_LENGTH + 1} caractères, au plus 4096)"),
    ],
    ids=["nul", "surrogate", "too-long"],
)
def test_nul_undecodable_and_overlong_values_are_refused(
    value: str, reason: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*TAIL, "--agent", value]) == 2
    err = capsys.readouterr().err
    assert f"valeur invalide pour --agent : {reason}" in err
    assert "\x00" not in err and "\udcff" not in err
    assert tree(data_dir) == []


def test_undecodable_bytes_from_the_shell_are_refused_by_the_installed_command(data_dir: Path) -> None:
    command = Path(sys.executable).with_name("vigie")
    done = subprocess.run(
        [os.fsencode(command), b"register", b"check", b"/tmp/\xff\xfe"], capture_output=True, timeout=60
    )
    assert done.returncode == 2
    assert "octets qui ne forment pas du texte UTF-8" in done.stderr.decode()


def test_demo_seed_refuses_more_than_a_million_people_before_creating_anything(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["demo", "seed", "--subjects", "1000001"]) == 2
    assert "au plus 1\u202f000\u202f000 pour une démonstration" in capsys.readouterr().err
    assert run(["demo", "seed", "--subjects", "100000", "--records-per-subject", "500"]) == 2
    assert "dépasseraient 20\u202f000\u202f000 enregistrements" in capsys.readouterr().err
    assert tree(data_dir) == []


def test_serve_in_demo_mode_refuses_an_oversized_population_before_creating_anything(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["serve", "--demo", "--subjects", "2000000", "--port", "1"]) == 2
    assert "pour une démonstration" in capsys.readouterr().err
    assert tree(data_dir) == []


def test_an_empty_setting_variable_is_refused_not_read_as_unset(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIGIE_DATABASE_URL", "")
    assert run(["init"]) == 2
    assert "variable d'environnement vide : VIGIE_DATABASE_URL" in capsys.readouterr().err
    assert tree(data_dir) == []
    assert run(["--help"]) == 0
