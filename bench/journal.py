"""Append throughput of the audit journal (group commit: groups of at most 100 entries or 10 ms).

    .venv/bin/python bench/journal.py                     # SQLite file in a temporary directory
    .venv/bin/python bench/journal.py --database postgresql+psycopg://postgres@127.0.0.1/bench

Events are built before the clock starts (distinct objects, distinct timestamps), so the figures measure the
journal: submit, canonical encoding, hashing, insert, head signature and commit. Prints `RESULT …` last.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from vigie.audit import AuditAction, AuditEvent, Journal, check, subject_pseudonym
from vigie.crypto import Keyring
from vigie.store import migrate, open_database


class Rate(NamedTuple):
    wall: float
    cpu: float


def events(keyring: Keyring, count: int, offset: int) -> list[AuditEvent]:
    start = datetime.now(UTC)
    refs = [subject_pseudonym(keyring, i) for i in range(1000)]
    return [
        AuditEvent(
            action=AuditAction.READ,
            allowed=True,
            reason="consultation du dossier : besoin d'en connaître",
            at=start + timedelta(microseconds=offset + i),
            agent_id=f"agent-{i % 50}",
            subject_ref=refs[i % 1000],
            purpose="gestion_des_droits",
            categories=("identification", "health.care"),
        )
        for i in range(count)
    ]


def timed(run: Callable[[Journal, list[AuditEvent]], int], journal: Journal, batch: list[AuditEvent]) -> Rate:
    """Entries per second of wall-clock time, and per second of this process's CPU time (both threads).

    On a machine shared with other work, the wall-clock figure drops with the load; the CPU figure does not,
    and is what one otherwise idle core would sustain (it leaves out time spent waiting on fsync)."""
    wall, cpu = time.perf_counter(), time.process_time()
    count = run(journal, batch)
    return Rate(count / (time.perf_counter() - wall), count / (time.process_time() - cpu))


def serial(journal: Journal, batch: list[AuditEvent]) -> int:
    """Submit 100, wait on the last, repeat."""
    for i in range(0, len(batch), 100):
        receipts = [journal.submit(event) for event in batch[i : i + 100]]
        receipts[-1].wait()
    return len(batch)


def pipelined(journal: Journal, batch: list[AuditEvent]) -> int:
    """Submit 100, then wait on the previous hundred's last receipt: the next group fills while one commits."""
    previous = None
    for i in range(0, len(batch), 100):
        receipts = [journal.submit(event) for event in batch[i : i + 100]]
        if previous is not None:
            previous.wait()
        previous = receipts[-1]
    if previous is not None:
        previous.wait()
    return len(batch)


def threaded(journal: Journal, batch: list[AuditEvent], threads: int = 8) -> int:
    """`threads` producers, each appending its share one entry at a time (web workers, say)."""
    share = len(batch) // threads

    def work(part: list[AuditEvent]) -> None:
        for i in range(0, len(part), 100):
            receipts = [journal.submit(event) for event in part[i : i + 100]]
            receipts[-1].wait()

    workers = [threading.Thread(target=work, args=(batch[k * share : (k + 1) * share],)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return share * threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="URL SQLAlchemy (par défaut : SQLite dans un dossier temporaire)")
    parser.add_argument("-n", type=int, default=100_000, help="entrées par mesure")
    parser.add_argument("--fsync", action="store_true", help="SQLite : power_safe (fsync à chaque groupe)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database or f"sqlite:///{Path(scratch) / 'bench.db'}"
        engine = open_database(url)
        migrate(engine)
        keyring = Keyring.generate()
        began = time.perf_counter()
        made = events(keyring, args.n, 0)
        built = args.n / (time.perf_counter() - began)
        figures = {}
        with Journal(engine, keyring, power_safe=args.fsync) as journal:
            figures["serial"] = timed(serial, journal, made)
            figures["pipelined"] = timed(pipelined, journal, events(keyring, args.n, args.n))
            figures["threads8"] = timed(threaded, journal, events(keyring, args.n, 2 * args.n))
        wall, cpu = time.perf_counter(), time.process_time()
        report = check(engine, keyring)
        figures["verify"] = Rate(
            report.entries_checked / (time.perf_counter() - wall), report.entries_checked / (time.process_time() - cpu)
        )
        engine.dispose()
    print(f"moteur : {engine.dialect.name}, {args.n} entrées par mesure, fsync : {args.fsync}")
    print(f"construction des événements (hors mesure) : {built:,.0f}/s".replace(",", " "))
    print(f"charge de la machine (1 min) : {os.getloadavg()[0]:.2f}")
    for name, rate in figures.items():
        print(f"{name:>10} : {rate.wall:>9,.0f} entrées/s, {rate.cpu:>9,.0f} par seconde de CPU".replace(",", " "))
    print(f"vérification : {report.reason}")
    values = " ".join(f"{name}={rate.wall:.0f} {name}_cpu={rate.cpu:.0f}" for name, rate in figures.items())
    print(f"RESULT audit_journal engine={engine.dialect.name} fsync={int(args.fsync)} {values}")


if __name__ == "__main__":
    main()
