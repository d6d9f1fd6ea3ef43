"""`vigie audit witness`: a whole database restored to an earlier signed state is caught (exit 4), on both engines.

Each scenario copies the live database (the SQLite backup API; a PostgreSQL template copy), appends, lets the
witness see the longer journal, restores the copy, and runs the witness again.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from vigie.audit import AuditAction, AuditEvent, Journal
from vigie.audit.notes import TreeHead, VerifierKey, open_note
from vigie.audit.witness import CHECKPOINT_FILE, KEY_FILE
from vigie.cli.app import run
from vigie.crypto import load_key_file
from vigie.store import migrate, open_database

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("VIGIE_DATABASE_URL", raising=False)
    monkeypatch.delenv("VIGIE_WITNESS_DIR", raising=False)
    assert run(["init"]) == 0  # the key file and the default database
    return tmp_path


class Backup:
    """A copy of the whole database, taken and put back as an operator restoring a backup would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.copy = f"vigie_copy_{uuid.uuid4().hex[:10]}"

    def _admin(self) -> psycopg.Connection[Any]:
        """A connection to the server's maintenance database, from which databases are copied and dropped."""
        url = make_url(self.url).set(drivername="postgresql", database="postgres")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def _sqlite_path(self) -> Path:
        return Path(make_url(self.url).database or "")

    def _copy_path(self) -> Path:
        return self._sqlite_path().with_suffix(".copie")

    def take(self) -> None:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self._sqlite_path()) as live, sqlite3.connect(self._copy_path()) as copy:
                live.backup(copy)
            return
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.copy}" TEMPLATE "{make_url(self.url).database}"')

    def restore(self) -> None:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self._copy_path()) as copy, sqlite3.connect(self._sqlite_path()) as live:
                copy.backup(live)
            return
        live = make_url(self.url).database
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE "{live}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{live}" TEMPLATE "{self.copy}"')

    def drop(self) -> None:
        if not self.url.startswith("sqlite"):
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.copy}" WITH (FORCE)')


@pytest.fixture
def backup(database_url: str) -> Iterator[Backup]:
    made = Backup(database_url)
    yield made
    made.drop()


def append(url: str, data_dir: Path, count: int, tag: str = "a") -> None:
    """Journal `count` events on the database at `url`, then let go of every connection."""
    engine = open_database(url)
    try:
        migrate(engine)
        with Journal(engine, load_key_file(data_dir / "master.key")) as journal:
            journal.append_many(
                AuditEvent(
                    action=AuditAction.LOGIN, allowed=True, reason=f"connexion {tag}{i}", at=AT, agent_id="dpo-1"
                )
                for i in range(count)
            )
    finally:
        engine.dispose()


def witness(
    capsys: pytest.CaptureFixture[str], url: str, directory: Path, *extra: str, code: int = 0
) -> dict[str, Any]:
    capsys.readouterr()
    assert run(["audit", "witness", "--dossier", str(directory), "--database", url, "--json", *extra]) == code
    return dict(json.loads(capsys.readouterr().out))


def test_witness_catches_the_whole_database_restored_to_an_earlier_signed_state(
    data_dir: Path, database_url: str, backup: Backup, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "témoin"
    append(database_url, data_dir, 3)
    first = witness(capsys, database_url, state)
    assert (first["tree_size"], first["previous_tree_size"], first["key_pinned_now"]) == (3, None, True)
    backup.take()
    append(database_url, data_dir, 4)
    second = witness(capsys, database_url, state)
    assert (second["tree_size"], second["previous_tree_size"], second["key_pinned_now"]) == (7, 3, False)
    assert "cohérence prouvée" in second["message"]
    kept = (state / CHECKPOINT_FILE).read_text(encoding="utf-8")

    backup.restore()
    refused = witness(capsys, database_url, state, code=4)
    assert (refused["error"]["code"], refused["error"]["kind"]) == (4, "tampered")
    expected = "retour en arrière : le témoin a vu 7 entrées signées, le journal n'en présente plus que 3"
    assert expected in refused["error"]["message"]
    assert (state / CHECKPOINT_FILE).read_text(encoding="utf-8") == kept  # the witness still remembers 7


@pytest.mark.parametrize(
    ("more", "message"),
    [
        (4, "le point de contrôle de 7 entrées n'a plus la racine que le témoin a vue"),
        (6, "le journal de 9 entrées ne prolonge pas celui de 7 entrées que le témoin a vu"),
    ],
)
def test_witness_catches_a_restored_database_extended_again_to_the_same_size_or_beyond(
    data_dir: Path,
    database_url: str,
    backup: Backup,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    more: int,
    message: str,
) -> None:
    state = tmp_path / "témoin"
    append(database_url, data_dir, 3)
    backup.take()
    append(database_url, data_dir, 4)
    witness(capsys, database_url, state)
    backup.restore()
    append(database_url, data_dir, more, tag="b")  # a different history since the copy
    capsys.readouterr()
    assert run(["audit", "witness", "--dossier", str(state), "--database", database_url]) == 4
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_witness_keeps_its_state_private_and_readable_by_any_c2sp_verifier(
    data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "témoin"
    append(f"sqlite:///{data_dir / 'vigie.db'}", data_dir, 2)
    capsys.readouterr()
    assert run(["audit", "witness", "--dossier", str(state)]) == 0
    assert "Témoin : premier point de contrôle retenu par le témoin : 2 entrées" in capsys.readouterr().out
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    for name in (KEY_FILE, CHECKPOINT_FILE):
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o600
    assert [p.name for p in state.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    key = VerifierKey.parse((state / KEY_FILE).read_text(encoding="utf-8"))
    head = TreeHead.parse(open_note((state / CHECKPOINT_FILE).read_text(encoding="utf-8"), key))
    assert (head.origin, head.size) == ("localhost/vigie-audit", 2)


def test_witness_refuses_a_checkpoint_signed_by_another_key(
    data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "témoin"
    assert run(["audit", "witness", "--dossier", str(state)]) == 0
    for name in ("vigie.db", "vigie.db-wal", "vigie.db-shm", "master.key"):
        (data_dir / name).unlink(missing_ok=True)
    assert run(["init"]) == 0  # a whole new installation, under the same origin
    capsys.readouterr()
    assert run(["audit", "witness", "--dossier", str(state)]) == 4
    assert "point de contrôle refusé par le témoin : aucune signature de la clé « localhost/vigie-audit »" in (
        capsys.readouterr().err
    )


def test_witness_pins_the_key_given_on_first_use_and_refuses_another_later(
    data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "témoin"
    assert run(["audit", "key"]) == 0
    published = capsys.readouterr().out.strip()
    assert run(["audit", "witness", "--dossier", str(state), "--cle", published]) == 0
    assert (state / KEY_FILE).read_text(encoding="utf-8").strip() == published
    other = VerifierKey("autre.example/journal", VerifierKey.parse(published).public_key).text()
    capsys.readouterr()
    assert run(["audit", "witness", "--dossier", str(state), "--cle", other]) == 3
    assert "la clé donnée n'est pas celle que le témoin a retenue" in capsys.readouterr().err


def test_witness_without_a_directory_says_which_setting_to_give(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["audit", "witness"]) == 3
    err = capsys.readouterr().err
    assert "dossier du témoin non indiqué : --dossier ou VIGIE_WITNESS_DIR" in err


def test_witness_directory_comes_from_the_setting(
    data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_WITNESS_DIR", str(tmp_path / "réglage"))
    assert run(["audit", "witness"]) == 0
    assert (tmp_path / "réglage" / CHECKPOINT_FILE).exists()


def test_witness_refuses_a_directory_others_may_write(
    data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "partagé"
    state.mkdir()
    state.chmod(0o777)
    assert run(["audit", "witness", "--dossier", str(state)]) == 3
    assert "dossier du témoin modifiable par d'autres utilisateurs" in capsys.readouterr().err
    assert list(state.iterdir()) == []
