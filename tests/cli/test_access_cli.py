"""`vigie access check` and `vigie subject show`: answers with reasons, exit codes, every call journaled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from vigie.cli.app import run
from vigie.store import open_database
from vigie.store.schema import audit_entries, subjects


@pytest.fixture
def paris_subject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    assert run(["demo", "seed", "--subjects", "300", "--json"]) == 0
    engine = open_database(f"sqlite:///{tmp_path / 'vigie.db'}")
    with engine.connect() as connection:
        found = connection.scalar(
            select(subjects.c.id).where(subjects.c.organisation_code == "CPAM-75", subjects.c.kind == "insured")
        )
    engine.dispose()
    assert found is not None
    return int(found)


def journal(tmp_path: Path) -> list[tuple[str, bool, str]]:
    engine = open_database(f"sqlite:///{tmp_path / 'vigie.db'}")
    with engine.connect() as connection:
        rows = [(r.action, r.allowed, r.agent_id) for r in connection.execute(select(audit_entries))]
    engine.dispose()
    return rows


def test_check_exits_0_when_allowed_and_1_when_refused(
    paris_subject: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    base = [
        "access",
        "check",
        "--agent",
        "paris-social",
        "--subject",
        str(paris_subject),
        "--purpose",
        "social_support",
        "--json",
    ]
    assert run([*base, "--categories", "contact,social_situation"]) == 0
    assert json.loads(capsys.readouterr().out)["allowed"] is True
    assert run([*base, "--categories", "fraud_case"]) == 1
    assert "minimisation" in json.loads(capsys.readouterr().out)["reason"]
    assert journal(tmp_path) == [("decide", True, "paris-social"), ("decide", False, "paris-social")]


def test_subject_show_decrypts_only_for_an_allowed_agent(
    paris_subject: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        run(
            ["subject", "show", str(paris_subject), "--agent", "paris-droits", "--purpose", "rights_benefits", "--json"]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["identity"]["nir"] and shown["organisation"] == "CPAM-75"
    assert (
        run(
            ["subject", "show", str(paris_subject), "--agent", "paris-sans-attestation", "--purpose", "rights_benefits"]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "secret professionnel" in err and "Traceback" not in err
    assert journal(tmp_path) == [("read", True, "paris-droits"), ("read", False, "paris-sans-attestation")]
