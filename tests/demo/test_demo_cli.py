"""`vigie demo seed`: French output, JSON on request, refusals with exit code 2 and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vigie.cli.app import run
from vigie.store import open_database
from vigie.store.schema import subjects


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys and the default SQLite database go to a temporary data directory."""
    directory = tmp_path / "donnees"
    monkeypatch.setenv("VIGIE_DATA_DIR", str(directory))
    return directory


def _count(url: str) -> int:
    engine = open_database(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(subjects)) or 0
    engine.dispose()
    return int(count)


def test_seed_prints_a_french_summary_by_kind(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary gives people and records counts in French, then a table per kind."""
    assert run(["demo", "seed", "--subjects", "300", "--seed", "7"]) == 0
    output = " ".join(capsys.readouterr().out.split())  # rich wraps long lines at the console width
    assert "Population de démonstration créée : 300 personnes" in output
    assert "enregistrements chiffrés" in output
    assert "assurés et bénéficiaires" in output
    assert _count(f"sqlite:///{data_dir / 'vigie.db'}") == 300


def test_json_output_reports_counts_and_speed(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one JSON document (no progress bar mixed in) with subjects, records and seconds."""
    url = f"sqlite:///{data_dir / 'autre.db'}"
    assert run(["demo", "seed", "--subjects", "120", "--database", url, "--records-per-subject", "3", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["subjects"] == 120
    assert 200 < report["records"] < 600
    assert report["seconds"] > 0 and report["engine"] == "sqlite"
    assert sum(report["by_kind"].values()) == 120
    assert "Population" not in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--subjects", "0"], "nombre de personnes « 0 » invalide : il faut au moins une personne"),
        (["--subjects", "-3"], "nombre de personnes « -3 » invalide"),
        (["--subjects", "10", "--records-per-subject", "-2"], "nombre entre 0 et 1000"),
        (["--subjects", "10", "--seed", "-1"], "graine « -1 » invalide"),
    ],
)
def test_bad_sizes_exit_2_in_french_and_create_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Impossible requests are refused before any key file or database is created; no traceback."""
    assert run(["demo", "seed", *argv]) == 2
    error = " ".join(capsys.readouterr().err.split())
    assert message in error
    assert "Traceback" not in error
    assert not data_dir.exists()


def test_seeding_a_populated_database_exits_2_and_writes_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second seed into the same database says it already holds a population; the count is unchanged."""
    assert run(["demo", "seed", "--subjects", "40", "--json"]) == 0
    capsys.readouterr()
    assert run(["demo", "seed", "--subjects", "40"]) == 2
    error = " ".join(capsys.readouterr().err.split())
    assert "la base contient déjà une population (40 personnes) : rien n'a été écrit" in error
    assert _count(f"sqlite:///{data_dir / 'vigie.db'}") == 40
