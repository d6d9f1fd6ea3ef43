"""`seed_demo`: fill an empty database with the synthetic population, in bounded, encrypted batches.

Worker processes generate and seal batches (the CPU-bound part) while this process writes them, one
transaction each, so a crash leaves whole batches and memory stays bounded by the batches in flight.
Ids are assigned here, after the current maximum, so that every ciphertext's binding is known before
it is written.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine, func, select

from vigie.crypto import Keyring
from vigie.demo.activity import plan_batch
from vigie.demo.batch import Batch, build_batch
from vigie.demo.spec import SeedSpec, build_spec
from vigie.demo.writer import bulk_writer
from vigie.environment import Environment
from vigie.errors import ConfigurationError, InvalidInput, PopulationExists, StorageError
from vigie.store import connect
from vigie.store.schema import records as records_table
from vigie.store.schema import subjects as subjects_table

BATCH_SIZE = 20_000
MAX_RECORDS_PER_SUBJECT = 1_000.0
# A demo or benchmark base, not a national one: a million people and their ten million records (the default
# rate) make a base of a few gigabytes seeded in minutes; a larger synthetic base only fills the disk.
MAX_SUBJECTS = 1_000_000
MAX_RECORDS = 20_000_000
WORKER_NICENESS = 5


@dataclass(frozen=True)
class SeedReport:
    """What was written and how fast."""

    subjects: int
    records: int
    seconds: float
    by_kind: Mapping[str, int] = field(default_factory=dict)
    first_subject_id: int = 1
    engine: str = "sqlite"

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        """The report as plain JSON-ready values."""
        return {
            "subjects": self.subjects,
            "records": self.records,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.records_per_second, 1),
            "by_kind": dict(self.by_kind),
            "first_subject_id": self.first_subject_id,
            "engine": self.engine,
        }


def french_int(value: int) -> str:
    """1234567 → « 1 234 567 » (narrow no-break spaces, as French typography wants)."""
    return f"{value:,}".replace(",", "\u202f")


def check_request(subjects: int, seed: int, records_per_subject: float) -> None:
    """Refuse impossible sizes before anything is opened or written."""
    if subjects < 1:
        raise InvalidInput("nombre de personnes", str(subjects), "il faut au moins une personne")
    if subjects > MAX_SUBJECTS:
        raise InvalidInput(
            "nombre de personnes", str(subjects), f"au plus {french_int(MAX_SUBJECTS)} pour une démonstration"
        )
    if seed < 0:
        raise InvalidInput("graine", str(seed), "un entier positif ou nul est attendu")
    if not (math.isfinite(records_per_subject) and 0 <= records_per_subject <= MAX_RECORDS_PER_SUBJECT):
        raise InvalidInput(
            "nombre moyen d'enregistrements par personne",
            str(records_per_subject),
            f"un nombre entre 0 et {MAX_RECORDS_PER_SUBJECT:.0f} est attendu",
        )
    if subjects * records_per_subject > MAX_RECORDS:
        raise InvalidInput(
            "nombre moyen d'enregistrements par personne",
            str(records_per_subject),
            f"{french_int(subjects)} personnes à ce rythme dépasseraient {french_int(MAX_RECORDS)} enregistrements",
        )


def has_population(engine: Engine) -> bool:
    """Does the database already hold at least one subject?"""
    with connect(engine) as connection:
        return connection.execute(select(subjects_table.c.id).limit(1)).first() is not None


def seed_demo(
    env: Environment,
    subjects: int,
    *,
    seed: int = 0,
    records_per_subject: float = 10.0,
    progress: bool = True,
    today: dt.date | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> SeedReport:
    """Create `subjects` people and about `records_per_subject` records each; same seed, same people.

    `today` anchors every date (default: today in the organisation's time zone); the population depends
    on the seed, the date and the batch size, never on the number of worker processes.
    """
    check_request(subjects, seed, records_per_subject)
    if batch_size < 1:
        raise InvalidInput("taille de lot", str(batch_size), "il faut au moins une personne par lot")
    day = today or env.clock.today()
    spec = build_spec(env.register, env.policy, seed=seed, today=day, records_per_subject=records_per_subject)
    if not spec.org_codes:
        raise ConfigurationError("le registre ne déclare aucune caisse locale : la population ne peut être rattachée")
    started = time.perf_counter()
    subject_start, record_start = _next_ids(env.engine)
    sizes = [min(batch_size, subjects - start) for start in range(0, subjects, batch_size)]
    pool_size = min(workers if workers is not None else (os.cpu_count() or 1), len(sizes))
    by_kind: Counter[str] = Counter()
    written = 0
    dbapi_error = env.engine.dialect.loaded_dbapi.Error
    source = _batches(spec, env.keyring, sizes, subject_start, record_start, pool_size)
    try:
        with source as batches, bulk_writer(env.engine) as writer, _progress(progress, subjects) as advance:
            for batch in batches:
                writer.write(batch)
                by_kind.update(batch.kind)
                written += batch.records
                advance(batch.subjects, batch.records)
    except dbapi_error as error:
        raise StorageError(f"erreur de la base de données pendant le chargement : {error}") from error
    return SeedReport(
        subjects=subjects,
        records=written,
        seconds=time.perf_counter() - started,
        by_kind=dict(sorted(by_kind.items())),
        first_subject_id=subject_start,
        engine=env.engine.dialect.name,
    )


def _next_ids(engine: Engine) -> tuple[int, int]:
    """The first free subject and record ids; refuses a database that already holds people."""
    with connect(engine) as connection:
        count = connection.scalar(select(func.count()).select_from(subjects_table)) or 0
        if count:
            raise PopulationExists(count)
        last_subject = connection.scalar(select(func.max(subjects_table.c.id))) or 0
        last_record = connection.scalar(select(func.max(records_table.c.id))) or 0
    return int(last_subject) + 1, int(last_record) + 1


Job = tuple[int, int, int, int]  # batch number, size, first subject id, first record id


def _jobs(spec: SeedSpec, sizes: list[int], subject_start: int, record_start: int) -> Iterator[Job]:
    """Number each batch's subjects and records; record counts come from the batch's cheap plan."""
    for batch_no, size in enumerate(sizes):
        _, counts = plan_batch(spec, batch_no, size)
        yield batch_no, size, subject_start, record_start
        subject_start += size
        record_start += int(counts.sum())


_WORKER: tuple[SeedSpec, Keyring] | None = None


def _init_worker(spec: SeedSpec, keyring: Keyring) -> None:
    """Keep the batch recipe in the worker; yield the CPU to the writer, the seed's critical path.

    Ctrl+C is left to the parent, which stops submitting, lets the batches in flight finish and rolls back
    the one being written.
    """
    global _WORKER  # one spec per worker process, set once by the pool
    _WORKER = (spec, keyring)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def _build_in_worker(batch_no: int, size: int, subject_start: int, record_start: int) -> Batch:
    assert _WORKER is not None, "worker not initialised"
    spec, keyring = _WORKER
    return build_batch(spec, keyring, batch_no, size, subject_start, record_start)


def _start_method() -> str:
    """fork where available: workers start at once, need no re-import of the caller's main module."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


@contextmanager
def _batches(
    spec: SeedSpec, keyring: Keyring, sizes: list[int], subject_start: int, record_start: int, workers: int
) -> Iterator[Iterator[Batch]]:
    """Batches in order: built here when one process suffices, else by a pool with a bounded window.

    The pool's processes are started on entry, before any progress thread or bulk connection exists, so
    that forking never copies a lock held by another thread.
    """
    jobs = _jobs(spec, sizes, subject_start, record_start)
    if workers <= 1:
        yield (build_batch(spec, keyring, *job) for job in jobs)
        return
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(spec, keyring)) as pool:
        pending: deque[Future[Batch]] = deque()

        def fill() -> None:
            for job in jobs:
                pending.append(pool.submit(_build_in_worker, *job))
                if len(pending) > workers:
                    return

        def ordered() -> Iterator[Batch]:
            while pending:
                batch = pending.popleft().result()
                fill()
                yield batch

        fill()
        try:
            yield ordered()
        finally:
            for future in pending:
                future.cancel()


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int, int], None]]:
    """A French progress bar on stderr, advanced per batch (subjects, records)."""
    if not enabled:
        yield lambda _subjects, _records: None
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=20),
        TaskProgressColumn(),
        TextColumn("{task.fields[people]} personnes, {task.fields[records]} enregistrements"),
        TextColumn("· reste"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("Population", total=total, people="0", records="0")
        people = written = 0

        def advance(subject_count: int, record_count: int) -> None:
            nonlocal people, written
            people += subject_count
            written += record_count
            bar.update(task, advance=subject_count, people=french_int(people), records=french_int(written))

        yield advance
