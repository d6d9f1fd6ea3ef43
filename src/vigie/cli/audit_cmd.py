"""`vigie audit`: verify, read, prove and checkpoint the audit journal; every read is itself journaled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from vigie.access.journal_reads import JournalReads
from vigie.audit import checkpoint
from vigie.audit.events import ACTION_LABELS, AuditAction
from vigie.audit.notes import VerifierKey
from vigie.audit.transparency import consistency_proof, signed_checkpoint, verifier_key
from vigie.audit.witness import Observation, witness, witness_remote
from vigie.cli.app import ExitCode, app, out
from vigie.cli.environment import environment
from vigie.cli.options import Json
from vigie.errors import ConfigurationError, InvalidInput
from vigie.settings import load_settings

audit_app = typer.Typer(help="Le journal d'audit : vérification, consultation, preuves.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

SOURCE = "cli"


def _whole(field: str, low: int | None = None) -> Any:
    """An integer parser; without `low`, the range is the service's to check (and to journal)."""

    def parse(value: str | int) -> int:
        text = str(value).strip()  # typer hands the default over as it is
        if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 40):
            raise InvalidInput(field, text[:40], "nombre entier attendu")
        number = int(text)
        if low is not None and number < low:
            raise InvalidInput(field, text[:40], f"nombre entier d'au moins {low} attendu")
        return number

    return parse


DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="URL de la base (par défaut : VIGIE_DATABASE_URL ou la base locale)")
]
AgentOpt = Annotated[
    str, typer.Option("--agent", help="agent qui lit le journal (un rôle d'audit est requis ; la lecture est tracée)")
]


@contextmanager
def _reads(database: str | None) -> Iterator[JournalReads]:
    """The journal-reading service of one command (a refusal, already journaled, exits 1 like any refusal)."""
    with environment(database) as env:
        yield JournalReads(env)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _when(at: str) -> str:
    return f"{at[:10]} {at[11:19]}" if isinstance(at, str) else str(at)


def _action(action: str) -> str:
    try:
        return ACTION_LABELS[AuditAction(action)]
    except ValueError:
        return str(action)


@audit_app.command("verify")
def verify_cmd(agent: AgentOpt, database: DatabaseOpt = None, as_json: Json = False) -> None:
    """Vérifie tout le journal : empreintes, enchaînement, signatures, points de contrôle (code 4 s'il est altéré)."""
    with _reads(database) as reads:
        report = reads.verify(agent, source=SOURCE)
    if as_json:
        _echo_json(report.to_dict())
    elif report.ok:
        out.print(f"[green]{escape(report.reason[0].upper() + report.reason[1:])}.[/]", highlight=False)
    else:
        out.print(f"[bold red]Journal d'audit altéré[/] : {escape(report.reason)}", highlight=False)
        for problem in report.problems:
            out.print(f"  - {problem.message}", highlight=False, markup=False)
    if not report.ok:
        raise typer.Exit(ExitCode.TAMPERED)


@audit_app.command("tail")
def tail_cmd(
    agent: AgentOpt,
    count: Annotated[
        int, typer.Option("-n", "--nombre", parser=_whole("nombre d'entrées"), help="nombre d'entrées")
    ] = 20,
    database: DatabaseOpt = None,
    as_json: Json = False,
) -> None:
    """Affiche les dernières entrées du journal, la plus récente en dernier."""
    with _reads(database) as reads:
        entries = reads.tail(agent, count, source=SOURCE)
    if as_json:
        _echo_json([entry.to_dict() for entry in entries])
        return
    shown = {0: "aucune entrée", 1: "la dernière entrée"}.get(len(entries), f"les {len(entries)} dernières entrées")
    table = Table(title=f"Journal d'audit — {shown}")
    for column in ("N°", "Date (UTC)"):
        table.add_column(column, no_wrap=True)
    for column in ("Action", "Agent", "Personne", "Finalité et catégories", "Décision et motif"):
        table.add_column(column)
    for entry in entries:
        categories = entry.category_list()
        details = [entry.reason]
        details += [f"destinataire : {entry.recipient}"] if entry.recipient else []
        details += [f"source : {entry.source}"] if entry.source else []
        cells = (
            str(entry.seq),
            _when(entry.at),
            _action(entry.action),
            entry.agent_id or "—",
            (entry.subject_ref or "—")[:12],
            "\n".join(
                [entry.purpose or "—", ", ".join(categories) if categories is not None else str(entry.categories)]
            ),
            ("autorisé" if entry.allowed else "refusé") + " — " + " ; ".join(details),
        )
        table.add_row(*(escape(cell) for cell in cells))  # stored text is never read as markup
    out.print(table)


@audit_app.command("prove")
def prove_cmd(
    seq: Annotated[int, typer.Argument(parser=_whole("numéro d'entrée"), metavar="NUMÉRO", help="numéro de l'entrée")],
    agent: AgentOpt,
    database: DatabaseOpt = None,
    as_json: Json = False,
) -> None:
    """Preuve d'inclusion d'une entrée dans le dernier point de contrôle signé (code 4 si elle ne vérifie pas)."""
    with _reads(database) as reads:
        proof = reads.prove(agent, seq, source=SOURCE)
    if as_json:
        _echo_json(proof.to_dict())
    else:
        cp = proof.checkpoint
        out.print(f"Entrée {seq} ({_action(proof.entry.action)}, {_when(proof.entry.at)} UTC)", highlight=False)
        out.print(
            f"{cp.label.capitalize()} : {cp.tree_size} entrées, signé le {_when(cp.signed_at)} UTC", highlight=False
        )
        out.print(f"Feuille n°{seq - 1} : {proof.leaf_hash.hex() if proof.leaf_hash else '—'}", highlight=False)
        out.print(f"Chemin d'inclusion ({len(proof.path)} nœuds) :", highlight=False)
        for index, node in enumerate(proof.path, start=1):
            out.print(f"  {index:>2}. {node.hex()}", highlight=False)
        out.print(f"Racine signée : {cp.root_hash.hex()}", highlight=False)
        verdict = "[green]oui[/]" if proof.verified else "[bold red]non[/]"
        out.print(f"Preuve vérifiée : {verdict} — {escape(proof.reason)}", highlight=False)
    if not proof.verified:
        raise typer.Exit(ExitCode.TAMPERED)


@audit_app.command("checkpoint")
def checkpoint_cmd(
    database: DatabaseOpt = None,
    as_json: Json = False,
    note: Annotated[bool, typer.Option("--note", help="au format C2SP tlog-checkpoint (note signée)")] = False,
) -> None:
    """Signe un point de contrôle sur l'état actuel du journal (refusé, code 4, si le journal est altéré)."""
    with environment(database) as env:
        made = checkpoint(env.engine, env.keyring)
        exported = signed_checkpoint(env.engine, env.keyring, env.settings.audit_origin, made.tree_size)
    if note:
        typer.echo(exported.note, nl=False)
        return
    if as_json:
        _echo_json(made.to_dict() | {"note": exported.note})
        return
    out.print(
        f"{made.label.capitalize()} : {made.tree_size} entrées, signé le {_when(made.signed_at)} UTC", highlight=False
    )
    out.print(f"Racine : {made.root_hash.hex()}", highlight=False)
    out.print(f"Signature Ed25519 : {made.signature.hex()}", highlight=False)


@audit_app.command("key")
def key_cmd(database: DatabaseOpt = None) -> None:
    """Affiche la clé publique qui signe le journal, au format des clés de vérification C2SP (nom+id+clé)."""
    with environment(database) as env:
        key = verifier_key(env.keyring, env.settings.audit_origin)
    typer.echo(key.text())


@audit_app.command("consistency")
def consistency_cmd(
    old: Annotated[int, typer.Argument(parser=_whole("ancienne taille", 0), metavar="ANCIENNE", help="taille")],
    new: Annotated[int, typer.Argument(parser=_whole("nouvelle taille", 0), metavar="NOUVELLE", help="taille")],
    database: DatabaseOpt = None,
    as_json: Json = False,
) -> None:
    """Preuve de cohérence (RFC 9162) : l'arbre de NOUVELLE entrées prolonge celui d'ANCIENNE entrées."""
    with environment(database) as env:
        proof = consistency_proof(env.engine, env.keyring, old, new)
    if as_json:
        _echo_json(proof.to_dict())
    else:
        out.print(f"Preuve de cohérence de {old} à {new} entrées ({len(proof.path)} nœuds) :", highlight=False)
        for index, node in zip(range(1, len(proof.path) + 1), proof.to_dict()["proof"], strict=True):
            out.print(f"  {index:>2}. {node}", highlight=False)
        if proof.verified is None:
            out.print("Vérifiable avec les points de contrôle signés de ces deux tailles.", highlight=False)
        else:
            verdict = "[green]oui[/]" if proof.verified else "[bold red]non[/]"
            out.print(f"Vérifiée contre les points de contrôle signés : {verdict}", highlight=False)
    if proof.verified is False:
        raise typer.Exit(ExitCode.TAMPERED)


def _witness_local(database: str | None, where: Path, trusted: VerifierKey | None) -> Observation:
    with environment(database) as env:
        return witness(env.engine, env.keyring, env.settings.audit_origin, where, key=trusted)


@audit_app.command("witness")
def witness_cmd(
    directory: Annotated[
        Path | None,
        typer.Option("--dossier", help="dossier du témoin, hors de la base (par défaut : VIGIE_WITNESS_DIR)"),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--cle", help="clé de vérification à retenir au premier passage (nom+id+clé)")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="observer un service vigie par ses adresses publiques, sans la base")
    ] = None,
    database: DatabaseOpt = None,
    as_json: Json = False,
) -> None:
    """Témoin : vérifie que le dernier point de contrôle signé prolonge le dernier vu (code 4 sinon)."""
    trusted = VerifierKey.parse(key) if key is not None else None
    settings = load_settings(database_url=database)
    where = directory or settings.witness_dir
    if where is None:
        raise ConfigurationError("dossier du témoin non indiqué : --dossier ou VIGIE_WITNESS_DIR")
    # A refused state is a TamperedJournal: exit 4 with its message (JSON under --json), like any command's.
    seen = _witness_local(database, where, trusted) if url is None else witness_remote(url, where, key=trusted)
    if as_json:
        _echo_json(seen.to_dict())
    else:
        out.print(f"[green]Témoin :[/] {escape(seen.message)}.", highlight=False)
