"""`vigie pseudo …`: pseudonymised extracts, anonymity checks, pseudonymisation keys and crisis steering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from vigie.cli.app import ExitCode, app, err, out
from vigie.cli.options import Database, Json
from vigie.errors import InvalidInput
from vigie.settings import Settings, load_settings

pseudo_app = typer.Typer(
    help="Les données pseudonymisées : extractions, contrôles d'anonymat, clés, pilotage.", no_args_is_help=True
)
keys_app = typer.Typer(help="Les clés de pseudonymisation (une par rôle, jamais en base).", no_args_is_help=True)
pseudo_app.add_typer(keys_app, name="keys")
app.add_typer(pseudo_app, name="pseudo")

AgentOpt = Annotated[str, typer.Option("--agent", help="identifiant de l'agent")]
SourceKey = Annotated[
    Path | None, typer.Option("--source-key", help="fichier de la clé source (par défaut : DATA_DIR/pseudo/source.key)")
]
CentralKey = Annotated[
    Path | None,
    typer.Option("--central-key", help="fichier de la clé centrale (par défaut : DATA_DIR/pseudo/central.key)"),
]


def default_key_file(settings: Settings, role: str) -> Path:
    """Where a key file of `role` lives unless named: beside the database, in its own directory."""
    from vigie.pseudo.keys import KeyRole
    from vigie.pseudo.keys import default_key_file as default

    return default(settings.data_dir, KeyRole(role))


def _names(text: str | None, what: str) -> list[str]:
    if text is None:
        return []
    names = [n.strip() for n in text.split(",")]
    if not all(names) or len(names) > 64 or len(set(names)) != len(names):
        raise InvalidInput(what, text[:120], "noms de colonnes distincts séparés par des virgules")
    return names


@pseudo_app.command("extract")
def extract(
    spec: Annotated[Path, typer.Argument(metavar="SPÉCIFICATION", help="spécification de l'extraction (YAML)")],
    agent: AgentOpt,
    out_dir: Annotated[Path, typer.Option("--out", help="dossier à créer pour l'extraction")],
    engine: Annotated[str, typer.Option("--engine", help="moteur du passage global : polars ou spark")] = "polars",
    source_key: SourceKey = None,
    central_key: CentralKey = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Extraction pseudonymisée, au travers du contrôle d'accès, en Parquet et CSV.

    Chaque personne lue est tracée au journal ; rien n'est écrit si l'extraction est refusée."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from vigie.audit import Journal
    from vigie.bootstrap import prepare
    from vigie.pseudo.extract import run_extract
    from vigie.pseudo.keys import KeyRole, load_key_file
    from vigie.pseudo.spec import load_spec

    if engine not in ("polars", "spark"):
        raise InvalidInput("--engine", engine[:20], "polars ou spark attendu")
    settings = load_settings(database_url=database)
    env = prepare(settings)
    parsed = load_spec(spec, env.register)
    keys = None
    if "pseudonym" in parsed.sources:
        keys = {
            KeyRole.SOURCE: load_key_file(source_key or default_key_file(settings, "source"), KeyRole.SOURCE),
            KeyRole.CENTRAL: load_key_file(central_key or default_key_file(settings, "central"), KeyRole.CENTRAL),
        }
    bar = Progress(
        TextColumn("Extraction"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, disable=as_json or not err.is_terminal, transient=True,
    )  # fmt: skip
    task = bar.add_task("personnes", total=None)
    with bar, Journal(env.engine, env.keyring) as journal:
        report = run_extract(
            env, journal, parsed, agent, out_dir, keys=keys, engine=engine,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    out.print(
        f"Extraction écrite dans {out_dir} : {report.rows} lignes ({report.suppressed_rows} supprimées pour "
        f"atteindre k = {report.k}), {report.people_read} personnes lues, {report.people_refused} refusées, "
        f"{report.journal_entries} entrées au journal.",
        highlight=False,
    )


def _read_table(path: Path) -> Any:
    import polars as pl

    if not path.is_file():
        raise InvalidInput("fichier", str(path)[:200], "fichier introuvable")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=10_000)
    except pl.exceptions.PolarsError as error:
        raise InvalidInput("fichier", str(path)[:200], "fichier Parquet ou CSV illisible") from error
    raise InvalidInput("fichier", str(path)[:200], "extension .parquet ou .csv attendue")


@pseudo_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(metavar="FICHIER", help="fichier à contrôler (.parquet ou .csv)")],
    qi: Annotated[str, typer.Option("--qi", help="quasi-identifiants séparés par des virgules")],
    sensitive: Annotated[
        str | None, typer.Option("--sensitive", help="attribut sensible (l-diversité, t-proximité)")
    ] = None,
    k: Annotated[int | None, typer.Option("--k", min=1, max=1_000_000, help="k minimal exigé")] = None,
    l_min: Annotated[int | None, typer.Option("--l", min=1, max=1_000_000, help="l minimal exigé")] = None,
    t_max: Annotated[float | None, typer.Option("--t", min=0.0, max=1.0, help="t maximal admis")] = None,
    as_json: Json = False,
) -> None:
    """k-anonymat, l-diversité et t-proximité d'un fichier, avec les classes en défaut.

    Code de sortie 1 si un seuil demandé n'est pas atteint."""
    from vigie.pseudo.anonymity import k_anonymity, l_diversity, t_closeness

    qis = _names(qi, "--qi")
    if (l_min is not None or t_max is not None) and sensitive is None:
        raise InvalidInput("--sensitive", "", "l'attribut sensible est nécessaire pour --l et --t")
    data = _read_table(file)
    measures = [k_anonymity(data, qis, k)]
    if sensitive is not None:
        measures += [l_diversity(data, qis, sensitive, l_min), t_closeness(data, qis, sensitive, t_max)]
    ok = all(m.ok for m in measures)
    if as_json:
        body = {
            "fichier": str(file),
            "lignes": data.height,
            "quasi_identifiants": qis,
            "conforme": ok,
            "mesures": [
                {"mesure": m.name, "valeur": m.value, "seuil": m.threshold, "conforme": m.ok,
                 "classes_en_defaut": m.failing.count, "lignes_en_defaut": m.failing.rows,
                 "exemples": m.failing.examples}
                for m in measures
            ],
        }  # fmt: skip
        out.print_json(json.dumps(body, ensure_ascii=False, default=str))
    else:
        for m in measures:
            verdict = "" if m.threshold is None else (" [green]conforme[/]" if m.ok else " [red]EN DÉFAUT[/]")
            value = f"{m.value:.3f}" if isinstance(m.value, float) and not m.value.is_integer() else f"{m.value:g}"
            seuil = f" (seuil {m.threshold:g})" if m.threshold is not None else ""
            out.print(f"{m.name} : {value}{seuil}{verdict}", highlight=False)
            if not m.ok:
                out.print(f"  {m.failing.count} classes en défaut, {m.failing.rows} lignes", highlight=False)
                for example in m.failing.examples[:5]:
                    where = ", ".join(f"{q} = {v}" for q, v in example["classe"].items())
                    extra = f", valeur {example['valeur']:.3g}" if "valeur" in example else ""
                    out.print(f"  {where} : {example['lignes']} lignes{extra}", highlight=False, markup=False)
    raise typer.Exit(ExitCode.OK if ok else ExitCode.REFUSED)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="source (l'organisme qui extrait) ou central (la plateforme)")],
    period: Annotated[str, typer.Option("--period", help="période de la clé, par exemple 2026-2027")],
    file: Annotated[
        Path | None, typer.Option("--file", help="fichier à créer (par défaut : DATA_DIR/pseudo/RÔLE.key)")
    ] = None,
    as_json: Json = False,
) -> None:
    """Crée une clé de pseudonymisation (droits 0600) ; un fichier existant n'est jamais remplacé."""
    from vigie.pseudo.keys import KeyRole, create_key_file

    if role not in ("source", "central"):
        raise InvalidInput("--role", role[:20], "source ou central attendu")
    path = file or default_key_file(load_settings(), role)
    key = create_key_file(path, KeyRole(role), period)
    if as_json:
        out.print_json(json.dumps({"file": str(path), "role": key.role.value, "period": key.period}))
    else:
        out.print(f"Clé {key.role.value} de la période {key.period} créée : {path}", highlight=False)


@pseudo_app.command("crisis")
def crisis(
    agent: AgentOpt,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=260, help="nombre de semaines ISO")] = 12,
    threshold: Annotated[int, typer.Option("--threshold", min=1, max=1000, help="seuil du secret statistique")] = 11,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Pilotage de crise : effectifs par département et semaine ISO, petits effectifs masqués.

    Secret statistique avec masquage secondaire ; chaque personne lue est tracée au journal."""
    from rich.table import Table

    from vigie.audit import Journal
    from vigie.bootstrap import prepare
    from vigie.pseudo.crisis import crisis_steering

    env = prepare(load_settings(database_url=database))
    with Journal(env.engine, env.keyring) as journal:
        dataset = crisis_steering(env, journal, agent, weeks=weeks, threshold=threshold)
    if as_json:
        out.print_json(json.dumps(dataset.to_dict(), ensure_ascii=False))
        return
    table = Table(title=f"Pilotage de crise : effectifs par département et semaine (seuil {threshold})")
    table.add_column("Département")
    for week in dataset.weeks:
        table.add_column(week, justify="right")
    for name, row in zip(dataset.departments, dataset.table.published(), strict=True):
        table.add_row(name, *("·" if v is None else str(v) for v in row))
    out.print(table)
    out.print(f"{int(dataset.table.hidden.sum())} cellules masquées (·) ; {dataset.people_read} personnes lues.")


@pseudo_app.command("rotate")
def rotate(
    period: Annotated[str, typer.Option("--period", help="période des nouvelles clés, par exemple 2028-2029")],
    source_key: Annotated[Path, typer.Option("--source-key", help="fichier de la clé source en cours")],
    central_key: Annotated[Path, typer.Option("--central-key", help="fichier de la clé centrale en cours")],
    extract_dir: Annotated[
        Path | None, typer.Option("--extract", help="extraction existante à repseudonymiser (avec --spec et --agent)")
    ] = None,
    spec: Annotated[Path | None, typer.Option("--spec", help="spécification qui a produit l'extraction")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="identifiant de l'agent")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="dossier à créer (par défaut : EXTRACTION-PÉRIODE)")
    ] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Nouvelles clés de pseudonymisation pour une période, et repseudonymisation d'une extraction.

    Les nouvelles clés sont écrites à côté des clés en cours ; avec --extract, les personnes sont relues au
    travers du contrôle d'accès et la colonne pseudonyme est réécrite de l'ancienne période à la nouvelle."""
    from vigie.pseudo.keys import KeyRole, load_key_file
    from vigie.pseudo.rotate import new_key_files, repseudonymise

    if extract_dir is not None and (spec is None or agent is None):
        raise InvalidInput(
            "--extract", str(extract_dir)[:200], "--spec et --agent sont nécessaires pour repseudonymiser"
        )
    old = {KeyRole.SOURCE: load_key_file(source_key, KeyRole.SOURCE),
           KeyRole.CENTRAL: load_key_file(central_key, KeyRole.CENTRAL)}  # fmt: skip
    if period in (old[KeyRole.SOURCE].period, old[KeyRole.CENTRAL].period):
        raise InvalidInput("--period", period[:32], "c'est déjà la période des clés en cours")
    env = None
    parsed = None
    if extract_dir is not None and spec is not None:  # checked before any key file is written
        from vigie.bootstrap import prepare
        from vigie.pseudo.spec import load_spec

        env = prepare(load_settings(database_url=database))
        parsed = load_spec(spec, env.register)
        target = out_dir or extract_dir.with_name(f"{extract_dir.name}-{period}")
        if target.exists():
            raise InvalidInput("--out", str(target)[:200], "le dossier existe déjà : il n'est pas remplacé")
    paths = new_key_files(source_key, central_key, period)
    body: dict[str, Any] = {"period": period, "keys": {role.value: str(path) for role, path in paths.items()}}
    if env is not None and parsed is not None and extract_dir is not None and agent is not None:
        from vigie.audit import Journal

        new = {role: load_key_file(path, role) for role, path in paths.items()}
        target = out_dir or extract_dir.with_name(f"{extract_dir.name}-{period}")
        with Journal(env.engine, env.keyring) as journal:
            result = repseudonymise(env, journal, parsed, agent, extract_dir, target, old, new)
        body["extract"] = {"out": str(target), **result.to_dict()}
    if as_json:
        out.print_json(json.dumps(body, ensure_ascii=False))
        return
    out.print(f"Clés de la période {period} créées : {', '.join(body['keys'].values())}", highlight=False)
    if "extract" in body:
        done = body["extract"]
        out.print(
            f"Extraction repseudonymisée dans {done['out']} : {done['rows']} lignes, {done['dropped_rows']} "
            "écartées (personnes qui ne peuvent plus être lues).",
            highlight=False,
        )
