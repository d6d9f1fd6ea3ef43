"""Factories for the command-line tests: a data directory, a seeded one, and the installed `vigie` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from vigie.cli.app import run
from vigie.store import open_database
from vigie.store.schema import subjects

VIGIE = Path(sys.executable).with_name("vigie")
Vigie = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory named by VIGIE_DATA_DIR (nothing created in it yet)."""
    directory = tmp_path / "donnees"
    for name in ("VIGIE_DATABASE_URL", "VIGIE_KEY_FILE", "VIGIE_DEMO", "VIGIE_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIGIE_DATA_DIR", str(directory))
    monkeypatch.setenv("COLUMNS", "200")
    return directory


@pytest.fixture
def seeded(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A data directory with keys, a database and a small demo population."""
    assert run(["demo", "seed", "--subjects", "200", "--json"]) == 0
    capsys.readouterr()
    return data_dir


@pytest.fixture
def paris_subject(seeded: Path) -> int:
    """A person attached to the Paris fund, whom the Paris social worker may see for social support."""
    engine = open_database(f"sqlite:///{seeded / 'vigie.db'}", create=False)
    with engine.connect() as connection:
        found = connection.scalar(
            select(subjects.c.id).where(subjects.c.organisation_code == "CPAM-75", subjects.c.kind == "insured")
        )
    engine.dispose()
    assert found is not None
    return int(found)


@pytest.fixture
def vigie() -> Vigie:
    """Runs the installed `vigie` command (its real entry point, exit code and streams)."""

    def call(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        full = {**os.environ, **(env or {})}
        return subprocess.run([str(VIGIE), *args], capture_output=True, text=True, env=full, timeout=120)

    return call
