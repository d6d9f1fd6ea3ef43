"""NIR validation in bulk: vigie's vectorised form against its single form and python-stdnum, each in a loop.

    .venv/bin/python bench/nir.py                 # 1,000,000 values
    .venv/bin/python bench/nir.py --count 200000

The values are built before any clock starts, as a Python list of strings (what a CSV reader or a database
driver hands over): about 70% valid NIRs (metropolitan, Corsican, overseas, born abroad; some written
without their key or with spaces), the rest broken one rule at a time (key, month, département, order,
length, first digit), most of them with a right key, as python-stdnum, which checks little more than the
key, accepts them. The vectorised form is also timed on a numpy unicode column. Each figure is the best of
`--repeat` runs (one run for the loops), in values per second of wall-clock time and of this process's CPU
time: on a shared machine the wall-clock figure drops with the load, the CPU figure much less, so the ratios
are taken on CPU time. The vectorised verdicts are checked equal to the single form's, value by value.
Prints `RESULT nir ...` last.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from stdnum.fr import nir as stdnum_nir

from vigie.demo.numbers import nir_numbers, nir_strings
from vigie.nir import check_nir, nir_key
from vigie.nir_bulk import NirChecks, check_nirs

_PLACES = ["75", "13", "69", "2A", "2B", "971", "974", "976", "99"]


class Rate(NamedTuple):
    seconds: float
    wall: float
    cpu: float


def keyed(body: str) -> str:
    return f"{body}{nir_key(body):02d}"


def values(count: int, seed: int = 7) -> list[str]:
    """A deterministic mix of valid and invalid NIRs, as strings."""
    rng = np.random.default_rng(seed)
    place = rng.integers(0, len(_PLACES), size=count)
    width = np.array([3 if len(p) == 2 else 2 for p in _PLACES])[place]
    department = np.array([{"2A": 19, "2B": 18}.get(p, 0) or int(p) for p in _PLACES])[place]
    commune = np.where(width == 2, rng.integers(1, 100, size=count), rng.integers(1, 600, size=count))
    commune = np.where(department == 99, rng.integers(101, 600, size=count), commune)
    body = nir_numbers(
        rng.integers(1, 3, size=count),
        rng.integers(1930, 2025, size=count),
        rng.integers(1, 13, size=count),
        department * 10**width + commune,
        rng.integers(1, 1000, size=count),
    )
    text = [f"{_PLACES[p]}{c:0{w}d}" for p, c, w in zip(place.tolist(), commune.tolist(), width.tolist(), strict=True)]
    out = nir_strings(body, text)
    damage = rng.random(count)
    for i in np.flatnonzero(damage < 0.30).tolist():
        v, d = out[i], damage[i]
        if d < 0.06:
            out[i] = v[:13] + f"{(int(v[13:]) % 97) + 1:02d}"  # wrong key
        elif d < 0.10:
            out[i] = keyed(v[:3] + "13" + v[5:13])  # no such month, yet a right key
        elif d < 0.14:
            out[i] = keyed(v[:5] + "96" + v[7:13])  # no such département, yet a right key
        elif d < 0.17:
            out[i] = keyed(v[:10] + "000")  # no such order, yet a right key
        elif d < 0.19:
            out[i] = v[:14]  # one character short
        elif d < 0.22:
            out[i] = keyed("9" + v[1:13])  # no such first digit, yet a right key
        elif d < 0.26:
            out[i] = v[:13]  # keyless: valid
        else:
            out[i] = " ".join([v[:1], v[1:3], v[3:5], v[5:10], v[10:13], v[13:]])  # spaced: valid
    return out


def timed(run: Callable[[], object], repeat: int) -> tuple[Rate, object]:
    best: Rate | None = None
    result: object = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        rate = Rate(time.perf_counter() - wall, 0.0, time.process_time() - cpu)
        if best is None or rate.seconds < best.seconds:
            best = rate
    assert best is not None
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    count = args.count
    data = values(count)
    column = np.array(data, dtype=np.str_)

    bulk_time, bulk = timed(lambda: check_nirs(data), args.repeat)
    column_time, _ = timed(lambda: check_nirs(column), args.repeat)
    single_time, singles = timed(lambda: [check_nir(v) for v in data], 1)
    stdnum_time, stdnum_valid = timed(lambda: [stdnum_nir.is_valid(v) for v in data], 1)

    assert isinstance(singles, list) and isinstance(stdnum_valid, list) and isinstance(bulk, NirChecks)
    vector = bulk
    same = sum(
        (int(r), int(k), int(m), bool(f)) == (s.reason, s.kind, s.month, s.keyless)
        for r, k, m, f, s in zip(
            vector.reason.tolist(),
            vector.kind.tolist(),
            vector.month.tolist(),
            vector.keyless.tolist(),
            singles,
            strict=True,
        )
    )
    ours = vector.valid.tolist()
    stdnum_only = sum(1 for a, b in zip(stdnum_valid, ours, strict=True) if a and not b)

    rows = [
        ("vigie, vectorised (list of str)", bulk_time),
        ("vigie, vectorised (numpy column)", column_time),
        ("vigie, single form in a loop", single_time),
        ("python-stdnum is_valid in a loop", stdnum_time),
    ]
    print(f"{count:,} values, {sum(ours):,} valid by vigie's rules; stdnum accepts {stdnum_only:,} that they refuse")
    print(f"vectorised verdicts equal to the single form's: {same:,} of {count:,}")
    print(f"{'method':36} {'seconds':>9} {'per s (wall)':>14} {'per s (CPU)':>14}")
    for name, rate in rows:
        print(f"{name:36} {rate.seconds:9.3f} {count / rate.seconds:14,.0f} {count / max(rate.cpu, 1e-9):14,.0f}")
    per_s = count / bulk_time.seconds
    cpu_per_s = count / max(bulk_time.cpu, 1e-9)
    vs_stdnum = stdnum_time.cpu / max(bulk_time.cpu, 1e-9)
    vs_single = single_time.cpu / max(bulk_time.cpu, 1e-9)
    print(
        f"RESULT nir per_s={per_s:.0f} cpu_per_s={cpu_per_s:.0f} vs_stdnum={vs_stdnum:.1f} "
        f"vs_single={vs_single:.1f} agree={same == count}"
    )


if __name__ == "__main__":
    main()
