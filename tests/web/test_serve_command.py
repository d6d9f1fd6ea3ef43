"""`vigie serve`: the same start-up checks as every entry point, the URL in French, demo seeding once."""

from __future__ import annotations

import socket
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from vigie.cli import serve_cmd
from vigie.cli.app import run
from vigie.environment import Environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Environment]:
    """Run `vigie serve` against tmp_path, recording what would be served instead of serving it."""
    for name in ("VIGIE_DEMO", "VIGIE_KEY_FILE", "VIGIE_DATABASE_URL", "VIGIE_REGISTER_DIR", "VIGIE_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    calls: list[Environment] = []

    def record(env: Environment, sock: socket.socket) -> None:
        assert sock.getsockname()[1] > 0
        calls.append(env)

    monkeypatch.setattr(serve_cmd, "run_server", record)
    return calls


def said(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    return " ".join(captured.out.split()), " ".join(captured.err.split())


def test_serve_refuses_to_start_without_a_key_file_outside_demo_mode(
    served: list[Environment], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["serve", "--no-demo", "--port", str(free_port())])

    out, err = said(capsys)
    assert code == 3
    assert "Erreur : fichier de clés absent" in err
    assert "vigie init" in err
    assert "Traceback" not in out + err
    assert served == []
    assert not (tmp_path / "master.key").exists()


def test_serve_with_a_key_file_prints_its_french_url_then_serves(
    served: list[Environment], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init"]) == 0  # key file and database: serve outside demo mode creates neither
    port = free_port()

    code = run(["serve", "--no-demo", "--host", "127.0.0.1", "--port", str(port)])

    out, _ = said(capsys)
    assert code == 0
    assert f"Service prêt : http://127.0.0.1:{port}/" in out
    assert len(served) == 1
    assert served[0].settings.port == port


def test_serve_refuses_a_port_already_in_use_in_french(
    served: list[Environment], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init"]) == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code = run(["serve", "--port", str(taken.getsockname()[1])])

    _, err = said(capsys)
    assert code == 3
    assert "impossible d'écouter sur 127.0.0.1" in err
    assert "port déjà utilisé" in err
    assert served == []


def test_demo_mode_creates_keys_and_seeds_an_empty_database_only_once(
    served: list[Environment], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded: list[tuple[int, dict[str, Any]]] = []
    fake = types.ModuleType("vigie.demo.seed")
    fake.has_population = lambda engine: bool(seeded)  # type: ignore[attr-defined]

    def seed_demo(env: Environment, subjects: int, **options: Any) -> types.SimpleNamespace:
        seeded.append((subjects, options))
        return types.SimpleNamespace(subjects=subjects, records=10 * subjects, seconds=1.5)

    fake.seed_demo = seed_demo  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vigie.demo.seed", fake)

    first = run(["serve", "--demo", "--subjects", "25", "--port", str(free_port())])
    second = run(["serve", "--demo", "--subjects", "25", "--port", str(free_port())])

    out, _ = said(capsys)
    assert (first, second) == (0, 0)
    assert "Population créée : 25 personnes, 250 enregistrements en 1,5 s." in out
    assert "Population de démonstration déjà présente" in out
    assert (tmp_path / "master.key").exists()
    assert seeded == [(25, {"seed": 0})]
    assert len(served) == 2
