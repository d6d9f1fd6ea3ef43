"""`vigie access check` and `vigie subject show`: the gate from the command line, every call journaled.

`access check` and `subject find` answer in one line or one JSON document, written without rich (0.02 s of
imports on a quiet machine); `subject show` draws its table with it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer

from vigie import inputs
from vigie.access.service import Gate, SubjectView
from vigie.audit import AuditAction, Journal
from vigie.bootstrap import prepare
from vigie.cli.app import ExitCode, app
from vigie.cli.hygiene import journaled
from vigie.cli.options import Database, Json
from vigie.settings import load_settings

access_app = typer.Typer(help="Le contrôle d'accès aux données personnelles.", no_args_is_help=True)
subject_app = typer.Typer(help="Les personnes concernées (lectures tracées).", no_args_is_help=True)
app.add_typer(access_app, name="access")
app.add_typer(subject_app, name="subject")

AgentOpt = Annotated[str, typer.Option("--agent", help="identifiant de l'agent")]
PurposeOpt = Annotated[str, typer.Option("--purpose", help="traitement (finalité) au titre duquel l'agent agit")]


@access_app.command("check")
@journaled("agent", "subject", "purpose", "categories", "recipient")
def check(
    agent: AgentOpt,
    subject: Annotated[str, typer.Option("--subject", help="identifiant de la personne")],
    purpose: PurposeOpt,
    categories: Annotated[str, typer.Option("--categories", help="catégories séparées par des virgules")],
    recipient: Annotated[str | None, typer.Option("--recipient", help="destinataire d'une communication")] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Dit si l'agent peut utiliser ces données pour ce traitement, avec la raison ; la décision est tracée."""
    env = prepare(load_settings(database_url=database))
    with Journal(env.engine, env.keyring) as journal:
        gate = Gate(env, journal)
        agent_id = gate.admit(lambda: inputs.agent_id(agent))
        subject_id, wanted_purpose, wanted, wanted_recipient = gate.admit(
            lambda: (
                inputs.subject_id(subject),
                inputs.purpose(purpose),
                inputs.parse_categories(categories),
                inputs.recipient(recipient),
            ),
            agent_id=agent_id,
        )
        outcome = gate.check(
            agent_id, subject_id, wanted_purpose, wanted or (), env.clock.today(), recipient=wanted_recipient
        )
    decision = outcome.told
    if as_json:
        _echo_json({"allowed": decision.allowed, "reason": decision.reason, "entry": outcome.entry})
    else:
        verdict = typer.style("AUTORISÉ", fg="green") if decision.allowed else typer.style("REFUSÉ", fg="red")
        typer.echo(f"{verdict} — {decision.reason} (entrée {outcome.entry} du journal)")  # colour on a terminal only
    raise typer.Exit(ExitCode.OK if decision.allowed else ExitCode.REFUSED)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _view_json(view: SubjectView) -> dict[str, Any]:
    return {
        "subject": view.subject_id,
        "kind": view.kind.value,
        "organisation": view.organisation,
        "identity": view.identity,
        "records": [{**asdict(r), "recorded_on": r.recorded_on.isoformat()} for r in view.records],
    }


@subject_app.command("find")
@journaled("nir", "agent", "purpose")
def find(
    nir: Annotated[str, typer.Option("--nir", help="numéro de sécurité sociale (15 caractères, ou 13 sans la clé)")],
    agent: AgentOpt,
    purpose: PurposeOpt,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Retrouve une personne par son NIR (recherche par index aveugle, tracée) et donne son identifiant."""
    env = prepare(load_settings(database_url=database))
    with Journal(env.engine, env.keyring) as journal:
        gate = Gate(env, journal)
        agent_id = gate.admit(lambda: inputs.agent_id(agent), action=AuditAction.READ)
        typed_nir, wanted_purpose = gate.admit(
            lambda: (inputs.text(nir, "nir"), inputs.purpose(purpose)), agent_id=agent_id, action=AuditAction.READ
        )
        subject = gate.find_by_nir(agent_id, typed_nir, wanted_purpose, env.clock.today())
    if as_json:
        _echo_json({"subject": subject})
    else:
        typer.echo(f"Personne {subject}")


@subject_app.command("show")
@journaled("subject", "agent", "purpose", "categories")
def show(
    subject: Annotated[str, typer.Argument(help="identifiant de la personne")],
    agent: AgentOpt,
    purpose: PurposeOpt,
    categories: Annotated[
        str | None, typer.Option("--categories", help="catégories voulues (par défaut : toutes celles du traitement)")
    ] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Lecture déchiffrée et tracée des données d'une personne, pour un traitement."""
    env = prepare(load_settings(database_url=database))
    with Journal(env.engine, env.keyring) as journal:
        gate = Gate(env, journal)
        agent_id = gate.admit(lambda: inputs.agent_id(agent), action=AuditAction.READ)
        subject_id, wanted_purpose, wanted = gate.admit(
            lambda: (inputs.subject_id(subject), inputs.purpose(purpose), inputs.parse_categories(categories)),
            agent_id=agent_id,
            action=AuditAction.READ,
        )
        view = gate.read(agent_id, subject_id, wanted_purpose, wanted, env.clock.today())
    from rich.table import Table

    from vigie.cli.app import out

    if as_json:
        out.print_json(json.dumps(_view_json(view), ensure_ascii=False, default=str))
        return
    out.print(f"[bold]Personne {view.subject_id}[/] — {view.kind.value}, rattachée à {view.organisation}")
    for key, value in view.identity.items():
        out.print(f"  {key} : {value}")
    table = Table(title=f"Données du traitement « {purpose} »")
    for column in ("Date", "Catégorie", "Contenu"):
        table.add_column(column)
    for record in view.records:
        table.add_row(
            record.recorded_on.strftime("%d/%m/%Y"), record.category, json.dumps(record.payload, ensure_ascii=False)
        )
    out.print(table)
