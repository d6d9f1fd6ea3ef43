"""The peers of bench/pseudo.py, run in their own virtual environment (they pin older numpy and typer than vigie).

Reads the bench's Parquet file, times each peer on it (or on a sample when the peer is too slow for the whole
file) and prints one JSON object. Not imported by vigie.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import json
import sys
import time

import pandas as pd


def _best(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    path, presidio_rows, pycanon_k_rows, pycanon_l_rows, anonypy_rows = sys.argv[1], *map(int, sys.argv[2:6])
    df = pd.read_parquet(path)
    qis = ["age", "sexe", "dept", "annee"]
    out: dict[str, object] = {}

    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    engine = AnonymizerEngine()
    values = df["nir"].head(presidio_rows).tolist()
    operators = {"NIR": OperatorConfig("hash", {"hash_type": "sha256", "salt": "sel-de-banc-d-essai"})}

    def presidio() -> None:
        for value in values:
            engine.anonymize(
                text=value, analyzer_results=[RecognizerResult("NIR", 0, len(value), 1.0)], operators=operators
            )

    out["presidio_rows"] = len(values)
    out["presidio_s"] = _best(presidio)

    from pycanon import anonymity

    sample = df.head(pycanon_k_rows)
    out["pycanon_k_rows"] = len(sample)
    out["pycanon_k_s"] = _best(lambda: anonymity.k_anonymity(sample, qis))
    out["pycanon_k"] = int(anonymity.k_anonymity(sample, qis))
    sample = df.head(pycanon_l_rows)
    out["pycanon_l_rows"] = len(sample)
    out["pycanon_l_s"] = _best(lambda: anonymity.l_diversity(sample, qis, ["ald"]))

    import anonypy

    sample = df.head(anonypy_rows)[["age", "dept_num", "annee", "montant", "ald"]].copy()
    sample["ald"] = sample["ald"].astype("category")
    preserver = anonypy.Preserver(sample, ["age", "dept_num", "annee", "montant"], "ald")
    out["anonypy_rows"] = len(sample)
    out["anonypy_s"] = _best(lambda: preserver.anonymize_k_anonymity(k=10))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
