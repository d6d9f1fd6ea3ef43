"""`vigie retention`: plan, dry run, sweep, holds and events from the command line; bad input exits 2 in French
with nothing destroyed, a refusal exits 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vigie.cli.app import run
from vigie.store import open_database
from vigie.store.schema import records


def _count(data_dir: Path) -> int:
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}", create=False)
    with engine.connect() as connection:
        found = int(connection.scalar(select(func.count()).select_from(records)) or 0)
    engine.dispose()
    return found


def test_plan_dry_run_and_sweep_agree(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _count(seeded)
    assert run(["retention", "plan", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["due"] > 0 and all(line["rule"] for line in plan["lines"])
    assert run(["retention", "sweep", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["destroyed"] == plan["due"] and _count(seeded) == before
    assert run(["retention", "sweep", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["destroyed"] == plan["due"] and done["certificate"] is not None
    assert _count(seeded) == before - plan["due"]
    assert run(["retention", "plan"]) == 0
    assert "0 dossiers à détruire" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["retention", "sweep", "--at", "28/11/2026"], "date attendue au format AAAA-MM-JJ"),
        (["retention", "sweep", "--at", "2026-02-30"], "date inexistante"),
        (["retention", "sweep", "--at", "2999-01-01"], "au-delà d'aujourd'hui"),
        (["retention", "plan", "--at", "2026-11-28\x00"], "caractère NUL interdit"),
        (["retention", "hold", "place", "--agent", "paris-dpo", "--reason", "litigation", "--subject", "99999999"],
         "personne introuvable"),
        (["retention", "hold", "place", "--agent", "paris-dpo", "--reason", "caprice", "--subject", "1"],
         "motif inconnu"),
        (["retention", "hold", "place", "--agent", "paris-dpo", "--reason", "litigation", "--purpose", "astrologie"],
         "traitement inconnu"),
        (["retention", "event", "--agent", "paris-droits", "--subject", "1", "--purpose", "rights_benefits",
          "--event", "fin_du_monde", "--on", "2026-01-01"], "événement inconnu"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_in_french_and_nothing_is_destroyed(
    seeded: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = _count(seeded)
    assert run(args) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert _count(seeded) == before


def test_a_hold_by_an_agent_without_an_audit_role_exits_1(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["retention", "hold", "place", "--agent", "paris-droits", "--reason", "litigation", "--subject", "1"]
    assert run(args) == 1
    assert "rôle d'audit" in capsys.readouterr().err


def test_a_held_person_keeps_their_records_through_a_sweep(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["retention", "hold", "place", "--agent", "paris-dpo", "--reason", "appeal", "--purpose",
                "rights_benefits", "--json"]) == 0  # fmt: skip
    hold = json.loads(capsys.readouterr().out)
    assert run(["retention", "sweep", "--json"]) == 0
    assert "rights_benefits" not in json.loads(capsys.readouterr().out)["counts"]
    assert run(["retention", "hold", "list", "--agent", "paris-dpo", "--json"]) == 0
    assert [h["id"] for h in json.loads(capsys.readouterr().out)] == [hold["id"]]
    assert run(["retention", "hold", "release", "--agent", "paris-dpo", "--hold", str(hold["id"])]) == 0
    capsys.readouterr()
    assert run(["retention", "sweep", "--json"]) == 0
    assert "rights_benefits" in json.loads(capsys.readouterr().out)["counts"]
