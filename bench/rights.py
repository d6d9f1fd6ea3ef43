"""Rights requests on a seeded vault: access answers and erasures, against hand-written indexed SELECTs.

An access request answered is everything held on one person, read through the gate for `rights_requests`
(journaled), decrypted and assembled as JSON with the accesses made to the person (the journal's per-person
look-up), as the API and the command line encode it (`AccessAnswer.json`: the register's accounts encoded once).
The floor is the same rows (the identity, the records, the accesses with the agents who made them) read by
hand-written indexed SELECTs, without the gate, decryption or assembly. Answers and floor reads alternate, one of
each in turn on different people, so that a moment of load elsewhere weighs on both alike. An erasure granted is
a decided erasure request: rulings from the register, the records destroyed in one statement, the subject
shredded, every step journaled.

    .venv/bin/python bench/rights.py --subjects 1000000            # the issue's size (seeding takes a while)
    .venv/bin/python bench/rights.py --subjects 100000 --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

The privacy platform people would otherwise pick answers an access request in 0.6 to 0.8 s median and an
erasure in over a second (the issue's figures, measured at 1M subjects on this kind of machine; not re-run
here). Run on demand; not part of the test suite. The last line is `RESULT rights ...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import gc
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from vigie.access.rights_effects import Everything
from vigie.audit import Journal
from vigie.audit.subjects import catch_up
from vigie.bootstrap import prepare
from vigie.demo.seed import seed_demo
from vigie.environment import Environment
from vigie.ids import AgentId, SubjectId
from vigie.rights import RightsService
from vigie.rights.answers import gather_access
from vigie.rights.model import Status
from vigie.rights.queries import insert_request
from vigie.settings import load_settings
from vigie.store import connect
from vigie.store.schema import subjects

DPO = AgentId("paris-dpo")
ORG = "CPAM-75"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(calls: list[Callable[[], object]]) -> list[float]:
    """Milliseconds of each call, one after the other."""
    out = []
    for call in calls:
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def environment(url: str, data_dir: Path) -> Environment:
    return prepare(load_settings(database_url=url, data_dir=data_dir, demo=True))


def floor_reader(env: Environment) -> Callable[[int], object]:
    """The same rows as an access answer, by hand-written indexed SELECTs, without decryption."""
    from vigie.audit.events import subject_pseudonym

    identity = text("SELECT identity, wrapped_key FROM subjects WHERE id = :s")
    held = text("SELECT id, processing_id, category, recorded_on, payload FROM records WHERE subject_id = :s")
    accesses = text(
        "SELECT e.seq, e.at, e.action, e.agent_id, e.purpose, a.organisation_code, r.role_id "
        "FROM audit_subject_index i JOIN audit_entries e ON e.seq = i.seq "
        "LEFT JOIN agents a ON a.id = e.agent_id LEFT JOIN agent_roles r ON r.agent_id = a.id "
        "WHERE i.subject_ref = :r ORDER BY e.seq"
    )

    def read(subject: int) -> object:
        with env.engine.connect() as connection:
            return (
                connection.execute(identity, {"s": subject}).all(),
                connection.execute(held, {"s": subject}).all(),
                connection.execute(accesses, {"r": subject_pseudonym(env.keyring, subject)}).all(),
            )

    return read


def settle(env: Environment) -> None:
    """Bring the freshly seeded database to rest, as a vault in service is: otherwise the first minutes time the
    bulk load's write-back (PostgreSQL's checkpoint of ten million rows, SQLite's WAL), not the answers.
    PostgreSQL: `VACUUM ANALYZE` (the visibility map for index-only reads, statistics) and `CHECKPOINT`;
    SQLite: the WAL checkpointed into the database file."""
    with env.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM ANALYZE")
            connection.exec_driver_sql("CHECKPOINT")
        else:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def run_engine(name: str, url: str, args: argparse.Namespace, console: Console) -> dict[str, float]:
    data_dir = Path(tempfile.mkdtemp(prefix="vigie-bench-rights-"))
    env = environment(url, data_dir)
    console.print(f"[bold]{name}[/] : population de {args.subjects:,} personnes…".replace(",", "\u202f"))
    seed_demo(env, args.subjects, progress=not args.quiet, records_per_subject=args.records_per_subject)
    started = time.perf_counter()
    settle(env)
    console.print(f"base mise au repos en {time.perf_counter() - started:.0f} s")
    with connect(env.engine) as connection:
        people = [
            int(i)
            for i in connection.scalars(
                select(subjects.c.id).where(subjects.c.organisation_code == ORG).order_by(subjects.c.id)
            )
        ]
    rng = random.Random(7)
    sample = rng.sample(people, min(args.requests + args.erasures, len(people)))
    readers, erased = sample[: args.requests], sample[args.requests :]
    with Journal(env.engine, env.keyring) as journal:
        service = RightsService(env, journal)
        with connect(env.engine) as connection:  # the journal's history (the seed journals nothing): index it
            catch_up(connection)

        def encoded(everything: Everything) -> str:  # as the service encodes it, while the entry commits
            return gather_access(env.register, env.keyring, everything).json()

        def answer(subject: int) -> object:
            return service.effects.read_everything_as(DPO, SubjectId(subject), env.clock.today(), encoded)

        floor = floor_reader(env)
        # As the service once started (`web.server.settled`): what lives as long as the process (the register,
        # the population list) is kept out of the cyclic collector's full passes, which would stall answers.
        gc.collect()
        gc.freeze()
        for subject in readers[:5]:
            answer(subject)  # warm-up: compiled statements, the policy's role-set memo
            floor(subject)
        others = readers[::-1]  # the floor reads other people than the answer just before it (no warm cache)
        both = timed(
            [
                call
                for s, o in zip(readers, others, strict=True)
                for call in (lambda s=s: answer(s), lambda o=o: floor(o))
            ]
        )
        access_ms, floor_ms = both[0::2], both[1::2]

        done = 0
        lock = threading.Lock()
        queue = list(readers) * args.rounds  # long enough that a moment of load elsewhere does not decide it

        def worker() -> None:
            nonlocal done
            while True:
                with lock:
                    if not queue:
                        return
                    subject = queue.pop()
                answer(subject)
                with lock:
                    done += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answers_per_s = done / (time.perf_counter() - started)

        today = env.clock.today()
        with connect(env.engine) as connection:
            ids = [
                insert_request(
                    connection,
                    {
                        "subject_id": s,
                        "organisation_code": ORG,
                        "kind": "erasure",
                        "channel": "letter",
                        "received_on": today,
                        "registered_by": DPO,
                        "processings": None,
                        "status": Status.OPEN.value,
                        "identity_confirmed_on": today,
                        "due_on": today,
                    },
                )
                for s in erased
            ]
        erasure_ms = timed([lambda i=i: service.decide(DPO, i) for i in ids])
    env.engine.dispose()
    figures = {
        "p50_ms": statistics.median(access_ms),
        "p95_ms": percentile(access_ms, 0.95),
        "floor_p50_ms": statistics.median(floor_ms),
        "floor_p95_ms": percentile(floor_ms, 0.95),
        "answers_per_s": answers_per_s,
        "erasure_p50_ms": statistics.median(erasure_ms),
        "erasure_p95_ms": percentile(erasure_ms, 0.95),
    }
    figures["floor_ratio"] = figures["p95_ms"] / figures["floor_p95_ms"]
    return figures


def postgres_database(admin: str) -> tuple[str, Callable[[], None]]:
    """A fresh database on the PostgreSQL server of `admin`, and how to drop it."""
    parsed = make_url(admin)
    name = f"vigie_bench_rights_{uuid.uuid4().hex[:8]}"
    libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parsed.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=1_000_000, help="population seeded (default 1,000,000)")
    parser.add_argument("--records-per-subject", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=300, help="access requests answered")
    parser.add_argument("--erasures", type=int, default=50, help="erasures granted")
    parser.add_argument("--threads", type=int, default=2, help="threads answering for answers/s")
    parser.add_argument("--rounds", type=int, default=3, help="times each person is answered for answers/s")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server: run there too")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only (with --postgres)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args()
    console = Console()
    results: dict[str, dict[str, float]] = {}
    if not (args.no_sqlite and args.postgres):
        with tempfile.TemporaryDirectory(prefix="vigie-bench-rights-db-") as folder:
            results["sqlite"] = run_engine("SQLite", f"sqlite:///{Path(folder) / 'vigie.db'}", args, console)
    if args.postgres:
        url, drop = postgres_database(args.postgres)
        try:
            results["postgresql"] = run_engine("PostgreSQL", url, args, console)
        finally:
            drop()
    table = Table(title=f"Demandes de droits, {args.subjects:,} personnes (charge : {os.getloadavg()[0]:.1f})")
    for column in ("moteur", "accès p50", "accès p95", "plancher p95", "ratio", "réponses/s", "effacement p95"):
        table.add_column(column, justify="right")
    for name, f in results.items():
        table.add_row(
            name, f"{f['p50_ms']:.1f} ms", f"{f['p95_ms']:.1f} ms", f"{f['floor_p95_ms']:.2f} ms",
            f"{f['floor_ratio']:.1f}", f"{f['answers_per_s']:.0f}", f"{f['erasure_p95_ms']:.1f} ms",
        )  # fmt: skip
    table.add_row("plateforme habituelle (chiffres de l'issue)", "600-800 ms", "", "", "", "2,2", "> 1000 ms")
    console.print(table)
    first_engine = next(iter(results))
    first = results[first_engine]
    extra = " ".join(
        f"{engine}_{key}={value:.2f}"
        for engine, f in results.items()
        if engine != first_engine
        for key, value in f.items()
    )
    print(
        f"RESULT rights p50_ms={first['p50_ms']:.2f} p95_ms={first['p95_ms']:.2f} "
        f"floor_ratio={first['floor_ratio']:.2f} answers_per_s={first['answers_per_s']:.0f} "
        f"erasure_p95_ms={first['erasure_p95_ms']:.2f} subjects={args.subjects} engine={first_engine} {extra}".rstrip()
    )


if __name__ == "__main__":
    main()
