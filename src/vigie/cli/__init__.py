"""The `vigie` command: thin typer commands over the services; errors become French messages and exit codes."""

from __future__ import annotations

import sys

from vigie.cli.app import app, run

__all__ = ["app", "main", "run"]


def main() -> None:
    """Entry point of the `vigie` command."""
    sys.exit(run(sys.argv[1:]))
