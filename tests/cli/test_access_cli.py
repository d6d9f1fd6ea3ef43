"""`vigie access check` and `vigie subject show`: answers with reasons, exit codes, every call journaled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from stdnum.fr import nir as stdnum_nir

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
        == 1  # refused
    )
    err = capsys.readouterr().err
    assert "secret professionnel" in err and "Traceback" not in err
    assert journal(tmp_path) == [("read", True, "paris-droits"), ("read", False, "paris-sans-attestation")]


def test_subject_find_says_what_is_wrong_with_a_bad_nir(
    paris_subject: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    command = ["subject", "find", "--agent", "paris-droits", "--purpose", "rights_benefits", "--nir"]
    assert run([*command, "1 85 05"]) == 2
    err = capsys.readouterr().err
    assert "NIR « 1 85 05 » invalide : longueur incorrecte : un NIR compte 15 caractères, ou 13 sans la clé" in err
    assert "Traceback" not in err
    body = "1850578006084"
    wrong_key = body + f"{int(stdnum_nir.calc_check_digits(body)) % 97 + 1:02d}"
    assert run([*command, wrong_key]) == 2
    assert "clé de contrôle incorrecte" in capsys.readouterr().err
    impossible_month = "1851378006084" + stdnum_nir.calc_check_digits("1851378006084")  # right key, month 13
    assert run([*command, impossible_month]) == 2
    assert "mois de naissance impossible (4e et 5e caractères)" in capsys.readouterr().err
    waiting_number = "7850599352084" + stdnum_nir.calc_check_digits("7850599352084")
    assert run([*command, waiting_number]) == 2
    assert "numéro d'attente ou provisoire (NIA, NNP) : ce n'est pas un NIR" in capsys.readouterr().err


def test_subject_find_by_nir_round_trips_with_show(
    paris_subject: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        run(
            [
                "subject",
                "show",
                str(paris_subject),
                "--agent",
                "paris-droits",
                "--purpose",
                "rights_benefits",
                "--categories",
                "nir",
                "--json",
            ]
        )
        == 0
    )
    nir = json.loads(capsys.readouterr().out)["identity"]["nir"]
    assert (
        run(["subject", "find", "--nir", nir, "--agent", "paris-droits", "--purpose", "rights_benefits", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out) == {"subject": paris_subject}
