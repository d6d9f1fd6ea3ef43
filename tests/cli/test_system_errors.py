"""Operating-system errors get a French message naming the path, exit 3, never a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from vigie.cli.app import run
from vigie.cli.system import french_driver_message, french_os_error


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["init", "--data-dir", "/etc/passwd/vigie"], "un élément du chemin n'est pas un dossier : /etc/passwd/vigie"),
        (["init", "--data-dir", "/tmp/" + "n" * 300], "nom de fichier trop long : /tmp/nnnn"),
        (["register", "export", "--output", "/etc/passwd/registre.json"], "un élément du chemin n'est pas un dossier"),
        (["register", "export", "--output", "/tmp"], "c'est un dossier, un fichier est attendu : /tmp"),
    ],
    ids=["not-a-directory", "name-too-long", "output-under-a-file", "output-is-a-directory"],
)
def test_os_errors_are_french_with_exit_3(
    argv: list[str], message: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 3
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and "Errno" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root is never refused a permission")
def test_permission_denied_is_french_with_exit_3(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "ferme"
    locked.mkdir(mode=0o500)
    assert run(["init", "--data-dir", str(locked / "donnees")]) == 3
    assert f"permission refusée : {locked / 'donnees'}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("code", "french"),
    [
        (errno.EACCES, "permission refusée"),
        (errno.EROFS, "système de fichiers en lecture seule"),
        (errno.ENOSPC, "plus de place sur le disque"),
        (errno.ENAMETOOLONG, "nom de fichier trop long"),
    ],
)
def test_each_common_errno_has_its_french_wording(code: int, french: str) -> None:
    assert french_os_error(OSError(code, os.strerror(code), "/var/vigie/master.key")) == (
        f"{french} : /var/vigie/master.key"
    )


def test_an_unusual_errno_still_says_which_path_and_which_code() -> None:
    assert french_os_error(OSError(errno.EXDEV, "Invalid cross-device link", "/a", None, "/b")) == (
        f"erreur du système (errno {errno.EXDEV}) : /a → /b"
    )


def test_driver_messages_reaching_users_are_french() -> None:
    assert french_driver_message("base de données injoignable : unable to open database file") == (
        "base de données injoignable : impossible d'ouvrir le fichier de la base"
    )


def test_an_unreadable_sqlite_file_is_french_with_exit_3(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init"]) == 0
    (data_dir / "vigie.db").write_bytes(b"ceci n'est pas une base SQLite, mais un texte assez long" * 20)
    capsys.readouterr()
    assert run(["agent", "list"]) == 3
    err = " ".join(capsys.readouterr().err.split())
    assert "ce fichier n'est pas une base SQLite" in err and "Traceback" not in err
