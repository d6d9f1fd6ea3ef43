"""`vigie init`: create the key file (0600, outside the database) and the database schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from vigie.bootstrap import prepare
from vigie.cli.app import app, out
from vigie.crypto import create_key_file
from vigie.settings import load_settings


@app.command("init")
def init(
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="dossier des données")] = None,
    database: Annotated[str | None, typer.Option("--database", help="URL de la base de données")] = None,
    key_file: Annotated[Path | None, typer.Option("--key-file", help="fichier de clés à créer")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Crée le fichier de clés (droits 0600) et la base ; refuse d'écraser des clés existantes."""
    settings = load_settings(data_dir=data_dir, database_url=database, key_file=key_file)
    create_key_file(settings.resolved_key_file)
    env = prepare(settings, create_keys=True)  # the key file was just made: loaded, not replaced
    env.engine.dispose()
    report = {"key_file": str(settings.resolved_key_file), "database": settings.resolved_database_url}
    if as_json:
        out.print_json(json.dumps(report))
        return
    out.print(f"Fichier de clés créé : {report['key_file']} (lisible par son seul propriétaire)")
    out.print(f"Base de données prête : {report['database']}")
    out.print("Conservez une copie du fichier de clés hors de la base : sans lui, les données sont illisibles.")
