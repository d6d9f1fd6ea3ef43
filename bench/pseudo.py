"""Pseudonymisation and anonymity checks: vigie beside Presidio, pycanon and anonypy, in one run.

    .venv/bin/python bench/pseudo.py [--rows 1000000]

The peers pin older numpy and typer than vigie, so they run in a virtual environment of their own
(`var/bench-peers`, created on first use from the package registry) on the same Parquet file, timed the same way.
Where a peer is too slow for the whole file it is timed on a sample and its rate is quoted per row. Prints a
table, then `RESULT pseudo ...`. `peak_mb` is the peak memory of a 10,000,000-row extract measured in its own process
by `bench/pseudo_memory.py` (a synthetic source: see there why).
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from vigie.pseudo.anonymity import k_anonymity, l_diversity
from vigie.pseudo.bulk import messages, national_bulk
from vigie.pseudo.generalise import keep, rule
from vigie.pseudo.kanon import reach_k
from vigie.pseudo.keys import KeyRole, PseudoKey

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "var" / "bench-peers"
PEER_PACKAGES = ["presidio-anonymizer", "pycanon", "anonypy", "pandas", "pyarrow"]
QIS = ["age", "sexe", "dept", "annee"]


def synthetic(rows: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    departments = np.array([f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B", "971", "972", "974"])
    dept_index = rng.integers(0, len(departments), rows)
    births = np.datetime64("1930-01-01") + rng.integers(0, 90 * 365, rows).astype("timedelta64[D]")
    sex = rng.integers(1, 3, rows)
    nir = [f"{s}{n:012d}" for s, n in zip(sex.tolist(), rng.integers(0, 10**12, rows).tolist(), strict=True)]
    return pl.DataFrame(
        {
            "nir": nir,
            "birth": births,
            "sex": sex,
            "twin_rank": rng.choice([1, 1, 1, 1, 2], rows),
            "age": (rng.integers(0, 100, rows) // 5) * 5,
            "sexe": sex,
            "dept": departments[dept_index],
            "dept_num": dept_index,
            "annee": rng.integers(2015, 2025, rows),
            "montant": np.round(rng.lognormal(4, 1, rows), 2),
            "ald": rng.integers(0, 30, rows),
        }
    )


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) if repeat > 2 else min(times)


def cpu(fn: Callable[[], object], repeat: int = 3) -> float:
    """Median CPU seconds of the process (every thread) for one call: what the work costs whatever the load,
    since other processes on a shared machine take wall time but not this process's CPU time."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def peers(path: Path, rows: int) -> dict[str, float]:
    python = PEERS / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    sizes = [str(min(rows, 20_000)), str(rows), str(min(rows, 100_000)), str(min(rows, 20_000))]
    done = subprocess.run(
        [str(python), str(ROOT / "bench" / "pseudo_peers.py"), str(path), *sizes],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--extract-rows", type=int, default=10_000_000, help="rows of the extract whose peak memory is measured"
    )
    args = parser.parse_args()
    rows = args.rows
    data = synthetic(rows)
    keys = {role: PseudoKey(role, "banc", os.urandom(32)) for role in KeyRole}
    people = data.select("nir", "birth", "sex", "twin_rank")

    national_bulk(keys, people.head(1_000))  # compiles the BLAKE2b kernel on a first run (cached on disk after)
    pseudo_s = best(lambda: national_bulk(keys, people), repeat=3)
    pseudo_cpu_s = cpu(lambda: national_bulk(keys, people))
    built = messages(people)
    k1, k2 = keys[KeyRole.SOURCE].secret, keys[KeyRole.CENTRAL].secret

    def floor() -> None:
        one = hmac.digest
        [one(k2, one(k1, m, "sha256"), "sha256") for m in built]

    floor_s = best(floor, repeat=1)
    kanon_s = best(lambda: k_anonymity(data, QIS, k=10))
    kanon_cpu_s = cpu(lambda: k_anonymity(data, QIS, k=10))
    ldiv_s = best(lambda: l_diversity(data, QIS, "ald", l=2))
    hierarchies = {
        "age": [keep(), rule({"bands": [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]})],
        "sexe": [keep()],
        "dept": [keep(), rule("region")],
        "annee": [keep(), rule({"bands": [2015, 2020, 2025]})],
    }
    started = time.perf_counter()
    reached = reach_k(data, hierarchies, 10, max_suppression=0.01)
    k10_s = time.perf_counter() - started
    sample = data.head(100_000)
    kanon_100k_s = best(lambda: k_anonymity(sample, QIS))
    ldiv_100k_s = best(lambda: l_diversity(sample, QIS, "ald"))
    k10_sample = data.head(min(rows, 20_000))
    k10_20k_s = best(lambda: reach_k(k10_sample, hierarchies, 10), repeat=1)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extrait.parquet"
        data.with_columns(pl.col("nir").cast(pl.String)).write_parquet(path)
        peer = peers(path, rows)

    memory = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pseudo_memory.py"), "--rows", str(args.extract_rows)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    extract = json.loads(memory.stdout.strip().splitlines()[-1])

    per_s = rows / pseudo_s
    presidio_per_s = peer["presidio_rows"] / peer["presidio_s"]
    pycanon_k_rate = peer["pycanon_k_s"] / peer["pycanon_k_rows"]
    vs_pycanon = (pycanon_k_rate * rows) / kanon_s
    n = f"{rows:,}".replace(",", " ")
    table = [
        ("pseudonymes par seconde (Presidio)", f"{per_s:,.0f}", f"{presidio_per_s:,.0f}", per_s / presidio_per_s),
        ("  plancher : boucle hmac nue, par seconde", "", f"{rows / floor_s:,.0f}", per_s / (rows / floor_s)),
        (f"k-anonymat, s ({n} lignes ; pycanon)", f"{kanon_s:.3f}", f"{pycanon_k_rate * rows:.2f}", vs_pycanon),
        ("l-diversité, s (100 000 lignes ; pycanon)", f"{ldiv_100k_s:.3f}", f"{peer['pycanon_l_s']:.2f}",
         peer["pycanon_l_s"] / ldiv_100k_s),
        (f"l-diversité, s ({n} lignes)", f"{ldiv_s:.3f}", "", None),
        ("atteindre k = 10, s (20 000 lignes ; anonypy)", f"{k10_20k_s:.2f}", f"{peer['anonypy_s']:.2f}",
         peer["anonypy_s"] / k10_20k_s),
        (f"atteindre k = 10, s ({n} lignes)", f"{k10_s:.2f}", "", None),
        ("extraction de " + f"{extract['rows']:,}".replace(",", " ") + " lignes : mémoire de pointe, Mo",
         f"{extract['peak_mb']}", "", None),
    ]  # fmt: skip
    print(f"{'mesure':<50}{'vigie':>14}{'pair':>16}{'rapport':>10}")
    for label, ours, theirs, ratio in table:
        print(f"{label:<50}{ours:>14}{theirs:>16}{'' if ratio is None else f'{ratio:.1f}':>10}")
    print(f"  niveaux retenus : {reached.levels}, lignes supprimées : {reached.suppressed_rows}")
    print(f"  k-anonymat sur 100 000 lignes : {kanon_100k_s:.3f} s")
    print(
        f"  temps processeur (tous fils) : pseudonymes {pseudo_cpu_s:.3f} s, soit {rows / pseudo_cpu_s:,.0f} par "
        f"seconde-cœur ; k-anonymat {kanon_cpu_s:.3f} s ; charge : {os.getloadavg()[0]:.1f}"
    )
    print(
        f"RESULT pseudo pseudonyms_per_s={per_s:.0f} vs_presidio={per_s / presidio_per_s:.1f} "
        f"pseudonyms_per_cpu_s={rows / pseudo_cpu_s:.0f} kanon_cpu_s={kanon_cpu_s:.3f} "
        f"floor_per_s={rows / floor_s:.0f} kanon_1m_s={kanon_s:.3f} vs_pycanon={vs_pycanon:.0f} "
        f"ldiv_1m_s={ldiv_s:.3f} vs_pycanon_l={peer['pycanon_l_s'] / ldiv_100k_s:.0f} k10_1m_s={k10_s:.2f} "
        f"vs_anonypy={peer['anonypy_s'] / k10_20k_s:.0f} peak_mb={extract['peak_mb']} "
        f"extract_rows={extract['rows']} load={os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
