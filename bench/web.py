"""Cookie-consent proofs recorded over HTTP, each committed before its answer, beside the plain way to do it.

vigie: `vigie serve` (after `vigie init`) in a temporary data directory on a free port of 127.0.0.1, SQLite by
default or a fresh PostgreSQL database with `--postgres URL`. Each request is what a browser sends when a
person clicks « Tout accepter » on the banner: `POST /gestion-des-cookies`, a urlencoded form with its CSRF
token (and the matching cookie); the answer (303 and the signed `Cookie-agreed` cookie) leaves only once the
proof row is committed, by the consent slice's group-commit writer.

The peer is the plain way: a bare FastAPI endpoint taking the same form (without CSRF) and inserting the same
row into the same table, one transaction and one commit per request, served the same way (same uvicorn
settings and number of processes). On a machine shared with other work, throughput follows the cores the
scheduler grants, and the peer's thread pool is granted more than one event loop: the server CPU per proof
(`cpu_ms_per_consent`, from /proc, all threads and processes) is the fair comparison, and `cpu_vs_peer` the
throughput ratio once both are CPU-bound on cores of their own. Load from `wrk` (50 concurrent connections by
default) with a Lua script; after the runs, the table must hold at least one proof per answered request.

    .venv/bin/python bench/web.py                  # 3 rounds of 10 s (about 2 minutes)
    .venv/bin/python bench/web.py --quick          # one round of 3 s
    .venv/bin/python bench/web.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Run on demand; not part of the test suite. The last line is `RESULT web consents_per_s=... consent_p95_ms=...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import importlib.util
import os
import statistics
import subprocess
import tempfile
import urllib.request
import uuid
from typing import Annotated, Any

from fastapi import Form  # at module level: the peer's endpoint annotations are resolved against these globals

HERE = Path(__file__).resolve().parent
GOAL_PER_S = 1500.0
GOAL_P95_MS = 100.0
WARMUP_S = 2


def _shared() -> Any:
    """bench/http.py's process and wrk helpers, loaded under another name (its own would shadow `http`)."""
    spec = importlib.util.spec_from_file_location("bench_http_shared", HERE / "http.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


LUA = """
local body = "csrf_token=%(token)s&action=tout_accepter&ecran=bandeau&retour=%%2Fpolitique-de-confidentialite"
request = function()
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "vigie_csrf=%(token)s"}, body)
end
done = function(s, lat, req)
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", s.requests, s.duration, s.errors.status,
    s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout,
    lat:percentile(50), lat:percentile(95), lat:percentile(99)))
end
"""


# --- the peer ----------------------------------------------------------------------------------------------


def peer_app(database_url: str) -> Any:
    """The plain way: a form endpoint inserting the same proof row, one transaction and commit per request."""
    import hashlib
    import secrets
    from datetime import UTC, date, datetime

    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse
    from sqlalchemy import insert

    from vigie.store import open_database
    from vigie.store.schema import consent_proofs

    engine = open_database(database_url)
    app = FastAPI()
    statement = insert(consent_proofs)

    @app.post("/consent")
    def record(action: Annotated[str, Form()], ecran: Annotated[str, Form()]) -> RedirectResponse:
        visitor = secrets.token_urlsafe(16)
        with engine.begin() as connection:
            connection.execute(
                statement,
                {
                    "recorded_at": datetime.now(UTC).isoformat(timespec="microseconds")[:26] + "Z",
                    "visitor": hashlib.sha256(visitor.encode()).hexdigest()[:32],
                    "policy_version": "peer",
                    "screen": ecran,
                    "banner_hash": "0" * 64,
                    "action": action,
                    "granted": "atid,atidx,idrxvr",
                    "refused": "",
                    "expires_on": date(2027, 12, 28),
                },
            )
        response = RedirectResponse("/", status_code=303)
        response.set_cookie("Cookie-agreed", visitor, max_age=34_000_000)
        return response

    return app


def peer_serve(database_url: str, port: int, workers: int) -> None:
    from functools import partial

    from vigie.web.server import bind, serve_forever

    sock = bind("127.0.0.1", port)
    serve_forever(partial(peer_app, database_url), sock, workers=workers, log_level="warning")


# --- the bench ---------------------------------------------------------------------------------------------


def csrf_token(port: int) -> str:
    """A form token and its cookie, as a browser gets them from the cookie page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/gestion-des-cookies", timeout=10) as answer:
        for header in answer.headers.get_all("Set-Cookie") or []:
            if header.startswith("vigie_csrf="):
                return str(header.split(";", 1)[0].split("=", 1)[1])
    sys.exit("aucun jeton CSRF reçu de la page « Gestion des cookies »")


def proof_count(database_url: str) -> int:
    from sqlalchemy import func, select

    from vigie.store import open_database
    from vigie.store.schema import consent_proofs

    engine = open_database(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(consent_proofs)).scalar_one())
    finally:
        engine.dispose()


def postgres_database(admin_url: str) -> tuple[str, Any]:
    """A fresh database on the server of `admin_url`, and how to drop it."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"vigie_bench_web_{uuid.uuid4().hex[:8]}"
    libpq = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="one round of 3 s")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="service processes (the peer gets as many)")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="run on a fresh PostgreSQL database of this server")
    parser.add_argument("--peer-serve", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.peer_serve:
        peer_serve(options.peer_serve, options.port, options.workers)
        return
    shared = _shared()
    rounds, seconds = (1, 3.0) if options.quick else (options.rounds, min(options.seconds, 60.0))
    wrk = shared.ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-web-") as tmp:
        data = Path(tmp)
        drop = None
        database_url = f"sqlite:///{data / 'vigie.db'}"
        if options.postgres:
            database_url, drop = postgres_database(options.postgres)
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        env |= {"VIGIE_DATA_DIR": str(data), "VIGIE_DATABASE_URL": database_url}
        try:
            subprocess.run(shared.vigie_cli("init"), env=env, check=True, capture_output=True)
            port, peer_port = shared.free_port(), shared.free_port()
            workers = ["--workers", str(options.workers)] if options.workers > 1 else []
            serve = shared.vigie_cli("serve", "--host", "127.0.0.1", "--port", str(port), *workers)
            peer = [sys.executable, __file__, "--peer-serve", database_url, "--port", str(peer_port)]
            peer += ["--workers", str(options.workers)]
            runs = []
            with (
                shared.running(serve, env, f"http://127.0.0.1:{port}/health", data / "serve.log") as service,
                shared.running(peer, env, f"http://127.0.0.1:{peer_port}/docs", data / "peer.log") as bare,
            ):
                token = csrf_token(port)
                scripts = {}
                for target, path in (("vigie", "/gestion-des-cookies"), ("pair", "/consent")):
                    scripts[target] = data / f"{target}.lua"
                    scripts[target].write_text(LUA % {"token": token, "path": path})
                targets = {"vigie": (port, service.pid), "pair": (peer_port, bare.pid)}
                for target, (where, pid) in targets.items():
                    shared.load(wrk, scripts[target], where, options.clients, WARMUP_S, pid, target)
                for round_ in range(rounds):
                    order = list(targets) if round_ % 2 == 0 else list(reversed(targets))
                    for target in order:
                        where, pid = targets[target]
                        run = shared.load(wrk, scripts[target], where, options.clients, seconds, pid, target)
                        runs.append(run)
                        print(
                            f"  {target:6s} {options.clients} clients : {run.reads_per_s:6.0f} preuves/s, "
                            f"p50 {run.p50_ms:6.1f} ms, p95 {run.p95_ms:6.1f} ms, CPU {run.cpu_ms_per_read:.2f} "
                            f"ms/preuve, machine occupée à {run.machine_busy:.0%}, {run.errors} erreurs",
                            flush=True,
                        )
            stored = proof_count(database_url)
        finally:
            if drop is not None:
                drop()
    answered = sum(r.requests for r in runs) + 2 * WARMUP_S  # warm-up requests are stored too
    errors = sum(r.errors for r in runs if r.target == "vigie")
    peer_errors = sum(r.errors for r in runs if r.target == "pair")

    def median(target: str, field: str) -> float:
        return statistics.median(getattr(r, field) for r in runs if r.target == target)

    ours, theirs = median("vigie", "reads_per_s"), median("pair", "reads_per_s")
    p95, peer_p95 = median("vigie", "p95_ms"), median("pair", "p95_ms")
    cpu, peer_cpu = median("vigie", "cpu_ms_per_read"), median("pair", "cpu_ms_per_read")
    engine = "postgresql" if options.postgres else "sqlite"
    print(f"Preuves en base : {stored} pour {sum(r.requests for r in runs)} réponses mesurées (échauffement en plus)")
    goals = ours >= GOAL_PER_S and p95 < GOAL_P95_MS
    verdict = "atteints" if goals else "non atteints"
    print(f"Objectifs (≥ {GOAL_PER_S:.0f} preuves/s, p95 < {GOAL_P95_MS:.0f} ms) : {verdict}")
    print(f"Réponses en erreur : vigie {errors}, pair {peer_errors} (délais, 5xx, connexions)")
    if errors or stored < answered - 2 * WARMUP_S - peer_errors:
        sys.exit("mesure invalide : réponses en erreur ou preuves manquantes")
    print(
        f"RESULT web consents_per_s={ours:.0f} consent_p95_ms={p95:.1f} peer_consents_per_s={theirs:.0f} "
        f"peer_p95_ms={peer_p95:.1f} vs_peer={ours / theirs:.2f} cpu_ms_per_consent={cpu:.2f} "
        f"peer_cpu_ms_per_consent={peer_cpu:.2f} cpu_vs_peer={peer_cpu / cpu:.2f} clients={options.clients} "
        f"peer_errors={peer_errors} workers={options.workers} engine={engine}"
    )


if __name__ == "__main__":
    main()
