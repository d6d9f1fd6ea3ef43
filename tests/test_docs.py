"""The documentation keeps up: every setting and every command is documented (as Datasette's test_docs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from vigie.cli import commands  # noqa: F401 - registers every command
from vigie.cli.app import app
from vigie.settings import SETTING_NAMES

DOCS = Path(__file__).resolve().parent.parent / "docs"


def command_paths(command: Any, prefix: str = "vigie") -> Iterator[str]:
    children = getattr(command, "commands", None)
    if not children:
        yield prefix
        return
    for name, child in children.items():
        yield from command_paths(child, f"{prefix} {name}")


ALL_COMMANDS = sorted(command_paths(typer.main.get_command(app)))


def test_every_command_is_found() -> None:
    assert "vigie register check" in ALL_COMMANDS


@pytest.mark.parametrize("path", ALL_COMMANDS)
def test_every_command_is_documented(path: str) -> None:
    assert f"`{path}" in (DOCS / "cli.md").read_text(encoding="utf-8"), f"{path} missing from docs/cli.md"


@pytest.mark.parametrize("field", sorted(SETTING_NAMES))
def test_every_setting_is_documented(field: str) -> None:
    variable = f"VIGIE_{field.upper()}"
    assert f"`{variable}`" in (DOCS / "configuration.md").read_text(encoding="utf-8")
