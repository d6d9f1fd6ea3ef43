"""`vigie --version` and shell completion, through the installed command."""

from __future__ import annotations

import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

import vigie as package

Vigie = Callable[..., subprocess.CompletedProcess[str]]
ROOT = Path(__file__).resolve().parents[2]


def test_version_is_the_packages(vigie: Vigie) -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    shown = vigie("--version")
    assert shown.returncode == 0
    assert shown.stdout == f"vigie {declared}\n" == f"vigie {package.__version__}\n"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_prints_a_script_that_calls_vigie_back(shell: str, vigie: Vigie) -> None:
    shown = vigie("completion", shell)
    assert shown.returncode == 0
    assert "_VIGIE_COMPLETE" in shown.stdout and "vigie" in shown.stdout


def test_an_unknown_shell_is_refused_in_french(vigie: Vigie) -> None:
    shown = vigie("completion", "tcsh")
    assert shown.returncode == 2
    assert "« tcsh » n'est pas une valeur admise" in shown.stderr


def complete(vigie: Vigie, line: str) -> list[str]:
    words = line.split(" ")
    done = vigie(env={"_VIGIE_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)})
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completion_completes_commands_sub_commands_and_options(vigie: Vigie) -> None:
    assert complete(vigie, "vigie au") == ["audit"]
    assert set(complete(vigie, "vigie audit ")) == {
        "verify",
        "tail",
        "prove",
        "checkpoint",
        "key",
        "consistency",
        "witness",
    }
    assert "--categories" in complete(vigie, "vigie access check --c")
    assert set(complete(vigie, "vigie register export --format ")) == {"json", "csv", "markdown"}


def test_bash_completion_lists_every_root_command(vigie: Vigie) -> None:
    from vigie.cli.lazy import COMMANDS

    assert complete(vigie, "vigie ") == list(COMMANDS)
