"""`vigie serve --workers 2`: two processes answer on one port, and the journal they share stays one chain."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def vigie(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vigie", *args], env=env, capture_output=True, text=True, timeout=120)


def cpu_ticks(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def workers_of(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor `pid` started (multiprocessing's spawned children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            spawned = b"spawn_main" in (entry / "cmdline").read_bytes()
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid and spawned:
                found.append(int(entry.name))
    return found


def test_two_workers_serve_audited_reads_and_the_journal_verifies_after(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {"VIGIE_DATA_DIR": str(tmp_path)}
    port = free_port()
    command = [sys.executable, "-m", "vigie", "serve", "--demo", "--subjects", "400", "--workers", "2"]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        workers: list[int] = []
        while len(workers) < 2 or not _healthy(base):
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the workers did not start in time"
            time.sleep(0.3)
            workers = workers_of(server.pid)
        token = vigie("agent", "token", "paris-droits", env=env).stdout.strip().splitlines()[-1]
        with sqlite3.connect(tmp_path / "vigie.db") as db:
            query = "SELECT id FROM subjects WHERE organisation_code = 'CPAM-75' AND kind = 'insured'"
            ids = [row[0] for row in db.execute(query)]
        assert ids, "the demo population has nobody the agent may read"
        before = {pid: cpu_ticks(pid) for pid in workers}

        def read(i: int) -> int:
            answer = httpx.get(
                f"{base}/api/subjects/{ids[i % len(ids)]}",
                params={"purpose": "rights_benefits"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            return answer.status_code

        with ThreadPoolExecutor(12) as pool:
            statuses = list(pool.map(read, range(240)))
        used = {pid: cpu_ticks(pid) - before[pid] for pid in workers}
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
        log.close()
    assert statuses == [200] * 240
    assert len(used) == 2 and all(ticks > 0 for ticks in used.values()), f"one worker served nothing: {used}"
    verified = vigie("audit", "verify", "--agent", "paris-dpo", env=env)  # reading the journal takes an audit role
    assert verified.returncode == 0, verified.stdout + verified.stderr
    with sqlite3.connect(tmp_path / "vigie.db") as db:
        reads = db.execute("SELECT count(*) FROM audit_entries WHERE action = 'read' AND allowed").fetchone()[0]
    assert reads == 240


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
