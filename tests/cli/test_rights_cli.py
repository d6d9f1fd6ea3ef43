"""`vigie rights …` end to end on a seeded demo database: JSON everywhere, exit codes, nothing half-written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from vigie import vault
from vigie.bootstrap import prepare
from vigie.cli.app import run
from vigie.durations import Duration
from vigie.settings import load_settings
from vigie.store import connect
from vigie.store.schema import audit_entries, rights_requests, subjects


@pytest.fixture
def person(seeded: Path) -> tuple[int, str, str]:
    env = prepare(load_settings())
    with connect(env.engine) as connection:
        sid = connection.scalar(
            select(subjects.c.id).where(subjects.c.organisation_code == "CPAM-75", subjects.c.kind == "insured")
        )
        identity = vault.read_identity(connection, env.keyring, sid)
    env.engine.dispose()
    return int(sid), identity["nir"], identity["nom"]


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = run([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _count(table: object) -> int:
    env = prepare(load_settings())
    with connect(env.engine) as connection:
        found = int(connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]
    env.engine.dispose()
    return found


def test_the_whole_workflow_from_the_command_line(
    person: tuple[int, str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sid, nir, nom = person
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # the command runs on the system clock
    received = today - timedelta(days=27)
    code, made = _json(
        capsys, "rights", "submit", "--agent", "paris-dpo", "--nir", nir, "--kind", "access", "--nom", nom,
        "--received", received.isoformat(), "--text", "Je demande mes données",
    )  # fmt: skip
    due = Duration(months=1).after(received)
    assert code == 0 and made["status"] == "open" and made["due_on"] == due.isoformat() and made["subject"] == sid
    assert made["overdue"] is False and made["due_soon"] is True  # at most four days left
    code, listed = _json(capsys, "rights", "list", "--agent", "paris-dpo")
    assert code == 0 and [r["id"] for r in listed["requests"]] == [made["id"]]  # type: ignore[index]
    code, shown = _json(capsys, "rights", "show", str(made["id"]), "--agent", "paris-dpo")
    assert code == 0 and shown["text"] == "Je demande mes données"
    code, extended = _json(
        capsys, "rights", "extend", "1", "--agent", "paris-dpo", "--months", "1", "--reason", "complexity",
        "--told-on", (received + timedelta(days=5)).isoformat(),
    )  # fmt: skip
    assert code == 0 and extended["deadline"] == Duration(months=2).after(received).isoformat()
    code, decided = _json(capsys, "rights", "decide", "1", "--agent", "paris-dpo")
    assert code == 0 and decided["outcome"] == "granted"
    letter = tmp_path / "reponse.pdf"
    code, answered = _json(capsys, "rights", "answer", "1", "--agent", "paris-dpo", "--pdf", str(letter))
    assert code == 0 and answered["request"]["status"] == "answered"  # type: ignore[index]
    assert answered["content"]["person"]["identity"]["nom"] == nom  # type: ignore[index]
    assert letter.read_bytes().startswith(b"%PDF-")
    code, counted = _json(capsys, "rights", "stats", "--agent", "paris-dpo")
    assert code == 0 and counted["answered"] == 1 and counted["by_kind"] == {"access": 1}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kind", "acces"], "valeurs admises"),
        (["--received", "2026-02-30"], "date impossible"),
        (["--processings", "nulle_part"], "traitement inconnu"),
        (["--nir", "12345"], "NIR"),
        (["--nom", "Mar\x00tin"], "caractère nul"),
        (["--text", "x" * 2001], "au plus 2000"),
        (["--channel", "pigeon"], "valeurs admises"),
    ],
)
def test_bad_input_is_exit_2_in_french_journaled_and_nothing_is_written(
    person: tuple[int, str, str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    _, nir, nom = person
    base = {"--nir": nir, "--kind": "access", "--nom": nom}
    base.update(dict(zip(argv[0::2], argv[1::2], strict=True)))
    entries = _count(audit_entries)
    args = [x for pair in base.items() for x in pair]
    code, answer = _json(capsys, "rights", "submit", "--agent", "paris-dpo", *args)
    assert code == 2 and answer["error"]["kind"] == "bad_input"  # type: ignore[index]
    assert message in answer["error"]["message"]  # type: ignore[index]
    assert _count(rights_requests) == 0
    assert _count(audit_entries) == entries + 1  # the refusal is journaled


def test_a_decision_on_a_closed_request_is_exit_2_and_another_organisations_dpo_is_refused(
    person: tuple[int, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, nir, nom = person
    _json(capsys, "rights", "submit", "--agent", "paris-dpo", "--nir", nir, "--kind", "objection", "--nom", nom)
    assert _json(capsys, "rights", "decide", "1", "--agent", "paris-dpo")[0] == 0
    code, again = _json(capsys, "rights", "decide", "1", "--agent", "paris-dpo")
    assert code == 2 and "déjà été décidée" in again["error"]["message"]  # type: ignore[index]
    code, other = _json(capsys, "rights", "decide", "1", "--agent", "paris-droits")
    assert code == 1 and other["error"]["kind"] == "refused"  # type: ignore[index]
    code, missing = _json(capsys, "rights", "show", "99", "--agent", "paris-dpo")
    assert code == 2 and "demande inconnue" in missing["error"]["message"]  # type: ignore[index]


def test_lifting_a_limitation_from_the_command_line_and_bad_input_changing_nothing(
    person: tuple[int, str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sid, nir, nom = person
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # the command runs on the system clock
    _json(capsys, "rights", "submit", "--agent", "paris-dpo", "--nir", nir, "--kind", "limitation", "--nom", nom)
    assert _json(capsys, "rights", "decide", "1", "--agent", "paris-dpo")[0] == 0
    entries = _count(audit_entries)
    code, early = _json(
        capsys, "rights", "lift", "1", "--agent", "paris-dpo", "--told-on", (today + timedelta(days=1)).isoformat(),
        "--reason", "vérification terminée",
    )  # fmt: skip
    assert code == 2 and "date à venir" in early["error"]["message"]  # type: ignore[index]
    code, blank = _json(capsys, "rights", "lift", "1", "--agent", "paris-dpo", "--told-on", today.isoformat(),
                        "--reason", "  ")  # fmt: skip
    assert code == 2 and "motif attendu" in blank["error"]["message"]  # type: ignore[index]
    code, other = _json(capsys, "rights", "lift", "1", "--agent", "lyon-dpo", "--told-on", today.isoformat(),
                        "--reason", "vérification terminée")  # fmt: skip
    assert code != 0 and other["error"]["kind"] in ("refused", "bad_input")  # type: ignore[index]
    assert _count(audit_entries) > entries  # each refusal journaled
    env = prepare(load_settings())
    with connect(env.engine) as connection:
        assert connection.scalar(select(subjects.c.restricted).where(subjects.c.id == sid))  # still limited
    env.engine.dispose()
    letter = tmp_path / "levee.pdf"
    code, lifted = _json(
        capsys, "rights", "lift", "1", "--agent", "paris-dpo", "--told-on", today.isoformat(),
        "--reason", "vérification terminée", "--pdf", str(letter),
    )  # fmt: skip
    assert code == 0 and lifted["lifted_on"] == today.isoformat() and lifted["lift_told_on"] == today.isoformat()
    assert "avant qu'elle ne soit levée" in lifted["letter_html"]  # type: ignore[operator]
    assert letter.read_bytes().startswith(b"%PDF-")
    env = prepare(load_settings())
    with connect(env.engine) as connection:
        assert not connection.scalar(select(subjects.c.restricted).where(subjects.c.id == sid))
    env.engine.dispose()
    code, again = _json(capsys, "rights", "lift", "1", "--agent", "paris-dpo", "--told-on", today.isoformat(),
                        "--reason", "vérification terminée")  # fmt: skip
    assert code == 2 and "déjà levée" in again["error"]["message"]  # type: ignore[index]
