"""`vigie agent`: list agents, issue and revoke their API tokens (each a call to the agent service)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vigie.access.agent_admin import AgentAdmin
from vigie.cli.app import app, err, out
from vigie.cli.environment import accounts_service, environment
from vigie.cli.options import Database, Json
from vigie.errors import InvalidInput

agent_app = typer.Typer(
    help="Les agents, leurs jetons d'accès à l'API et leur connexion au navigateur.", no_args_is_help=True
)
app.add_typer(agent_app, name="agent")

SOURCE = "cli"
AgentArg = Annotated[str, typer.Argument(help="identifiant de l'agent", metavar="AGENT")]


@contextmanager
def _admin(database: str | None) -> Iterator[AgentAdmin]:
    with environment(database) as env:
        yield AgentAdmin(env)


def _date(day: object) -> str:
    return day.strftime("%d/%m/%Y") if hasattr(day, "strftime") else str(day)


@agent_app.command("list")
def list_cmd(database: Database = None, as_json: Json = False) -> None:
    """Liste les agents, leur organisme, leurs rôles et leur attestation de secret professionnel."""
    with _admin(database) as admin:
        agents = admin.list_agents()
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
        attested = _date(a.secrecy_attested_on) if a.secrecy_attested_on else "[red]non attesté[/]"
        table.add_row(escape(a.id), escape(a.organisation), escape(", ".join(sorted(a.roles))), attested)
    out.print(table)


@agent_app.command("token")
def token_cmd(agent: AgentArg, database: Database = None) -> None:
    """Délivre un jeton d'accès à l'API pour un agent (valable 30 jours ; affiché une seule fois)."""
    with _admin(database) as admin:
        issued = admin.issue(agent, source=SOURCE)
    err.print(
        f"Jeton n° {issued.info.id} délivré à {escape(agent)}, valable jusqu'au {_date(issued.info.expires_on)} "
        f"(révocation : vigie agent revoke {escape(agent)} --token-prefix {issued.info.id}).",
        highlight=False,
    )
    typer.echo(issued.token)


@agent_app.command("tokens")
def tokens_cmd(agent: AgentArg, database: Database = None, as_json: Json = False) -> None:
    """Liste les jetons d'un agent par numéro et date d'expiration (les jetons eux-mêmes ne sont pas gardés)."""
    with _admin(database) as admin:
        tokens = admin.tokens(agent)
    if as_json:
        out.print_json(json.dumps([{"id": t.id, "expires_on": t.expires_on.isoformat()} for t in tokens]))
        return
    table = Table(title=f"Jetons de {escape(agent)}")
    table.add_column("N° du jeton")
    table.add_column("Valable jusqu'au")
    for token in tokens:
        table.add_row(token.id, _date(token.expires_on))
    out.print(table)


@agent_app.command("revoke")
def revoke_cmd(
    agent: AgentArg,
    prefix: Annotated[
        str | None, typer.Option("--token-prefix", help="début du numéro du jeton (au moins 6 caractères)")
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="révoque tous les jetons de l'agent")] = False,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Révoque un jeton d'un agent (--token-prefix) ou tous ses jetons (--all) ; la révocation est journalisée."""
    with _admin(database) as admin:
        revoked = admin.revoke(agent, prefix=prefix, everything=everything, source=SOURCE)
    if as_json:
        out.print_json(json.dumps({"agent": agent, "revoked": [t.id for t in revoked]}))
        return
    if not revoked:
        out.print(f"Aucun jeton à révoquer pour {escape(agent)}.", highlight=False)
        return
    shown = ", ".join(t.id for t in revoked)
    noun = "jeton révoqué" if len(revoked) == 1 else "jetons révoqués"
    out.print(f"{len(revoked)} {noun} pour {escape(agent)} : {shown}.", highlight=False)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise InvalidInput("mot de passe", "…", "aucun terminal pour le saisir masqué : donnez-le avec --stdin")
    password: str = typer.prompt("Mot de passe", hide_input=True)
    again: str = typer.prompt("Confirmez le mot de passe", hide_input=True)
    if again != password:
        raise InvalidInput("confirmation", "…", "les deux mots de passe saisis diffèrent")
    return password


@agent_app.command("password")
def password_cmd(
    agent: AgentArg,
    stdin: Annotated[
        bool, typer.Option("--stdin", help="lit le mot de passe sur l'entrée standard (une ligne)")
    ] = False,
    database: Database = None,
) -> None:
    """Définit le mot de passe de connexion au navigateur d'un agent (saisi deux fois, masqué) ; journalisé."""
    password = _read_password(stdin)
    with accounts_service(database) as accounts:
        accounts.set_agent_password(agent, password, source=SOURCE)
    out.print(f"Mot de passe de {escape(agent)} défini.", highlight=False)


@agent_app.command("totp")
def totp_cmd(agent: AgentArg, database: Database = None) -> None:
    """Crée le second facteur (TOTP) d'un agent et affiche son adresse otpauth:// une seule fois, à saisir ou
    scanner dans une application d'authentification ; l'ancien secret cesse de valoir."""
    with accounts_service(database) as accounts:
        uri = accounts.set_agent_totp(agent, source=SOURCE)
    err.print(f"Second facteur de {escape(agent)} créé : ajoutez cette adresse à son application.", highlight=False)
    typer.echo(uri)
