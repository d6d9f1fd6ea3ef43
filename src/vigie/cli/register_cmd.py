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
from vigie.register.policy import retention_clocks
from vigie.register.summary import summary
from vigie.register.trace import clock_start, decisions, processing_entries
from vigie.taxonomy import LEGAL_BASIS_LABELS

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
        f"{counts['notices']} mentions d'information, {counts['organisations']} organismes ; "
        f"{len(decisions(register))} entrées reposent sur une décision du registre (vigie register sources)."
    )


@register_app.command("show")
def show(
    directory: DirArg = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    sources: Annotated[bool, typer.Option("--sources", help="affiche la source de chaque entrée")] = False,
) -> None:
    """Affiche un résumé lisible du registre (avec --sources : d'où vient chaque entrée)."""
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
            clocks = retention_clocks(p, register.processings)
            table.add_row(
                p.id,
                p.title,
                LEGAL_BASIS_LABELS[p.legal_basis],
                "\n".join(f"{c.duration.french()} après : {clock_start(c)}" for c in clocks),
                "oui" if p.objection_allowed else "non",
                str(len(p.notices)),
            )
        out.print(table)
        if sources:
            for p in processings:
                out.print(f"[bold]{p.id}[/]", markup=True)
                for entry in processing_entries(register, p):
                    out.print(f"  {entry.field} : {entry.source}", markup=False, highlight=False)


@register_app.command("sources")
def sources_cmd(directory: DirArg = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Liste les entrées du registre fondées sur une décision (là où la politique se tait), pour revue."""
    found = decisions(load_register(directory))
    if as_json:
        rows = [
            {
                "processing": e.processing,
                "field": e.field,
                "label": e.label,
                "decisions": [d.reason for d in e.source.decisions],
                "citations": [str(c) for c in e.source.citations],
            }
            for e in found
        ]
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    out.print(f"{len(found)} entrées reposent sur une décision du registre :")
    for entry in found:
        out.print(f"- {entry.processing}.{entry.field} ({entry.label})", markup=False, highlight=False)
        for decision in entry.source.decisions:
            out.print(f"    décision : {decision.reason}", markup=False, highlight=False)


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
