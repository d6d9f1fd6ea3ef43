"""The installed `vigie` command exits 0 done, 1 refused, 2 bad input, 3 unavailable, 4 journal tampered."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from vigie import errors
from vigie.cli.app import EXIT_CODES, ExitCode, exit_code_for
from vigie.errors import (
    AccessRefused,
    ConfigurationError,
    DecryptionError,
    InvalidIdentifier,
    InvalidInput,
    JournalError,
    NotFound,
    PopulationExists,
    RegisterError,
    StorageError,
    TamperedJournal,
)

Vigie = Callable[..., subprocess.CompletedProcess[str]]


def check(subject: int, categories: str) -> list[str]:
    return [
        "access",
        "check",
        "--agent",
        "paris-social",
        "--subject",
        str(subject),
        "--purpose",
        "social_support",
        "--categories",
        categories,
    ]


def test_each_outcome_has_its_exit_code_through_the_installed_command(
    seeded: Path, paris_subject: int, vigie: Vigie
) -> None:
    subject = paris_subject
    assert vigie(*check(subject, "contact")).returncode == 0
    refused = vigie(*check(subject, "fraud_case"))
    assert refused.returncode == 1 and "REFUSÉ" in refused.stdout
    assert vigie(*check(subject, "contact"), "--purpose", "").returncode == 2
    assert vigie("access", "check", "--agent", "paris-social").returncode == 2  # missing options
    missing = vigie(*check(subject, "contact"), "--database", f"sqlite:///{seeded / 'absente.db'}")
    assert missing.returncode == 3 and "base de données introuvable" in missing.stderr
    assert vigie("audit", "verify", "--agent", "paris-dpo").returncode == 0
    with sqlite3.connect(seeded / "vigie.db") as connection:
        connection.execute("UPDATE audit_entries SET reason = 'effacé' WHERE seq = 1")
    tampered = vigie("audit", "verify", "--agent", "paris-dpo")
    assert tampered.returncode == 4 and "altéré" in tampered.stdout
    assert vigie("audit", "checkpoint").returncode == 4
    for result in (refused, missing, tampered):
        assert "Traceback" not in result.stdout + result.stderr


def test_a_command_without_its_sub_command_is_bad_input_and_shows_the_help(vigie: Vigie) -> None:
    shown = vigie("audit")
    assert shown.returncode == 2
    assert "Commandes :" in shown.stderr


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (AccessRefused("non", 3), ExitCode.REFUSED),
        (InvalidInput("champ", "x", "invalide"), ExitCode.BAD_INPUT),
        (InvalidIdentifier("NIR", "1", "trop court"), ExitCode.BAD_INPUT),
        (NotFound("personne", "9"), ExitCode.BAD_INPUT),
        (RegisterError([]), ExitCode.BAD_INPUT),
        (PopulationExists(12), ExitCode.BAD_INPUT),
        (StorageError("injoignable"), ExitCode.UNAVAILABLE),
        (DecryptionError("clé erronée"), ExitCode.UNAVAILABLE),
        (ConfigurationError("clés absentes"), ExitCode.UNAVAILABLE),
        (PermissionError(13, "Permission denied", "/x"), ExitCode.UNAVAILABLE),
        (RuntimeError("bogue"), ExitCode.INTERNAL),
    ],
)
def test_the_error_tree_maps_to_exit_codes(error: BaseException, code: ExitCode) -> None:
    assert exit_code_for(error) == code


def test_a_tampered_journal_error_maps_to_4() -> None:
    assert exit_code_for(TamperedJournal("entrée 2 modifiée")) == ExitCode.TAMPERED
    assert exit_code_for(JournalError("journal fermé")) == ExitCode.UNAVAILABLE


def test_every_class_of_the_error_tree_has_its_exit_code() -> None:
    defined = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.VigieError) and value.__module__ == errors.__name__
    }
    assert defined <= set(EXIT_CODES), defined - set(EXIT_CODES)


def test_exit_codes_are_documented_in_the_help_and_the_docs(vigie: Vigie) -> None:
    shown = vigie("--help").stdout
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    for code in (0, 1, 2, 3, 4):
        assert f"\n  {code}  " in shown
        assert f"| {code} |" in docs


def test_json_mode_reports_the_same_exit_code(paris_subject: int, vigie: Vigie) -> None:
    refused = vigie(*check(paris_subject, "fraud_case"), "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["allowed"] is False
