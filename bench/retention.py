"""Benchmark: the retention sweep against a bare `DELETE FROM records WHERE end_on < :at` on the same rows.

Seeds a demo vault (`vigie.demo` seeding), computes every end date (timed), picks the sweep date so that about
30% of the records are due, copies the database, then on one copy runs vigie's sweep (batches, statistics kept
with their pseudonym, people erased, progress markers, certificate in the journal) and on the other the bare
DELETE (the floor).
Both engines: SQLite in a temporary directory, PostgreSQL on `--postgres URL` (a fresh database is created and
dropped; `--no-postgres` skips it).

    .venv/bin/python bench/retention.py                      # the issue's size: 1,000,000 subjects (~10M records)
    .venv/bin/python bench/retention.py --subjects 100000    # a loaded machine's size

Run on demand; not part of the test suite. The last line is `RESULT retention ...` (SQLite's figures).
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, bindparam, func, select, text
from sqlalchemy.engine import make_url

from vigie.access.service import Gate
from vigie.audit import Journal
from vigie.bootstrap import prepare
from vigie.clock import FixedClock
from vigie.demo.seed import seed_demo
from vigie.pseudo.keys import KeyRole, create_key_file, default_key_file
from vigie.retention import refresh, sweep
from vigie.settings import load_settings
from vigie.store import connect, open_database
from vigie.store.schema import records

TODAY = date(2026, 11, 28)
DUE_SHARE = 0.30


@dataclass
class Figures:
    engine: str
    records: int
    seed_s: float
    ends_s: float
    due: int
    at: date
    sweep_s: float
    destroyed: int
    reduced: int
    erased: int
    floor_s: float
    floor_deleted: int

    @property
    def per_min(self) -> float:
        return self.destroyed / self.sweep_s * 60

    @property
    def floor_per_min(self) -> float:
        return self.floor_deleted / self.floor_s * 60

    @property
    def vs_floor(self) -> float:
        return self.per_min / self.floor_per_min


def _pick_date(engine: Engine) -> tuple[date, int]:
    """The date at which about 30% of all records are due (the sweep's clock is set to it)."""
    with connect(engine) as connection:
        total = int(connection.scalar(select(func.count()).select_from(records)) or 0)
        offset = int(total * DUE_SHARE)
        nth = connection.scalar(
            select(records.c.end_on)
            .where(records.c.end_on.is_not(None))
            .order_by(records.c.end_on)
            .offset(offset)
            .limit(1)
        )
        at = nth if nth is not None else TODAY
        due = int(connection.scalar(select(func.count()).select_from(records).where(records.c.end_on < at)) or 0)
    return at, due


def _environment(url: str, data_dir: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(data_dir=data_dir, database_url=url, demo=True, retention_future_days=0)
    return prepare(settings, create_keys=True, clock=FixedClock(TODAY))


def _copy(url: str, data_dir: Path) -> str:
    """A copy of the database (the floor's), same rows."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(str(parsed.database))
        target = data_dir / "floor.db"
        engine = open_database(url)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        shutil.copyfile(source, target)
        target.chmod(0o600)
        return f"sqlite:///{target}"
    name = f"{parsed.database}_floor"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def _floor(url: str, at: date) -> tuple[float, int]:
    engine = open_database(url)
    try:
        started = time.perf_counter()
        with engine.begin() as connection:
            deleted = connection.execute(
                text("DELETE FROM records WHERE end_on < :at").bindparams(bindparam("at", type_=records.c.end_on.type)),
                {"at": at},
            ).rowcount
        return time.perf_counter() - started, int(deleted)
    finally:
        engine.dispose()


def run_engine(name: str, url: str, data_dir: Path, subjects: int, console: Console) -> Figures:
    env = _environment(url, data_dir)
    console.print(f"[{name}] semis de {subjects:,} personnes…")
    report = seed_demo(env, subjects, today=TODAY, progress=False)
    if name == "sqlite":  # the seed's write-ahead log is the seed's: folded into the file before the timing
        with env.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    started = time.perf_counter()
    with connect(env.engine) as connection:
        refresh(connection, env.policy)
    ends_s = time.perf_counter() - started
    at, due = _pick_date(env.engine)
    if name == "postgresql":
        with env.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    env.engine.dispose()
    for role in KeyRole:  # the statistics rows get their pseudonym, as in production
        create_key_file(default_key_file(data_dir, role), role, "2026-2027")
    floor_url = _copy(url, data_dir)
    console.print(f"[{name}] {report.records:,} dossiers, dates de fin en {ends_s:.1f} s ; {due:,} échus au {at}")
    clock = FixedClock(at)
    env = prepare(load_settings(data_dir=data_dir, database_url=url, demo=True), clock=clock)
    with Journal(env.engine, env.keyring) as journal:
        started = time.perf_counter()
        result = sweep(Gate(env, journal), at)
        sweep_s = time.perf_counter() - started
    env.engine.dispose()
    floor_s, floor_deleted = _floor(floor_url, at)
    assert floor_deleted == result.destroyed == due, (floor_deleted, result.destroyed, due)
    return Figures(
        name, report.records, report.seconds, ends_s, due, at, sweep_s, result.destroyed, result.reduced,
        result.erased, floor_s, floor_deleted,
    )  # fmt: skip


def _postgres(admin: str) -> tuple[str, str]:
    name = f"vigie_bench_{uuid.uuid4().hex[:8]}"
    parsed = make_url(admin)
    with psycopg.connect(
        parsed.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return name, parsed.set(database=name).render_as_string(hide_password=False)


def _drop(admin: str, names: list[str]) -> None:
    parsed = make_url(admin).set(drivername="postgresql")
    with psycopg.connect(parsed.render_as_string(hide_password=False), autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=1_000_000, help="people seeded (about 10 records each)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only (the RESULT line then has pg_ keys)")
    args = parser.parse_args()
    console = Console()
    load = os.getloadavg()
    figures: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="vigie-bench-retention-") as tmp:
        base = Path(tmp)
        (base / "sqlite").mkdir()
        if not args.no_sqlite:
            lite_url = f"sqlite:///{base / 'sqlite' / 'vigie.db'}"
            figures.append(run_engine("sqlite", lite_url, base / "sqlite", args.subjects, console))
        if not args.no_postgres:
            name, url = _postgres(args.postgres)
            (base / "pg").mkdir()
            try:
                figures.append(run_engine("postgresql", url, base / "pg", args.subjects, console))
            finally:
                _drop(args.postgres, [name, f"{name}_floor"])
    table = Table(title=f"Balayage de conservation, {args.subjects:,} personnes (charge {load[0]:.1f})")
    for column in ("moteur", "dossiers", "dates de fin", "échus", "vigie (dossiers/min)", "DELETE nu (dossiers/min)",
                   "rapport", "réduits", "personnes effacées"):  # fmt: skip
        table.add_column(column, justify="right")
    for f in figures:
        table.add_row(
            f.engine, f"{f.records:,}", f"{f.ends_s:.1f} s", f"{f.due:,}", f"{f.per_min:,.0f} ({f.sweep_s:.1f} s)",
            f"{f.floor_per_min:,.0f} ({f.floor_s:.1f} s)", f"{f.vs_floor:.2f}", f"{f.reduced:,}", f"{f.erased:,}",
        )  # fmt: skip
    console.print(table)
    by_engine = {f.engine: f for f in figures}
    parts = []
    if "sqlite" in by_engine:
        lite = by_engine["sqlite"]
        parts.append(
            f"records_per_min={lite.per_min:.0f} vs_floor={lite.vs_floor:.2f} floor_per_min={lite.floor_per_min:.0f} "
            f"end_dates_s={lite.ends_s:.1f} records={lite.records} due={lite.due}"
        )
    if "postgresql" in by_engine:
        pg = by_engine["postgresql"]
        parts.append(
            f"pg_records_per_min={pg.per_min:.0f} pg_vs_floor={pg.vs_floor:.2f} pg_end_dates_s={pg.ends_s:.1f}"
        )
    print(f"RESULT retention {' '.join(parts)} subjects={args.subjects} load={load[0]:.1f}")


if __name__ == "__main__":
    main()
