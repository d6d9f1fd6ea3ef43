"""Start-up of the `vigie` command: `vigie --help` and `vigie access check`, against the libraries' own floor.

    .venv/bin/python bench/startup.py               # 11 runs of each, medians
    .venv/bin/python bench/startup.py --runs 21

`access check` is the real command on a real SQLite database set up as the tests set it up (`vigie demo seed
--subjects 200` in a fresh data directory): it loads the settings, the keys and the compiled register, opens
the database, decides one access and journals it durably (the entry committed before the answer is printed).
The floor is a bare `python -c "import sqlalchemy, typer, cryptography…"`: the libraries the command cannot do
without; `python_s` is the interpreter alone. `access_check_cold_s` is the first run after the register
changed (no compiled form cached: YAML parsed, models validated, policy compiled, cache written).

Every figure is the median wall time of `--runs` runs, with bytecode cached as an installation has it (pip
compiles it; one untimed run writes it for a checkout, even under PYTHONDONTWRITEBYTECODE, which would make
every run compile vigie's sources again). The machine's load average is printed with the figures: on a
shared machine the wall time grows with it. `--instructions` also counts the instructions each command
executes (valgrind, once each: slow, but the same count whatever the load), and gives each command's count
over the floor's, which a busy machine does not change. Prints `RESULT startup ...` last.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

from sqlalchemy import select

from vigie.store import open_database
from vigie.store.schema import subjects

VIGIE = Path(sys.executable).with_name("vigie")
LIBRARIES = "import sqlalchemy, typer, cryptography.hazmat.primitives.ciphers.aead"


def environ(data_dir: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_") and k != "PYTHONDONTWRITEBYTECODE"}
    return {**clean, "VIGIE_DATA_DIR": str(data_dir)}


def wall(argv: list[str], env: dict[str, str], expect: int = 0) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, timeout=120, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr.decode()}")
    return elapsed


def median(argv: list[str], env: dict[str, str], runs: int, before: Path | None = None) -> float:
    """Median wall time; `before`, when given, is a file removed before each run (the register's cache)."""
    times = []
    for _ in range(runs):
        if before is not None:
            before.unlink(missing_ok=True)
        times.append(wall(argv, env))
    return statistics.median(times)


def instructions(argv: list[str], env: dict[str, str]) -> int:
    """Instructions a run executes, counted by valgrind (cachegrind without its cache simulation)."""
    tool = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    done = subprocess.run([*tool, *argv], capture_output=True, text=True, env=env, timeout=600, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no count for {' '.join(argv)}:\n{done.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def seeded(data_dir: Path, env: dict[str, str]) -> int:
    """A data directory with keys, a database and 200 people, as the command-line tests set it up; a person
    of the Paris fund whom the Paris social worker may see."""
    wall([str(VIGIE), "demo", "seed", "--subjects", "200", "--json"], env)
    engine = open_database(f"sqlite:///{data_dir / 'vigie.db'}", create=False)
    with engine.connect() as connection:
        found = connection.scalar(
            select(subjects.c.id).where(subjects.c.organisation_code == "CPAM-75", subjects.c.kind == "insured")
        )
    engine.dispose()
    assert found is not None
    return int(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--instructions", action="store_true", help="also count instructions (needs valgrind)")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    with tempfile.TemporaryDirectory(prefix="vigie-startup-") as folder:
        data_dir = Path(folder) / "donnees"
        env = environ(data_dir)
        subject = seeded(data_dir, env)
        check = [str(VIGIE), "access", "check", "--agent", "paris-social", "--purpose", "social_support"]
        check += ["--subject", str(subject), "--categories", "contact"]
        commands = {
            "python_s": [sys.executable, "-c", "pass"],
            "floor_s": [sys.executable, "-c", LIBRARIES],
            "help_s": [str(VIGIE), "--help"],
            "access_check_s": check,
        }
        for argv in commands.values():
            wall(argv, env)  # writes the bytecode, warms the file cache
        load_before = os.getloadavg()[0]
        figures = {name: median(argv, env, args.runs) for name, argv in commands.items()}
        figures["access_check_cold_s"] = median(check, env, args.runs, before=data_dir / "register.cache")
        load_after = os.getloadavg()[0]
        counts = {name: instructions(argv, env) for name, argv in commands.items()} if args.instructions else {}
    print(f"{'what':<22}{'median wall (s)':>16}")
    for name, value in figures.items():
        print(f"{name:<22}{value:>16.3f}")
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after; {os.cpu_count()} CPUs")
    ratios = {}
    if counts:
        print(f"{'what':<22}{'instructions':>16}{'/ floor':>10}")
        for name, count in counts.items():
            print(f"{name:<22}{count:>16,}{count / counts['floor_s']:>10.2f}")
        ratios = {
            "help_vs_floor": counts["help_s"] / counts["floor_s"],
            "access_check_vs_floor": counts["access_check_s"] / counts["floor_s"],
        }
    order = ("help_s", "access_check_s", "access_check_cold_s", "floor_s", "python_s")
    shown = " ".join(f"{name}={figures[name]:.3f}" for name in order)
    shown += "".join(f" {name}={value:.2f}" for name, value in ratios.items())
    print(f"RESULT startup {shown} runs={args.runs} load={load_after:.2f}")


if __name__ == "__main__":
    main()
