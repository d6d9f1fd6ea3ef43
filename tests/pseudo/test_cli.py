"""`vigie pseudo …` from the command line: exit codes, JSON, French errors, and nothing written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from vigie.cli.app import run

SPEC = """\
processing: prevention_campaigns
subjects: insured
categories: [health.care]
fields:
  - {name: personne, source: pseudonym}
  - {name: age, source: age, generalise: {age_band: 50}}
  - {name: sexe, source: sex}
  - {name: region, source: department, generalise: region}
  - {name: trimestre, source: recorded_on, generalise: quarter}
quasi_identifiers: [age, sexe, region]
k: 3
max_suppression: 0.5
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo population and both key files, made once for the module."""
    directory = tmp_path_factory.mktemp("pseudo-cli") / "donnees"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIE_DATA_DIR", str(directory))
        assert run(["demo", "seed", "--subjects", "1500", "--json"]) == 0
        for role in ("source", "central"):
            assert run(["pseudo", "keys", "create", "--role", role, "--period", "2026-2027", "--json"]) == 0
    return directory


@pytest.fixture
def workdir(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    for name in ("VIGIE_DATABASE_URL", "VIGIE_KEY_FILE", "VIGIE_DEMO", "VIGIE_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIGIE_DATA_DIR", str(seeded))
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def test_extract_writes_parquet_csv_and_report(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["pseudo", "extract", str(workdir / "spec.yaml"), "--agent", "paris-prevention",
                "--out", str(workdir / "sortie"), "--json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["journal_entries"] == report["people_read"] + report["people_refused"] > 0
    data = pl.read_parquet(workdir / "sortie" / "extraction.parquet")
    assert data.height == report["rows"] > 0
    assert data.columns == ["personne", "age", "sexe", "region", "trimestre"]
    assert sorted(p.name for p in (workdir / "sortie").iterdir()) == [
        "extraction.csv",
        "extraction.parquet",
        "rapport.json",
    ]
    # the file passes its own check, and fails a stricter one (exit 1)
    assert (
        run(["pseudo", "check", str(workdir / "sortie" / "extraction.csv"), "--qi", "age,sexe,region", "--k", "3"]) == 0
    )
    capsys.readouterr()
    parquet = str(workdir / "sortie" / "extraction.parquet")
    strict = run(["pseudo", "check", parquet, "--qi", "age,sexe,region,trimestre", "--k", "1000", "--json"])
    body = json.loads(capsys.readouterr().out)
    assert strict == 1
    assert body["conforme"] is False and body["mesures"][0]["classes_en_defaut"] > 0


def test_missing_key_file_is_configuration_exit_3_and_nothing_written(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["pseudo", "extract", str(workdir / "spec.yaml"), "--agent", "paris-prevention",
                "--out", str(workdir / "sortie"), "--central-key", str(workdir / "absente.key")])  # fmt: skip
    assert code == 3
    assert "clé centrale (second passage) absente" in capsys.readouterr().err
    assert sorted(p.name for p in workdir.iterdir()) == ["spec.yaml"]


def test_bad_spec_lists_problems_with_lines_exit_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "spec.yaml").write_text(SPEC.replace("source: sex}", "source: nir}"), encoding="utf-8")
    code = run(["pseudo", "extract", str(workdir / "spec.yaml"), "--agent", "paris-prevention",
                "--out", str(workdir / "sortie"), "--json"])  # fmt: skip
    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 2
    assert error["kind"] == "bad_input"
    assert error["problems"][0]["line"] == 7
    assert "identifiant direct" in error["problems"][0]["message"]
    assert not (workdir / "sortie").exists()


def test_check_names_an_absent_quasi_identifier_exit_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workdir / "t.csv"
    path.write_text("age,sexe\n30,1\n30,1\n", encoding="utf-8")
    assert run(["pseudo", "check", str(path), "--qi", "age,commune"]) == 2
    assert "« commune »" in capsys.readouterr().err
    assert run(["pseudo", "check", str(path), "--qi", "age,sexe", "--k", "2"]) == 0


def test_crisis_steering_table_is_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["pseudo", "crisis", "--agent", "cnam-crise", "--weeks", "4", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert len(body["semaines"]) == 4 and body["seuil"] == 11
    assert run(["pseudo", "crisis", "--agent", "paris-droits", "--json"]) == 1


def test_key_file_is_never_replaced(workdir: Path, seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (seeded / "pseudo" / "source.key").read_bytes()
    assert run(["pseudo", "keys", "create", "--role", "source", "--period", "2028-2029"]) == 3
    assert "existe déjà" in capsys.readouterr().err
    assert (seeded / "pseudo" / "source.key").read_bytes() == before
