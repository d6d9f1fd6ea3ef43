"""The command line parses and journals like the API: bad input exits 2 with a French message and leaves a
journal entry that holds the value only as its length and keyed hash, whatever the value carries (empty, NUL,
lone surrogate, control character, thousands of characters): the gate's options skip `cli/hygiene.py`'s
usage check so that no call goes unjournaled."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from vigie.cli.app import run
from vigie.store import open_database
from vigie.store.schema import audit_entries


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    assert run(["demo", "seed", "--subjects", "50", "--json"]) == 0
    return tmp_path


def journal(data_dir: Path) -> list[tuple[str, bool, str | None, str]]:
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}")
    with engine.connect() as connection:
        rows = [(r.action, r.allowed, r.agent_id, r.reason) for r in connection.execute(select(audit_entries))]
    engine.dispose()
    return rows


CHECK = ["access", "check", "--agent", "paris-social", "--purpose", "social_support"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([*CHECK, "--subject", "1", "--categories", ",,,"], "aucune catégorie"),
        ([*CHECK, "--subject", "1", "--categories", " , "], "aucune catégorie"),
        ([*CHECK, "--subject", "٤١", "--categories", "contact"], "identifiant numérique attendu"),
        ([*CHECK, "--subject", "4_1", "--categories", "contact"], "identifiant numérique attendu"),
        ([*CHECK, "--subject", str(2**63), "--categories", "contact"], "hors limites"),
        ([*CHECK, "--subject", "1 85 05 78 006 084 36", "--categories", "contact"], "au plus 19 permis"),
        (["subject", "show", "--agent", "paris-social", "--purpose", "social_support", "--", "-1"], "numérique"),
        (["subject", "show", "1", "--agent", "paris-social", "--purpose", "x" * 4000], "au plus 64 permis"),
        (["subject", "show", "1", "--agent", "paris-social", "--purpose", "x" * 5000], "au plus 64 permis"),
        ([*CHECK[:-2], "--purpose", "  ", "--subject", "1", "--categories", "contact"], "nom attendu"),
        ([*CHECK, "--subject", "1", "--categories", ""], "aucune catégorie"),
        ([*CHECK, "--subject", "4\x001", "--categories", "contact"], "caractère nul"),
        ([*CHECK, "--subject", "41\udcff", "--categories", "contact"], "demi-paire"),
        ([*CHECK, "--subject", "1", "--categories", "contact\x1b[2J"], "caractère de contrôle"),
        (["subject", "find", "--nir", "1850578\x00", "--agent", "paris-social", "--purpose", "social_support"], "nul"),
    ],
)
def test_bad_input_exits_2_in_french_and_is_journaled_without_the_value(
    seeded: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    capsys.readouterr()
    assert run(arguments) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert len(captured.err) < 400  # long values quoted cut short
    (entry,) = journal(seeded)
    _, allowed, agent, reason = entry
    assert not allowed and agent == "paris-social" and reason.startswith("entrée invalide : ")
    assert "1 85 05" not in reason and "xxxxxxxx" not in reason and "empreinte" in reason


@pytest.mark.parametrize("agent", ["", "  ", "agent\x00x", "agent\udcff", "a" * 5000])
def test_a_malformed_agent_is_journaled_as_bad_input_not_a_usage_error(
    seeded: Path, capsys: pytest.CaptureFixture[str], agent: str
) -> None:
    capsys.readouterr()
    assert (
        run(
            [
                "access",
                "check",
                "--agent",
                agent,
                "--subject",
                "1",
                "--purpose",
                "social_support",
                "--categories",
                "contact",
            ]
        )
        == 2
    )
    assert "Traceback" not in capsys.readouterr().err
    (entry,) = journal(seeded)
    _, allowed, who, reason = entry
    assert not allowed and who is None and reason.startswith("entrée invalide : ") and "empreinte" in reason
    assert "\x00" not in reason and "aaaaaaaa" not in reason


def test_an_unknown_agent_typed_on_the_command_line_is_journaled_as_a_hash(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*CHECK[:2], "--agent", "185057800608436", *CHECK[4:], "--subject", "1", "--categories", "contact"]) == 1
    ((_, allowed, agent, reason),) = journal(seeded)
    assert not allowed and agent is None
    assert "agent inconnu (valeur de 15 caractères, empreinte" in reason and "185057800608436" not in reason


def test_a_nir_look_up_by_an_agent_who_may_not_use_it_looks_nobody_up(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["subject", "find", "--nir", "not a nir", "--agent", "paris-social", "--purpose", "fraud_control"])
    assert code != 0
    assert "besoin d'en connaître" in capsys.readouterr().err
    ((action, allowed, _, reason),) = journal(seeded)
    assert (action, allowed) == ("read", False) and "not a nir" not in reason
