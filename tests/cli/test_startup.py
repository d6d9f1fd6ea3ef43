"""Start-up: `vigie --help` and `vigie access check` import only what they use, and stay within their budget.

Wall time on a shared machine says little, so the budget is checked on what a run costs in CPU time and on
the modules it imports: `--help` loads no command module and none of the heavy libraries; `access check`
loads neither the web stack, nor Alembic, nor NumPy, and, once the register's compiled form is cached, neither
YAML nor pydantic (typer's own validators included), nor rich, nor the PostgreSQL dialect on SQLite, nor the
parts of the journal that only its readers use. bench/startup.py measures the times themselves.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

VIGIE = Path(sys.executable).with_name("vigie")

NOT_FOR_HELP = {
    "alembic",
    "cryptography",
    "fastapi",
    "jinja2",
    "numpy",
    "psycopg",
    "pydantic",
    "rich",
    "sqlalchemy",
    "starlette",
    "uvicorn",
    "yaml",
    "vigie.access",
    "vigie.audit",
    "vigie.register",
    "vigie.store",
    "vigie.cli.access_cmd",
    "vigie.cli.serve_cmd",
}
NOT_FOR_ACCESS_CHECK = {
    "alembic",
    "fastapi",
    "jinja2",
    "mako",
    "numpy",
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "rich",
    "sqlalchemy.dialects.postgresql",
    "starlette",
    "typer._adapters",
    "uvicorn",
    "yaml",
    "vigie.audit.notes",
    "vigie.audit.verify",
    "vigie.audit.witness",
    "vigie.demo",
    "vigie.register.loader",
    "vigie.register.models",
    "vigie.web",
}


def imported(argv: list[str], env: dict[str, str]) -> set[str]:
    """Every module a run of `python -m vigie ARGV` imports, from Python's own import log."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "vigie", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return {name for name in names if name and name != "package"}


def loaded(modules: set[str], forbidden: set[str]) -> set[str]:
    return {m for m in modules for f in forbidden if m == f or m.startswith(f + ".")}


def cpu_seconds(argv: list[str], env: dict[str, str], runs: int = 3) -> float:
    """The least CPU time (user + system) of a few runs of a command: what it costs, whatever the load.

    With its modules' bytecode cached, as an installation has it (pip compiles it; a checkout run with
    PYTHONDONTWRITEBYTECODE would compile vigie's sources on every run): one untimed run writes it first."""
    environ = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **env}
    subprocess.run(argv, capture_output=True, env=environ, timeout=120, check=False)
    best = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, capture_output=True, env=environ, timeout=120, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def access_check(subject: int) -> list[str]:
    agent = ["--agent", "paris-social", "--purpose", "social_support"]
    return ["access", "check", *agent, "--subject", str(subject), "--categories", "contact"]


def test_help_imports_no_command_and_no_heavy_library() -> None:
    modules = imported(["--help"], {})
    assert "vigie.cli.app" in modules
    assert loaded(modules, NOT_FOR_HELP) == set()


def test_access_check_imports_only_what_deciding_and_journaling_need(seeded: Path, paris_subject: int) -> None:
    """`seeded` started once, so the register's compiled form is cached, as it is after `vigie init`."""
    modules = imported(access_check(paris_subject), {"VIGIE_DATA_DIR": str(seeded)})
    assert "vigie.access.service" in modules and "sqlalchemy" in modules
    assert loaded(modules, NOT_FOR_ACCESS_CHECK) == set()


def test_access_check_still_answers_when_the_register_must_be_compiled(seeded: Path, paris_subject: int) -> None:
    (seeded / "register.cache").unlink()
    done = subprocess.run(
        [str(VIGIE), *access_check(paris_subject), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "VIGIE_DATA_DIR": str(seeded)},
        timeout=120,
    )
    assert done.returncode == 0 and '"allowed": true' in done.stdout, done.stderr
    assert (seeded / "register.cache").is_file()
    assert loaded(imported(access_check(paris_subject), {"VIGIE_DATA_DIR": str(seeded)}), {"yaml", "pydantic"}) == set()


def test_help_costs_under_0_3_s_of_cpu() -> None:
    assert cpu_seconds([str(VIGIE), "--help"], {}) < 0.3


def test_access_check_costs_little_more_than_the_libraries_it_needs(seeded: Path, paris_subject: int) -> None:
    """The libraries are the floor (typer, SQLAlchemy, cryptography: 0.19 s on a quiet machine); vigie adds at
    most 60% of it, deciding and journaling included (0.3 s in all)."""
    floor = cpu_seconds(
        [sys.executable, "-c", "import typer, sqlalchemy, cryptography.hazmat.primitives.ciphers.aead"], {}
    )
    command = cpu_seconds([str(VIGIE), *access_check(paris_subject)], {"VIGIE_DATA_DIR": str(seeded)})
    assert command < 1.6 * floor, (command, floor)
