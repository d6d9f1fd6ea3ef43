"""Peak memory of a large pseudonymised extract: batches spilled to Parquet parts, then the global pass.

    .venv/bin/python bench/pseudo_memory.py --rows 10000000

The people come from a synthetic source, not the vault: seeding a 10,000,000-person vault (each person sealed
under their own key) takes far longer than this machine can give a benchmark. Everything after the gate runs
as `vigie pseudo extract` runs it: per batch of 100,000 rows the two-pass pseudonyms and the raw rows, spilled
to Parquet; then `extract.finish_polars` (rules, k within the budget, Parquet and CSV streamed). Prints one
JSON line with the process's peak resident memory (`ru_maxrss`), run in its own process so nothing else counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from vigie.pseudo.bulk import national_bulk
from vigie.pseudo.extract import PARQUET, finish_polars
from vigie.pseudo.generalise import rule
from vigie.pseudo.keys import KeyRole, PseudoKey
from vigie.pseudo.spec import ExtractSpec, Field
from vigie.taxonomy import SubjectKind

BATCH = 100_000
DEPARTMENTS = np.array([f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B", "971", "972", "974"])


def batch(rng: np.random.Generator, rows: int, keys: dict[KeyRole, PseudoKey]) -> pl.DataFrame:
    sex = rng.integers(1, 3, rows)
    births = np.datetime64("1930-01-01") + rng.integers(0, 90 * 365, rows).astype("timedelta64[D]")
    nir = [f"{s}{n:012d}" for s, n in zip(sex.tolist(), rng.integers(0, 10**12, rows).tolist(), strict=True)]
    people = pl.DataFrame({"nir": nir, "birth": births, "sex": sex})
    return pl.DataFrame(
        {
            "personne": national_bulk(keys, people, workers=1),
            "age": (np.datetime64("2026-11-28") - births).astype("timedelta64[D]").astype(np.int64) // 365,
            "sexe": sex.astype(str),
            "departement": DEPARTMENTS[rng.integers(0, len(DEPARTMENTS), rows)],
            "jour": np.datetime64("2024-01-01") + rng.integers(0, 1000, rows).astype("timedelta64[D]"),
            "montant": np.round(rng.lognormal(4, 1, rows), 2).astype(str),
        }
    ).with_columns(pl.col("age").cast(pl.Int32), pl.col("jour").cast(pl.Date))


SPEC = ExtractSpec(
    file="banc", processing="banc", study=None, kind=SubjectKind.INSURED, categories=("health.care",),
    reference_date=None,
    fields=(
        Field("personne", "pseudonym", None),
        Field("age", "age", rule({"age_band": 10})),
        Field("sexe", "sex", None),
        Field("departement", "department", rule("region")),
        Field("jour", "recorded_on", rule("quarter")),
        Field("montant", "payload.montant", rule({"bands": [0, 20, 50, 100, 500]})),
    ),
    quasi_identifiers=("age", "sexe", "departement"), k=10, max_suppression=0.01, drop=(),
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    rows = parser.parse_args().rows
    keys = {role: PseudoKey(role, "banc", os.urandom(32)) for role in KeyRole}
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        parts = work / "parts"
        parts.mkdir()
        for index, low in enumerate(range(0, rows, BATCH)):
            batch(rng, min(BATCH, rows - low), keys).write_parquet(parts / f"part-{index:06d}.parquet")
        spilled = time.perf_counter()
        result = finish_polars(SPEC, parts, work)
        written = pl.scan_parquet(work / PARQUET).select(pl.len()).collect().item()
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "rows": rows, "written": written, "suppressed": result.suppressed, "peak_mb": round(peak_mb),
        "batches_s": round(spilled - started, 1), "global_pass_s": round(done - spilled, 1),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
