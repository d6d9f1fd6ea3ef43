"""`vigie audit witness --url`: a witness with no database and no key file, watching a real service over HTTP,
catches the service's database restored to an earlier signed state."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vigie.audit import AuditAction, AuditEvent, Journal, checkpoint
from vigie.cli.app import run
from vigie.environment import Environment
from vigie.store import migrate, open_database
from vigie.web import create_app
from vigie.web.server import bind, make_server, url_of


@pytest.fixture
def served(make_env: Callable[..., Environment], tmp_path: Path) -> Iterator[tuple[str, Environment]]:
    """The application over an SQLite file (restored by file copy below), served by uvicorn in a thread."""
    engine = open_database(f"sqlite:///{tmp_path / 'vigie.db'}")
    migrate(engine)
    env = make_env(engine)
    server = make_server(create_app(env), log_level="warning")
    sock = bind("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield url_of(sock), env
    server.should_exit = True
    thread.join(timeout=20)
    sock.close()
    engine.dispose()


def grow(env: Environment, count: int, tag: str = "a") -> None:
    at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    with Journal(env.engine, env.keyring) as journal:
        journal.append_many(
            AuditEvent(action=AuditAction.LOGIN, allowed=True, reason=f"connexion {tag}{i}", at=at)
            for i in range(count)
        )
    checkpoint(env.engine, env.keyring)


def said(text: str) -> str:
    """The output with the terminal's line wrapping undone."""
    return " ".join(text.split())


def copy_file(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_a_remote_witness_follows_the_service_and_catches_a_restored_database(
    served: tuple[str, Environment], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, env = served
    state = tmp_path / "ailleurs" / "témoin"
    witness = ["audit", "witness", "--url", url, "--dossier", str(state)]
    grow(env, 3)
    assert run(witness) == 0
    assert "premier point de contrôle retenu par le témoin : 3 entrées" in said(capsys.readouterr().out)
    copy_file(tmp_path / "vigie.db", tmp_path / "copie.db")
    grow(env, 5)
    assert run(witness) == 0
    assert "3 → 8 entrées, cohérence prouvée" in said(capsys.readouterr().out)

    copy_file(tmp_path / "copie.db", tmp_path / "vigie.db")  # the operator restores last night's copy
    assert run(witness) == 4
    assert "retour en arrière : le témoin a vu 8 entrées signées" in said(capsys.readouterr().err)
    grow(env, 6, tag="b")  # and the service goes on, past the size the witness saw
    assert run(witness) == 4
    assert "ne prolonge pas celui de 8 entrées que le témoin a vu" in said(capsys.readouterr().err)


def test_a_remote_witness_says_when_the_service_cannot_be_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sock = bind("127.0.0.1", 0)
    url = url_of(sock)
    sock.close()  # nothing listens there any more
    assert run(["audit", "witness", "--url", url, "--dossier", str(tmp_path / "t")]) != 0
    err = capsys.readouterr().err
    assert "service injoignable" in err and "Traceback" not in err
    assert run(["audit", "witness", "--url", "ftp://exemple", "--dossier", str(tmp_path / "t")]) == 2
    assert "URL http:// ou https:// attendue" in said(capsys.readouterr().err)
