#!/usr/bin/env bash
# Mutation testing of the rules core (access/, vault, agents) and of the journal's verification, on demand:
# not part of the test suite, like the benchmarks. mutmut changes one thing at a time in those modules (a
# condition dropped, a comparison flipped, a value replaced) and runs the tests that reach the changed
# function; a change no test notices is a survivor. Configuration: [tool.mutmut] in pyproject.toml; the
# survivors judged harmless are listed with why in docs/mutation.md.
#
#   scripts/mutation.sh            a fresh run (about 20 to 40 minutes on 2 shared cores)
#   scripts/mutation.sh --keep     keep the previous run's kills for the functions that did not change, and
#                                  try every previous survivor again against the current tests
#
# Tests run on SQLite only (the filters under test are engine-independent SQL; the full suite runs them on
# PostgreSQL too), and mypy --strict counts as a test: a mutant it rejects could not pass the gate.
# The last line is `RESULT mutation killed_pct=... survivors=...`.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=""
case "${1:-}" in
  "") ;;
  --keep) keep=1 ;;
  *) echo "usage : scripts/mutation.sh [--keep]" >&2; exit 2 ;;
esac

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q -e '.[test,mutation]' >/dev/null
export PATH="$PWD/.venv/bin:$PATH"

# One property test walks thousands of Merkle proofs: 3 s normally, 150 s through mutmut's trampolines, and
# it would run in full for every surviving Merkle mutant. tests/audit/test_merkle_small.py checks the same
# property over a smaller tree for the mutation runs.
export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --deselect tests/audit/test_audit_merkle.py::test_proofs_from_a_purged_prefix_equal_proofs_from_all_leaves"

[ -n "$keep" ] || rm -rf mutants
mkdir -p mutants
start=$(date +%s)
# mutmut draws a progress line with carriage returns: keep it in a log and show its last state.
if ! mutmut run --max-children "${VIGIE_MUTATION_JOBS:-2}" >mutants/run.log 2>&1; then
  tail -n 40 mutants/run.log >&2
  echo "mutmut a échoué (journal complet : mutants/run.log)" >&2
  exit 1
fi
if [ -n "$keep" ]; then
  # mutmut keeps a survivor's verdict while its function is unchanged, even when new tests would kill it.
  mapfile -t again < <(python scripts/mutation_report.py --names)
  if [ "${#again[@]}" -gt 0 ] && ! mutmut run --max-children "${VIGIE_MUTATION_JOBS:-2}" "${again[@]}" \
      >mutants/rerun.log 2>&1; then
    tail -n 40 mutants/rerun.log >&2
    echo "mutmut a échoué en réessayant les survivants (journal : mutants/rerun.log)" >&2
    exit 1
  fi
fi
tr '\r' '\n' <mutants/run.log | grep -v '^\s*$' | tail -n 3
python scripts/mutation_report.py --seconds "$(( $(date +%s) - start ))"
