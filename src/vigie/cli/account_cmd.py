"""`vigie account`: the operator's side of online accounts (list, unlock, temporary password, compromise),
each a call to the accounts service, journaled as a connection trace."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from vigie import inputs
from vigie.cli.app import app, err, out
from vigie.cli.environment import accounts_service
from vigie.cli.options import Database, Json
from vigie.errors import InvalidInput

account_app = typer.Typer(
    help="Les comptes en ligne : liste, déverrouillage, mot de passe provisoire.", no_args_is_help=True
)
app.add_typer(account_app, name="account")

SOURCE = "cli"
AccountArg = Annotated[str, typer.Argument(help="numéro du compte (voir « vigie account list »)", metavar="COMPTE")]


def _number(value: str) -> int:
    """An account number: ASCII digits only, in range (the same rules as every id)."""
    try:
        return int(inputs.subject_id(value))
    except InvalidInput as error:
        raise InvalidInput("compte", error.value, error.reason) from None


def _when(seconds: int | None) -> str | None:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if seconds is not None else None


@account_app.command("list")
def list_cmd(database: Database = None, as_json: Json = False) -> None:
    """Liste les comptes : numéro, profil, échecs récents, verrouillage (aucune donnée personnelle)."""
    with accounts_service(database) as accounts:
        rows = accounts.all_accounts()
    listed = [
        {
            "id": r.id,
            "kind": r.kind,
            "agent": r.agent_id,
            "failures": r.failures,
            "locked_at": _when(r.locked_at),
            "must_change": r.must_change,
            "second_factor": r.totp_secret is not None,
        }
        for r in rows
    ]
    if as_json:
        out.print_json(json.dumps(listed))
        return
    table = Table(title="Comptes en ligne")
    for column in ("N°", "Profil", "Agent", "Échecs", "Verrouillé le", "Changement imposé", "TOTP"):
        table.add_column(column)
    for row in listed:
        table.add_row(
            str(row["id"]),
            str(row["kind"]),
            str(row["agent"] or "—"),
            str(row["failures"]),
            str(row["locked_at"] or "—"),
            "oui" if row["must_change"] else "non",
            "oui" if row["second_factor"] else "non",
        )
    out.print(table)


@account_app.command("unlock")
def unlock_cmd(account: AccountArg, database: Database = None) -> None:
    """Déverrouille un compte (remet à zéro ses échecs) ; journalisé."""
    number = _number(account)
    with accounts_service(database) as accounts:
        accounts.unlock(number, source=SOURCE)
    out.print(f"Compte n° {number} déverrouillé.", highlight=False)


@account_app.command("reset")
def reset_cmd(account: AccountArg, database: Database = None) -> None:
    """Délivre un mot de passe provisoire (affiché une seule fois), à changer à la prochaine connexion ; le
    compte est déverrouillé et ses sessions fermées ; journalisé."""
    number = _number(account)
    with accounts_service(database) as accounts:
        temporary = accounts.temporary_password(number, source=SOURCE)
    err.print(f"Mot de passe provisoire du compte n° {number} (à changer à la connexion) :", highlight=False)
    typer.echo(temporary)


@account_app.command("compromised")
def compromised_cmd(account: AccountArg, database: Database = None) -> None:
    """Déclare le mot de passe d'un compte compromis : ses sessions sont fermées et un changement est imposé à la
    prochaine connexion ; journalisé."""
    number = _number(account)
    with accounts_service(database) as accounts:
        accounts.compromised(number, source=SOURCE)
    out.print(f"Compte n° {number} : sessions fermées, changement de mot de passe imposé.", highlight=False)
