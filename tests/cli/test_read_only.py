"""A command other than `init`, `demo seed` and `serve --demo` never creates a database, a key or a directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.cli.app import run
from vigie.crypto import create_key_file

COMMANDS = [
    ["audit", "verify", "--agent", "a"],
    ["audit", "tail", "--agent", "a"],
    ["audit", "prove", "1", "--agent", "a"],
    ["audit", "checkpoint"],
    ["audit", "key"],
    ["audit", "consistency", "0", "0"],
    ["access", "check", "--agent", "a", "--subject", "1", "--purpose", "p", "--categories", "contact"],
    ["subject", "show", "1", "--agent", "a", "--purpose", "p"],
    ["subject", "find", "--nir", "1 84 12 76 451 089 46", "--agent", "a", "--purpose", "p"],
    ["agent", "list"],
    ["agent", "token", "a"],
    ["agent", "tokens", "a"],
    ["agent", "revoke", "a", "--all"],
]


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_missing_database_is_reported_and_not_created(
    argv: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    create_key_file(data_dir / "master.key")
    before = tree(data_dir)
    assert run(argv) == 3
    err = capsys.readouterr().err
    assert "base de données introuvable" in err and "vigie init" in err
    assert tree(data_dir) == before


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_missing_data_directory_is_reported_and_not_created(
    argv: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 3
    assert "fichier de clés absent" in capsys.readouterr().err
    assert not data_dir.exists()


def test_an_explicit_database_in_a_missing_directory_creates_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    create_key_file(data_dir / "master.key")
    target = tmp_path / "ailleurs" / "sous-dossier" / "vigie.db"
    assert run(["audit", "verify", "--agent", "a", "--json", "--database", f"sqlite:///{target}"]) == 3
    assert "base de données introuvable" in capsys.readouterr().out
    assert not (tmp_path / "ailleurs").exists()


def test_init_creates_the_key_and_the_database_that_the_read_commands_then_use(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init"]) == 0
    assert (data_dir / "master.key").is_file() and (data_dir / "vigie.db").is_file()
    assert run(["audit", "key"]) == 0
    assert run(["audit", "verify", "--agent", "personne"]) == 1  # read, and refused: no such agent yet
    assert run(["agent", "list", "--json"]) == 0
