"""`vigie agent`: list agents and issue their API tokens."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from vigie.agents import issue_token, list_agents
from vigie.audit import AuditAction, AuditEvent, Journal
from vigie.bootstrap import prepare
from vigie.cli.app import app, out
from vigie.settings import load_settings
from vigie.store import connect

agent_app = typer.Typer(help="Les agents et leurs jetons d'accès à l'API.", no_args_is_help=True)
app.add_typer(agent_app, name="agent")

Database = Annotated[str | None, typer.Option("--database", help="URL de la base de données")]


@agent_app.command("list")
def list_cmd(database: Database = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Liste les agents, leur organisme, leurs rôles et leur attestation de secret professionnel."""
    env = prepare(load_settings(database_url=database))
    with connect(env.engine) as connection:
        agents = list_agents(connection)
    if as_json:
        rows = [
            {
                "id": a.id,
                "organisation": a.organisation,
                "roles": sorted(a.roles),
                "secrecy_attested_on": a.secrecy_attested_on.isoformat() if a.secrecy_attested_on else None,
            }
            for a in agents
        ]
        out.print_json(json.dumps(rows))
        return
    table = Table(title="Agents")
    for column in ("Agent", "Organisme", "Rôles", "Secret professionnel attesté le"):
        table.add_column(column)
    for a in agents:
        attested = a.secrecy_attested_on.strftime("%d/%m/%Y") if a.secrecy_attested_on else "[red]non attesté[/]"
        table.add_row(a.id, a.organisation, ", ".join(sorted(a.roles)), attested)
    out.print(table)


@agent_app.command("token")
def token_cmd(agent: Annotated[str, typer.Argument(help="identifiant de l'agent")], database: Database = None) -> None:
    """Délivre un jeton d'accès à l'API pour un agent (valable 30 jours ; affiché une seule fois)."""
    env = prepare(load_settings(database_url=database))
    with connect(env.engine) as connection:
        token = issue_token(connection, agent, env.clock.today())
    with Journal(env.engine, env.keyring) as journal:  # a new session for the agent: a connection trace
        journal.append(
            AuditEvent(
                action=AuditAction.LOGIN,
                allowed=True,
                reason="jeton d'accès à l'API délivré (30 jours)",
                at=env.clock.now(),
                agent_id=agent,
                source="ligne de commande",
            )
        )
    typer.echo(token)
