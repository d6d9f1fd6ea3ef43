"""The options every command group shares, declared once so that their flag and French help stay the same."""

from __future__ import annotations

from typing import Annotated

import typer

Database = Annotated[str | None, typer.Option("--database", help="URL de la base de données")]
Json = Annotated[bool, typer.Option("--json", help="sortie JSON")]

__all__ = ["Database", "Json"]
