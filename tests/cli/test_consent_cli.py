"""`vigie consent export`: the DPO's export of cookie-choice proofs, as JSON, CSV or a file written whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigie.bootstrap import prepare
from vigie.cli.app import run
from vigie.consent import ConsentService, ProofWriter, Screen, parse_choice
from vigie.settings import load_settings


@pytest.fixture
def proofs(seeded: Path) -> Path:
    """The seeded data directory, with three recorded choices."""
    env = prepare(load_settings())
    writer = ProofWriter(env.engine)
    service = ConsentService(env, writer)
    for action in ("tout_accepter", "tout_refuser", "tout_refuser"):
        service.record(None, parse_choice(service.policy, action), Screen.BANNER)
    writer.close()
    env.engine.dispose()
    return seeded


def test_the_dpo_exports_json_and_csv(proofs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["consent", "export", "--agent", "paris-dpo", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert run(["consent", "export", "--agent", "paris-dpo", "--csv"]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert run(["consent", "export", "--agent", "paris-dpo"]) == 0
    summary = capsys.readouterr().out

    assert [r["action"] for r in records] == ["tout_accepter", "tout_refuser", "tout_refuser"]
    assert set(records[0]) >= {"recorded_at", "visitor", "policy_version", "banner_hash", "granted", "refused"}
    assert len(lines) == 4 and lines[0].startswith("id,recorded_at,visitor")
    assert "3 preuves" in summary and "tout_refuser : 2" in summary


def test_an_export_to_a_file_is_written_whole(proofs: Path, tmp_path: Path) -> None:
    target = tmp_path / "preuves.csv"

    assert run(["consent", "export", "--agent", "paris-dpo", "--csv", "--sortie", str(target)]) == 0

    assert target.read_text(encoding="utf-8").count("\n") == 4
    assert not (tmp_path / "preuves.csv.partiel").exists()


def test_refusals_and_bad_input_have_their_exit_codes(proofs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["consent", "export", "--agent", "paris-social", "--json"]) == 1
    refused = capsys.readouterr()
    assert run(["consent", "export", "--agent", "paris-dpo", "--depuis", "2026-13-01"]) == 2
    bad_day = capsys.readouterr()
    assert run(["consent", "export", "--agent", "paris-dpo", "--json", "--csv"]) == 2

    assert "réservée aux agents d'un rôle d'audit" in refused.err + refused.out
    assert "AAAA-MM-JJ" in bad_day.err + bad_day.out
    assert "Traceback" not in refused.err + bad_day.err
