"""`vigie consent export`: the proofs of the visitors' cookie choices, for the DPO; the export is journaled."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from vigie.audit import Journal
from vigie.bootstrap import prepare
from vigie.cli.app import app, out
from vigie.consent.export import ProofExport
from vigie.errors import InvalidInput
from vigie.inputs import text
from vigie.settings import load_settings

consent_app = typer.Typer(help="Les preuves des choix de cookies des visiteurs.", no_args_is_help=True)
app.add_typer(consent_app, name="consent")

SOURCE = "cli"


def _day(value: str) -> date:
    typed = text(value, "date", limit=10)
    try:
        if len(typed) != 10:
            raise ValueError
        return date.fromisoformat(typed)
    except ValueError:
        raise InvalidInput("date", typed, "date attendue sous la forme AAAA-MM-JJ") from None


@consent_app.command("export")
def export_cmd(
    agent: Annotated[
        str, typer.Option("--agent", help="agent qui exporte (un rôle d'audit est requis ; l'export est tracé)")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON : un tableau d'objets")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="sortie CSV avec une ligne d'en-tête")] = False,
    since: Annotated[
        str | None, typer.Option("--depuis", help="seulement les preuves enregistrées depuis ce jour (AAAA-MM-JJ)")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--sortie", help="fichier à écrire (écrit entier ou pas du tout) ; sinon la sortie")
    ] = None,
    database: Annotated[
        str | None,
        typer.Option("--database", help="URL de la base (par défaut : VIGIE_DATABASE_URL ou la base locale)"),
    ] = None,
) -> None:
    """Exporte les preuves des choix de cookies (date, version de la politique, empreinte du texte affiché,
    choix, visiteur pseudonymisé) ; sans --json ni --csv, un résumé."""
    if as_json and as_csv:
        raise InvalidInput("format", "--json --csv", "choisissez l'un des deux")
    day = _day(since) if since is not None else None
    env = prepare(load_settings(database_url=database))
    try:
        with Journal(env.engine, env.keyring) as journal:
            export = ProofExport(env, journal, agent, since=day, source=SOURCE)
        if not (as_json or as_csv):
            actions: Counter[str] = Counter()
            for batch in export.batches():
                actions.update(record["action"] for record in batch)
            out.print(f"{sum(actions.values())} preuves de choix de cookies", highlight=False)
            for action, count in sorted(actions.items()):
                out.print(f"  {action} : {count}", highlight=False)
            return
        chunks = export.json_chunks() if as_json else export.csv_chunks()
        if output is None:
            for chunk in chunks:
                typer.echo(chunk, nl=False)
            return
        partial = output.with_name(output.name + ".partiel")
        try:
            with Progress(transient=True) as progress, partial.open("w", encoding="utf-8") as handle:
                task = progress.add_task("Export des preuves", total=export.count)
                for chunk in chunks:
                    handle.write(chunk)
                    progress.update(task, advance=chunk.count("\n") if as_csv else 1)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        out.print(f"{export.count} preuves au plus écrites dans {output}", highlight=False)
    finally:
        env.engine.dispose()
