"""The `vigie` command: thin typer commands over the services; errors become French messages and exit codes."""

from __future__ import annotations

import sys

from vigie.cli import collection
from vigie.cli.app import app, run

__all__ = ["app", "main", "run"]


def main() -> None:
    """Entry point of the `vigie` command (the collector held while the command loads: see `collection`)."""
    collection.hold()
    try:
        code = run(sys.argv[1:])
    finally:
        collection.loaded()
    sys.exit(code)
