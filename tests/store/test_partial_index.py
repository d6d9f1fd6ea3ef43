"""The index of records not dated yet is partial on each engine, though the schema names no dialect's option
(which would load that dialect's package on import)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import Engine, text

from vigie.store import connect
from vigie.store.schema import records

UNDATED = "ix_records_undated"


def _definition(engine: Engine) -> str:
    query = {
        "sqlite": "SELECT sql FROM sqlite_master WHERE name = :name",
        "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = :name",
    }[engine.dialect.name]
    with connect(engine) as connection:
        return str(connection.execute(text(query), {"name": UNDATED}).scalar_one())


def test_the_undated_index_built_again_from_the_schema_is_partial(engine: Engine) -> None:
    """Retention drops and builds this index again from the schema's object: it must stay partial."""
    assert "end_rule IS NULL" in _definition(engine)  # as the migration made it
    (index,) = [i for i in records.indexes if i.name == UNDATED]
    with connect(engine) as connection:
        index.drop(connection)
        index.create(connection)
    assert "end_rule IS NULL" in _definition(engine)


def test_importing_the_schema_loads_no_dialect() -> None:
    script = "import sys, vigie.store.schema; print(sorted(m for m in sys.modules if '.dialects.' in m))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"
