"""`vigie register`: check, show and export the register of processing activities."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli.app import app, out
from vigie.register import load_register
from vigie.register.export import ExportFormat, export
from vigie.register.summary import summary
from vigie.taxonomy import EVENT_LABELS, LEGAL_BASIS_LABELS

register_app = typer.Typer(help="Le registre des traitements.", no_args_is_help=True)
app.add_typer(register_app, name="register")

DirArg = Annotated[Path | None, typer.Argument(help="dossier du registre (par défaut : celui livré)")]


@register_app.command("check")
def check(directory: DirArg = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Charge et valide un dossier de registre ; liste tous les problèmes (code 2 s'il y en a)."""
    register = load_register(directory)
    counts = summary(register)
    if as_json:
        out.print_json(json.dumps({"valid": True, **counts}))
        return
    out.print(
        f"Registre valide : {counts['processings']} traitements, {counts['themes']} thématiques, "
        f"{counts['notices']} mentions d'information, {counts['organisations']} organismes."
    )


@register_app.command("show")
def show(directory: DirArg = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Affiche un résumé lisible du registre."""
    register = load_register(directory)
    if as_json:
        out.print_json(json.dumps(summary(register), ensure_ascii=False))
        return
    out.print(f"[bold]Registre des traitements — {register.controller.name}[/]")
    for theme, processings in register.by_theme():
        table = Table(title=theme.title, title_justify="left", expand=True)
        table.add_column("Identifiant", no_wrap=True)
        for column in ("Traitement", "Base légale", "Conservation", "Opposition", "Mentions"):
            table.add_column(column, overflow="fold")
        for p in processings:
            table.add_row(
                p.id,
                p.title,
                LEGAL_BASIS_LABELS[p.legal_basis],
                "\n".join(f"{r.duration.french()} après : {EVENT_LABELS[r.event]}" for r in p.retention),
                "oui" if p.objection_allowed else "non",
                str(len(p.notices)),
            )
        out.print(table)


@register_app.command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="json, csv ou markdown")] = ExportFormat.JSON,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="fichier de sortie")] = None,
    directory: Annotated[Path | None, typer.Option("--dir", help="dossier du registre")] = None,
) -> None:
    """Écrit le registre entier en JSON, CSV ou Markdown."""
    text = export(load_register(directory), fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"Registre écrit dans {output}")
