"""Benchmark: `vigie demo seed` against what a user would otherwise write (Faker + SQLAlchemy Core).

The peer generates French-looking people with Faker and inserts them with plain SQLAlchemy Core
`executemany`, without any encryption: a flattering comparison for the peer, since vigie seals every
identity and payload under per-subject keys. Both run at a size the peer can manage; vigie then runs alone
at full size. Each case runs in its own process so that its peak memory is its own.

    .venv/bin/python bench/seed.py [--subjects 1000000] [--records-per-subject 10] [--peer-subjects 20000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

TODAY = dt.date(2025, 6, 1)


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in KiB."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _tree_rss_kb(int(child))
    except (OSError, ValueError):
        pass
    return total


class TreeSampler:
    """Samples the process tree's total resident memory every 50 ms; keeps the peak."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import os

        while not self._stop.wait(0.05):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def run_vigie(subjects: int, records_per_subject: float, directory: Path) -> dict[str, Any]:
    from vigie.bootstrap import prepare
    from vigie.demo.seed import seed_demo
    from vigie.settings import load_settings

    env = prepare(load_settings(data_dir=directory), create_keys=True)
    report = seed_demo(env, subjects, records_per_subject=records_per_subject, progress=False, today=TODAY)
    env.engine.dispose()
    return {"subjects": report.subjects, "records": report.records, "seconds": report.seconds}


def run_faker(subjects: int, records_per_subject: float, directory: Path) -> dict[str, Any]:
    """The peer: Faker rows, SQLAlchemy Core executemany, same schema, no encryption."""
    from faker import Faker
    from sqlalchemy import create_engine, insert

    from vigie.organisations import sync_organisations
    from vigie.register import Policy, load_register
    from vigie.store.schema import metadata, records
    from vigie.store.schema import subjects as subjects_table

    register = load_register()
    policy = Policy.compile(register)
    engine = create_engine(f"sqlite:///{directory / 'faker.db'}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        sync_organisations(connection, register)
    cpams = [o.code for o in register.organisations.values() if o.department]
    pairs: dict[str, list[tuple[str, str]]] = {}
    for (processing, kind), categories in policy.categories_of.items():
        pairs.setdefault(kind.value, []).extend((processing, c.value) for c in categories)
    kinds = ["insured"] * 90 + ["health_professional"] * 4 + ["employer"] * 4 + ["self_employed"] * 2
    fake = Faker("fr_FR")
    Faker.seed(0)
    rng = random.Random(0)
    started = time.perf_counter()
    subject_id = record_id = 0
    batch = 20_000
    for start in range(0, subjects, batch):
        subject_rows, record_rows = [], []
        for _ in range(min(batch, subjects - start)):
            subject_id += 1
            kind = rng.choice(kinds)
            created = fake.date_between(TODAY - dt.timedelta(days=12 * 365), TODAY)
            identity = {
                "nom": fake.last_name(),
                "prenom": fake.first_name(),
                "nir": fake.ssn(),
                "date_naissance": fake.date_of_birth().isoformat(),
                "adresse": fake.address(),
                "telephone": fake.phone_number(),
                "courriel": fake.email(),
            }
            if kind != "insured":
                identity["siret"] = fake.siret()
            subject_rows.append(
                {
                    "id": subject_id,
                    "kind": kind,
                    "organisation_code": rng.choice(cpams),
                    "identity": json.dumps(identity, ensure_ascii=False).encode(),
                    "created_on": created,
                    "rights_end_on": fake.date_between(created, TODAY) if rng.random() < 0.3 else None,
                    "restricted": False,
                }
            )
            for _ in range(round(rng.expovariate(1 / records_per_subject)) if records_per_subject else 0):
                record_id += 1
                processing, category = rng.choice(pairs[kind])
                payload = {"date": fake.date_between(created, TODAY).isoformat(), "montant": fake.pyfloat(3, 2, True)}
                payload["libelle"] = fake.sentence(nb_words=4)
                record_rows.append(
                    {
                        "id": record_id,
                        "subject_id": subject_id,
                        "processing_id": processing,
                        "category": category,
                        "payload": json.dumps(payload, ensure_ascii=False).encode(),
                        "recorded_on": fake.date_between(created, TODAY),
                        "event": None,
                        "event_on": None,
                    }
                )
        with engine.begin() as connection:
            connection.execute(insert(subjects_table), subject_rows)
            if record_rows:
                connection.execute(insert(records), record_rows)
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"subjects": subject_id, "records": record_id, "seconds": seconds}


def run_case(case: str, subjects: int, records_per_subject: float) -> None:
    """Child mode: run one case and print its figures as JSON (peak memory of this process tree)."""
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp, TreeSampler() as sampler:
        runner = run_vigie if case == "vigie" else run_faker
        figures = runner(subjects, records_per_subject, Path(tmp))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak_rss_mb"] = max(own + children, sampler.peak_kb) / 1024
    print(json.dumps(figures))


def _fr(value: int) -> str:
    """French thousands separator (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")


def measure(case: str, subjects: int, records_per_subject: float) -> dict[str, Any]:
    """Run one case in a fresh process and read back its figures."""
    command = [sys.executable, __file__, "--case", case, "--subjects", str(subjects)]
    command += ["--records-per-subject", str(records_per_subject)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["records_per_s"] = figures["records"] / figures["seconds"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_000_000, help="taille complète pour vigie seul")
    parser.add_argument("--records-per-subject", type=float, default=10.0)
    parser.add_argument("--peer-subjects", type=int, default=20_000, help="taille commune avec le pair")
    parser.add_argument("--case", choices=["vigie", "faker"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case, args.subjects, args.records_per_subject)
        return
    console = Console(width=132)
    rows = []
    for label, case, size in (
        ("vigie (chiffré)", "vigie", args.peer_subjects),
        ("Faker + SQLAlchemy Core (en clair)", "faker", args.peer_subjects),
        ("vigie (chiffré), taille complète", "vigie", args.subjects),
    ):
        console.print(f"Mesure : {label}, {size} personnes…")
        rows.append((label, measure(case, size, args.records_per_subject)))
    ratio = rows[0][1]["records_per_s"] / rows[1][1]["records_per_s"]
    table = Table(title="Création d'une population synthétique (SQLite, 2 cœurs)")
    for column in ("Outil", "Personnes", "Enregistrements", "Secondes", "Enreg./s", "RSS max (Mo)"):
        table.add_column(column, justify="left" if column == "Outil" else "right")
    for label, f in rows:
        table.add_row(
            label,
            _fr(f["subjects"]),
            _fr(f["records"]),
            f"{f['seconds']:.1f}".replace(".", ","),
            _fr(round(f["records_per_s"])),
            _fr(round(f["peak_rss_mb"])),
        )
    console.print(table)
    console.print(f"vigie / Faker (enregistrements par seconde, à taille égale) : × {ratio:.1f}".replace(".", ","))
    full = rows[2][1]
    print(
        f"RESULT seed subjects={full['subjects']} records={full['records']} seconds={full['seconds']:.1f} "
        f"records_per_s={full['records_per_s']:.0f} peak_rss_mb={full['peak_rss_mb']:.0f} vs_faker={ratio:.1f}"
    )


if __name__ == "__main__":
    main()
