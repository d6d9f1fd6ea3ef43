"""Summarise a mutmut run (mutants/): counts per module, each survivor with the line it changed, RESULT last.

Killed means a test failed, the mutant timed out, or mypy --strict rejected it (the test command runs mypy, so
such a change could not land). Survivors are the mutants no test noticed, including those no selected test
reaches ("no tests"). Run by scripts/mutation.sh; reads only mutants/*.meta and the mutated sources.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py), folded into what the report needs.
_KILLED = {1: "killed", 3: "killed"}
_TIMEOUT = {36, -24, 24, 152, 255}
_TYPE_CHECK = 37
_NO_TESTS = {5, 33}
_SKIPPED = {34}
_NOT_RUN = {None, 2}
_ALIVE = {"survived", "no tests", "suspicious"}


def _status(code: int | None) -> str:
    if code in _KILLED:
        return "killed"
    if code in _TIMEOUT:
        return "timeout"
    if code == _TYPE_CHECK:
        return "mypy"
    if code == 0:
        return "survived"
    if code in _NO_TESTS:
        return "no tests"
    if code in _SKIPPED:
        return "skipped"
    if code in _NOT_RUN:
        return "not run"
    return "suspicious"


def _changed_lines(name: str, source: Path) -> list[str]:
    """The lines a mutant changed, as `-`/`+` lines with the original line number."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    relative = Path(*source.parts[1:])  # mutants/src/vigie/x.py -> src/vigie/x.py, as mutmut names it
    try:
        diff = get_diff_for_mutant(name, path=relative)
    except Exception as error:  # the report must not fail on one unreadable mutant
        return [f"  (diff indisponible : {error})"]
    original = relative.read_text(encoding="utf-8").splitlines()
    # x_name__mutmut_3 or xǁClassǁname__mutmut_3: look for the changed line from the function's `def` on.
    function = re.sub(r"__mutmut_\d+$", "", name.rpartition(".")[2]).split("ǁ")[-1].removeprefix("x_")
    starts = [i for i, line in enumerate(original) if re.match(rf"\s*(async )?def {re.escape(function)}\(", line)]
    start = starts[0] if starts else 0
    lines = []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")) or not line.startswith(("-", "+")):
            continue
        number = ""
        if line.startswith("-"):
            text = line[1:].strip()
            hits = [i + 1 for i, source_line in enumerate(original) if source_line.strip() == text and i >= start]
            hits = hits or [i + 1 for i, source_line in enumerate(original) if source_line.strip() == text]
            number = f"{hits[0]}" if hits else "?"
        lines.append(f"  {number:>4} {line}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=0, help="durée de la passe, reprise dans la ligne RESULT")
    parser.add_argument("--names", action="store_true", help="n'afficher que les noms des survivants")
    args = parser.parse_args()
    if args.names:
        for meta in sorted(Path("mutants").rglob("*.py.meta")):
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            for name, code in codes.items():
                if _status(code) in _ALIVE:
                    print(name)
        return

    metas = sorted(Path("mutants").rglob("*.py.meta"))
    if not metas:
        raise SystemExit("aucun résultat de mutmut dans mutants/ : lancer scripts/mutation.sh")
    totals: Counter[str] = Counter()
    survivors: list[tuple[Path, str, str]] = []
    print(f"{'module':<34} {'mutants':>7} {'tués':>6} {'délai':>6} {'mypy':>6} {'survivants':>10}")
    for meta in metas:
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(_status(code) for code in codes.values())
        totals.update(counts)
        source = meta.with_suffix("")
        for name, code in sorted(codes.items(), key=lambda item: _natural(item[0])):
            if _status(code) in _ALIVE:
                survivors.append((source, name, _status(code)))
        alive = counts["survived"] + counts["no tests"] + counts["suspicious"]
        module = str(Path(*source.parts[2:]))
        print(
            f"{module:<34} {sum(counts.values()):>7} {counts['killed']:>6} {counts['timeout']:>6} "
            f"{counts['mypy']:>6} {alive:>10}"
        )

    print()
    for source, name, status in survivors:
        print(f"{name} ({status})")
        print("\n".join(_changed_lines(name, source)))

    killed = totals["killed"] + totals["timeout"] + totals["mypy"]
    alive = totals["survived"] + totals["no tests"] + totals["suspicious"]
    judged = killed + alive
    pct = 100.0 * killed / judged if judged else 0.0
    if totals["not run"]:
        print(f"attention : {totals['not run']} mutants n'ont pas été essayés (passe interrompue)")
    tested = totals["killed"] + totals["timeout"] + alive  # the mutants mypy let through
    tests_pct = 100.0 * (totals["killed"] + totals["timeout"]) / tested if tested else 0.0
    # A timeout is a kill for mutmut (the tests did not pass in time), but a tight CPU limit can stop a slow
    # test run of a harmless mutant: the lower bound counts every timeout as a survivor.
    lower = 100.0 * (totals["killed"] + totals["mypy"]) / judged if judged else 0.0
    print(
        f"RESULT mutation killed_pct={pct:.1f} survivors={alive} mutants={judged} tests_only_pct={tests_pct:.1f} "
        f"lower_bound_pct={lower:.1f} killed_by_tests={totals['killed']} timeouts={totals['timeout']} "
        f"killed_by_mypy={totals['mypy']} no_tests={totals['no tests']} seconds={args.seconds}"
    )


def _natural(name: str) -> tuple[str, int]:
    match = re.search(r"^(.*?)(\d+)$", name)
    return (match.group(1), int(match.group(2))) if match else (name, 0)


if __name__ == "__main__":
    main()
