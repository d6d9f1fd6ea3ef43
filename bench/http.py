"""Audited reads over HTTP, beside the floor: the same indexed SELECTs served bare, without decryption or journal.

The service is started as `scripts/serve.sh` starts it (`vigie serve --demo`: SQLite, 10,000 demo people) in
a temporary data directory, on a free port of 127.0.0.1. An agent of the CPAM de Paris (`paris-droits`, tokens
from `vigie agent token`) reads, for the processing `rights_benefits`, every category it is granted on the
insured people of its organisation: `GET /api/subjects/{id}?purpose=rights_benefits`. The load comes from `wrk`
(installed from the distribution's packages when missing) with a Lua script that rotates the subject ids and the
Authorization header, at 20 then 50 concurrent connections.

The floor (`--floor-serve`, started by the bench) is a bare FastAPI endpoint over the same database, served the
same way (same uvicorn settings, same number of processes): the same token, agent, subject-state and vault
SELECTs, returning the ciphertexts' sizes instead of decrypting, deciding nothing and journaling nothing.

Server CPU per read comes from /proc (user + system time of the server process and all its descendants), and so
does the time its threads spent runnable but waiting for a core (schedstat's run delay). On a machine shared
with other work, throughput follows the cores the scheduler grants, and a server with many runnable threads
(the floor's thread pool) is granted more than one event loop; CPU per read does not depend on that, so the
RESULT line also gives `cpu_vs_floor`, the floor's CPU per read over ours: the throughput ratio once both are
CPU-bound on cores of their own.
After the run, `vigie audit verify` checks that the journal is still one unforked chain, and the journal must
hold at least one `read` entry per answered request.

    .venv/bin/python bench/http.py                 # 3 rounds of 10 s per case (about 3 minutes)
    .venv/bin/python bench/http.py --quick         # one round of 3 s
    .venv/bin/python bench/http.py --workers 2     # two service processes (and two floor processes)

Run on demand; not part of the test suite. The last line is `RESULT http ...` (20 clients, medians).
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's `http` package: take its folder off the import path first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this bench ever loads
AGENT = "paris-droits"
ORGANISATION = "CPAM-75"
PURPOSE = "rights_benefits"
TOKENS = 4
WARMUP_S = 2
START_TIMEOUT_S = 240
GOAL_READS_PER_S = 600.0
GOAL_P95_MS = 50.0
GOAL_VS_FLOOR = 0.5

# --- the floor --------------------------------------------------------------------------------------------


def floor_app(database_url: str) -> Any:
    """The bare endpoint: vigie's own prepared SELECTs (token and agent, subject state, sealed identity and
    records), nothing decrypted, nothing decided, nothing journaled."""
    from datetime import date

    from fastapi import FastAPI, Header, HTTPException
    from sqlalchemy import bindparam, select

    from vigie import vault
    from vigie.agents import agent_for_token
    from vigie.errors import NotFound
    from vigie.register import Policy, load_register
    from vigie.store import connect, open_database
    from vigie.store.prepared import Prepared, PreparedFamily
    from vigie.store.schema import records, subjects

    engine = open_database(database_url)
    policy = Policy.compile(load_register())
    sealed = Prepared(select(subjects.c.wrapped_key, subjects.c.identity).where(subjects.c.id == bindparam("sid")))
    in_categories = PreparedFamily(
        lambda count: (
            select(records.c.id, records.c.category, records.c.recorded_on, records.c.payload)
            .where(
                records.c.subject_id == bindparam("sid"),
                records.c.processing_id == bindparam("purpose"),
                records.c.category.in_([bindparam(f"category_{i}") for i in range(count)]),
            )
            .order_by(records.c.recorded_on, records.c.id)
        )
    )
    app = FastAPI()

    @app.get("/api/subjects/{subject_id}")
    def read(subject_id: int, purpose: str, authorization: str = Header()) -> dict[str, Any]:
        today = date.today()
        with connect(engine) as connection:
            agent = agent_for_token(connection, authorization.removeprefix("Bearer "), today)
            if agent is None:
                raise HTTPException(401)
            try:
                state = vault.subject_state(connection, subject_id, today)
            except NotFound as error:
                raise HTTPException(404) from error
            _, identity = sealed.first(connection, {"sid": subject_id}) or (None, None)
            granted = tuple(sorted(c.value for c in policy.categories_for(agent.roles, purpose, state.kind)))
            params = {"sid": subject_id, "purpose": purpose} | {f"category_{i}": c for i, c in enumerate(granted)}
            found = in_categories.sized(len(granted)).rows(connection, params) if granted else []
        return {
            "subject_id": subject_id,
            "kind": state.kind.value,
            "organisation": state.organisation,
            "identity_bytes": len(identity or b""),
            "records": [
                {"id": i, "category": c, "recorded_on": on.isoformat(), "payload_bytes": len(p)}
                for i, c, on, p in found
            ],
        }

    return app


def floor_serve(database_url: str, port: int, workers: int) -> None:
    """Serve the floor like `vigie serve` serves the service: same bind, same uvicorn settings, same workers."""
    from functools import partial

    from vigie.web.server import bind, serve_forever

    sock = bind(HOST, port)
    print("floor ready", flush=True)
    serve_forever(partial(floor_app, database_url), sock, workers=workers, log_level="warning")


# --- processes and measures -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def ensure_wrk() -> str:
    """wrk from the distribution's packages, installed on first use (root only)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("wrk est introuvable : installez le paquet Debian « wrk » (apt-get install wrk).")
    print("Installation de wrk (paquet Debian)…", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    install = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, check=False, **quiet).returncode != 0:  # type: ignore[call-overload]
        subprocess.run(["apt-get", "update", "-qq"], check=True, **quiet)  # type: ignore[call-overload]
        subprocess.run(install, check=True, **quiet)  # type: ignore[call-overload]
    return shutil.which("wrk") or sys.exit("wrk n'a pas pu être installé.")


def cpu_seconds(root_pid: int) -> tuple[float, float]:
    """CPU time (user + system) of `root_pid` and every live descendant, and the time their threads spent
    runnable but waiting for a core (the scheduler's run delay), from /proc."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(entry.name)
        stats[pid] = fields
        children.setdefault(int(fields[1]), []).append(pid)
    total, waited, todo = 0, 0, [root_pid]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += int(stats[pid][11]) + int(stats[pid][12])  # utime, stime (fields 14 and 15 of stat)
            for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    waited += int(task.read_text().split()[1])  # nanoseconds runnable, not running
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK"), waited / 1e9


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, to show how much others used it during a run."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"le serveur s'est arrêté au démarrage (code {process.returncode}) : {url}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status < 500:
                return
        time.sleep(0.3)
    sys.exit(f"le serveur ne répond pas après {timeout:.0f} s : {url}")


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, ready on `url`, stopped (Ctrl+C, then kill) on exit."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_ready(url, process, START_TIMEOUT_S)
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


LUA = """
local ids = {%(ids)s}
local tokens = {%(tokens)s}
local n = 0
init = function(args) n = math.random(#ids) end
request = function()
  n = n + 1
  return wrk.format("GET", "/api/subjects/" .. ids[(n %% #ids) + 1] .. "?purpose=%(purpose)s",
    {["Authorization"] = "Bearer " .. tokens[(n %% #tokens) + 1]})
end
done = function(s, lat, req)
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", s.requests, s.duration, s.errors.status,
    s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout,
    lat:percentile(50), lat:percentile(95), lat:percentile(99)))
end
"""


@dataclass(frozen=True)
class Run:
    target: str
    clients: int
    requests: int
    errors: int
    reads_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms_per_read: float
    wrk_cpu_ms_per_read: float
    wait_ms_per_read: float  # time the server's threads were runnable but had no core, per read
    machine_busy: float  # share of the machine's two cores busy during the run, everyone included


def load(wrk: str, script: Path, port: int, clients: int, seconds: float, server_pid: int, target: str) -> Run:
    """One wrk run against 127.0.0.1:`port`, with the server's CPU time over the same interval."""
    command = [wrk, "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script)]
    command.append(f"http://{HOST}:{port}/")
    (cpu_before, wait_before), (busy_before, total_before) = cpu_seconds(server_pid), machine_busy()
    wrk_before = os.times()
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    wrk_after = os.times()
    (cpu_after, wait_after), (busy_after, total_after) = cpu_seconds(server_pid), machine_busy()
    line = next((x for x in output.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        sys.exit(f"sortie de wrk inattendue :\n{output}")
    requests, duration_us, status, connect, read, write, timeouts, p50, p95, p99 = (int(v) for v in line.split()[1:])
    wrk_cpu = (wrk_after.children_user + wrk_after.children_system) - (
        wrk_before.children_user + wrk_before.children_system
    )
    answered = max(requests, 1)
    return Run(
        target,
        clients,
        requests,
        status + connect + read + write + timeouts,
        requests / (duration_us / 1e6),
        p50 / 1e3,
        p95 / 1e3,
        p99 / 1e3,
        1e3 * (cpu_after - cpu_before) / answered,
        1e3 * wrk_cpu / answered,
        1e3 * (wait_after - wait_before) / answered,
        (busy_after - busy_before) / max(total_after - total_before, 1),
    )


# --- the bench --------------------------------------------------------------------------------------------


def vigie_cli(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("vigie")), *args]


def readable_subjects(database: Path) -> list[int]:
    """The insured people of the agent's CPAM: those `paris-droits` may read for `rights_benefits`."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        query = "SELECT id FROM subjects WHERE organisation_code = ? AND kind = 'insured' AND NOT restricted"
        return [row[0] for row in connection.execute(query, (ORGANISATION,))]


def journal_reads(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        return int(connection.execute("SELECT count(*) FROM audit_entries WHERE action = 'read'").fetchone()[0])


def median_of(runs: list[Run], target: str, clients: int) -> dict[str, float]:
    chosen = [r for r in runs if r.target == target and r.clients == clients]
    keys = (
        "reads_per_s", "p50_ms", "p95_ms", "p99_ms", "cpu_ms_per_read", "wrk_cpu_ms_per_read", "wait_ms_per_read",
        "machine_busy",
    )  # fmt: skip
    return {key: statistics.median(getattr(r, key) for r in chosen) for key in keys}


def report(runs: list[Run], clients: list[int], workers: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    detail = Table(title="Chaque mesure")
    for column in ("cible", "clients", "lectures/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms/lecture", "erreurs"):
        detail.add_column(column, justify="right")
    detail.add_column("attente d'un cœur ms/lecture", justify="right")
    detail.add_column("machine occupée", justify="right")
    for r in runs:
        detail.add_row(
            r.target, str(r.clients), f"{r.reads_per_s:.0f}", f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}", f"{r.p99_ms:.1f}",
            f"{r.cpu_ms_per_read:.2f}", str(r.errors), f"{r.wait_ms_per_read:.1f}", f"{100 * r.machine_busy:.0f} %",
        )  # fmt: skip
    console.print(detail)
    table = Table(title=f"Lectures auditées par HTTP, médianes ({workers} processus de service)")
    for column in ("cible", "clients", "lectures/s", "p50 ms", "p95 ms", "p99 ms", "CPU serveur ms/lecture"):
        table.add_column(column, justify="right")
    table.add_column("CPU wrk ms/lecture", justify="right")
    table.add_column("attente d'un cœur ms/lecture", justify="right")
    table.add_column("vigie / plancher", justify="right")
    for count in clients:
        ours, floor = median_of(runs, "vigie", count), median_of(runs, "plancher", count)
        for target, m in (("vigie", ours), ("plancher", floor)):
            ratio = f"{ours['reads_per_s'] / floor['reads_per_s']:.2f}" if target == "vigie" else ""
            table.add_row(
                target, str(count), f"{m['reads_per_s']:.0f}", f"{m['p50_ms']:.1f}", f"{m['p95_ms']:.1f}",
                f"{m['p99_ms']:.1f}", f"{m['cpu_ms_per_read']:.2f}", f"{m['wrk_cpu_ms_per_read']:.3f}",
                f"{m['wait_ms_per_read']:.1f}", ratio,
            )  # fmt: skip
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="one round of 3 s per case")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run (at most 60)")
    parser.add_argument("--workers", type=int, default=1, help="service processes (the floor gets as many)")
    parser.add_argument("--clients", default="20,50", help="concurrent connections, comma-separated")
    parser.add_argument("--floor-serve", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.floor_serve:
        floor_serve(options.floor_serve, options.port, options.workers)
        return
    rounds, seconds = (1, 3.0) if options.quick else (options.rounds, min(options.seconds, 60.0))
    clients = [int(c) for c in options.clients.split(",")]
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-http-") as tmp:
        data = Path(tmp)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}, "VIGIE_DATA_DIR": str(data)}
        database = data / "vigie.db"
        port, floor_port = free_port(), free_port()
        workers = ["--workers", str(options.workers)] if options.workers > 1 else []
        serve = vigie_cli("serve", "--demo", "--host", HOST, "--port", str(port), *workers)
        print(f"Démarrage du service ({' '.join(serve[1:])}) dans {data}…", flush=True)
        with running(serve, env, f"http://{HOST}:{port}/health", data / "serve.log") as service:
            tokens = [
                subprocess.run(vigie_cli("agent", "token", AGENT), env=env, check=True, capture_output=True, text=True)
                .stdout.strip()
                .splitlines()[-1]
                for _ in range(TOKENS)
            ]
            ids = readable_subjects(database)
            script = data / "reads.lua"
            script.write_text(
                LUA % {"ids": ",".join(map(str, ids)), "tokens": ",".join(f'"{t}"' for t in tokens), "purpose": PURPOSE}
            )
            floor = [sys.executable, __file__, "--floor-serve", f"sqlite:///{database}", "--port", str(floor_port)]
            floor += ["--workers", str(options.workers)]
            with running(floor, env, f"http://{HOST}:{floor_port}/docs", data / "floor.log") as bare:
                targets = {"vigie": (port, service.pid), "plancher": (floor_port, bare.pid)}
                for target, (where, pid) in targets.items():
                    load(wrk, script, where, clients[0], WARMUP_S, pid, target)
                runs: list[Run] = []
                for round_ in range(rounds):
                    for count in clients:
                        order = list(targets) if round_ % 2 == 0 else list(reversed(targets))
                        for target in order:
                            where, pid = targets[target]
                            run = load(wrk, script, where, count, seconds, pid, target)
                            runs.append(run)
                            print(
                                f"  {target:8s} {count:3d} clients : {run.reads_per_s:6.0f} lectures/s, "
                                f"p95 {run.p95_ms:6.1f} ms, CPU {run.cpu_ms_per_read:.2f} ms/lecture, "
                                f"attente d'un cœur {run.wait_ms_per_read:.1f} ms/lecture, "
                                f"{run.errors} erreurs",
                                flush=True,
                            )
        answered = sum(r.requests for r in runs if r.target == "vigie")
        entries = journal_reads(database)
        verify_cli = vigie_cli("audit", "verify", "--agent", "paris-dpo")  # reading the journal takes an audit role
        verify = subprocess.run(verify_cli, env=env, capture_output=True, text=True, check=False)
    report(runs, clients, options.workers)
    errors = sum(r.errors for r in runs)
    print(f"Réponses en erreur (non 200, délais, connexions) : {errors}")
    print(f"Journal : {entries} lectures tracées pour au moins {answered} réponses mesurées (échauffement en plus).")
    print(f"vigie audit verify : {' '.join(verify.stdout.split()) or verify.stderr.strip()} (code {verify.returncode})")
    ours, floor = median_of(runs, "vigie", clients[0]), median_of(runs, "plancher", clients[0])
    vs_floor = ours["reads_per_s"] / floor["reads_per_s"]
    cpu_vs_floor = floor["cpu_ms_per_read"] / ours["cpu_ms_per_read"]  # the throughput ratio once both are CPU-bound
    goals = ours["reads_per_s"] >= GOAL_READS_PER_S and ours["p95_ms"] <= GOAL_P95_MS and vs_floor >= GOAL_VS_FLOOR
    print(
        f"Objectifs à {clients[0]} clients (≥ {GOAL_READS_PER_S:.0f} lectures/s, p95 ≤ {GOAL_P95_MS:.0f} ms, "
        f"≥ {GOAL_VS_FLOOR:.0%} du plancher) : {'atteints' if goals else 'non atteints'}"
    )
    if errors or verify.returncode != 0 or entries < answered:
        sys.exit("mesure invalide : erreurs, journal incomplet ou altéré (voir ci-dessus)")
    print(
        f"RESULT http reads_per_s={ours['reads_per_s']:.0f} p95_ms={ours['p95_ms']:.1f} "
        f"cpu_ms_per_read={ours['cpu_ms_per_read']:.2f} vs_floor={vs_floor:.2f} "
        f"cpu_vs_floor={cpu_vs_floor:.2f} floor_reads_per_s={floor['reads_per_s']:.0f} "
        f"wait_ms_per_read={ours['wait_ms_per_read']:.1f} workers={options.workers}"
    )


if __name__ == "__main__":
    main()
