"""`vigie demo`: the synthetic population, created in bulk in an empty database."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from vigie.bootstrap import prepare
from vigie.cli.app import app, out
from vigie.demo.seed import SeedReport, check_request, french_int, seed_demo
from vigie.settings import load_settings
from vigie.taxonomy import SUBJECT_KIND_LABELS, SubjectKind

demo_app = typer.Typer(help="La population de démonstration (données synthétiques).", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


def _decimal(value: float) -> str:
    """1.5 → « 1,5 »: French decimal comma."""
    return f"{value:.1f}".replace(".", ",")


def _summary(report: SeedReport) -> None:
    out.print(
        f"Population de démonstration créée : {french_int(report.subjects)} personnes et "
        f"{french_int(report.records)} enregistrements chiffrés en {_decimal(report.seconds)} s "
        f"({french_int(round(report.records_per_second))} enregistrements par seconde).",
        highlight=False,
    )
    table = Table(title="Personnes créées, par catégorie")
    table.add_column("Catégorie de personnes")
    table.add_column("Nombre", justify="right")
    for kind in SubjectKind:  # the taxonomy's order: insured first
        if kind.value in report.by_kind:
            table.add_row(SUBJECT_KIND_LABELS[kind], french_int(report.by_kind[kind.value]))
    out.print(table)


@demo_app.command("seed")
def seed(
    subjects: Annotated[int, typer.Option("--subjects", help="nombre de personnes à créer (au moins 1)")],
    seed_value: Annotated[int, typer.Option("--seed", help="graine : même graine, mêmes personnes")] = 0,
    database: Annotated[
        str | None, typer.Option("--database", help="URL de la base (par défaut : SQLite dans le dossier de données)")
    ] = None,
    records_per_subject: Annotated[
        float, typer.Option("--records-per-subject", help="nombre moyen d'enregistrements par personne")
    ] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="résultat en JSON")] = False,
) -> None:
    """Crée une population synthétique chiffrée dans une base vide (refuse une base déjà peuplée)."""
    check_request(subjects, seed_value, records_per_subject)
    env = prepare(load_settings(database_url=database, demo=True), create_keys=True)
    try:
        report = seed_demo(
            env, subjects, seed=seed_value, records_per_subject=records_per_subject, progress=not as_json
        )
    finally:
        env.engine.dispose()
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
    else:
        _summary(report)
