"""`vigie.audit` imports each name on first use, and `verify` and `witness` stay the functions even after their
modules (of the same names) are imported."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import vigie.audit
print(sorted(m for m in ("vigie.audit.verify", "vigie.audit.witness", "vigie.audit.journal") if m in sys.modules))
from vigie.audit.verify import check
import vigie.audit.witness
from vigie.audit import verify, witness
print(callable(verify) and verify.__name__, witness.__name__, vigie.audit.verify is verify, type(check).__name__)
"""


def test_names_load_on_first_use_and_functions_are_never_shadowed_by_their_modules() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.splitlines() == ["[]", "verify witness True function"]
