"""`vigie retention`: the plan, the sweep (with its certificate), events, legal holds and the journal's own
retention. The commands parse and render; the retention slice decides, destroys and journals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from vigie import inputs
from vigie.access.service import Gate
from vigie.audit import Journal
from vigie.bootstrap import prepare
from vigie.cli.app import app, err, out
from vigie.cli.hygiene import journaled
from vigie.cli.options import Database, Json
from vigie.settings import load_settings

retention_app = typer.Typer(
    help="La conservation : plan, balayage des données échues, retenues légales, journal.", no_args_is_help=True
)
hold_app = typer.Typer(help="Les retenues légales (contentieux, recours, demande de droits en cours).")
retention_app.add_typer(hold_app, name="hold", no_args_is_help=True)
app.add_typer(retention_app, name="retention")

SOURCE = "cli"
At = Annotated[str | None, typer.Option("--at", help="date du balayage, AAAA-MM-JJ (par défaut : aujourd'hui)")]
AgentOpt = Annotated[str, typer.Option("--agent", help="agent ayant un rôle d'audit (DPO) ; l'opération est tracée")]


@contextmanager
def _gate(database: str | None) -> Iterator[Gate]:
    env = prepare(load_settings(database_url=database))
    try:
        with Journal(env.engine, env.keyring) as journal:
            yield Gate(env, journal)
    finally:
        env.engine.dispose()


def _at(value: str | None) -> date | None:
    return inputs.day(value, "date") if value is not None else None


def _echo(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _s(number: int) -> str:
    return "s" if number > 1 else ""


def _of(number: int, word: str, plural: str | None = None) -> str:
    """« 1 lot », « 2 lots »: the number and its noun, agreed."""
    return f"{_n(number)} {word if number <= 1 else (plural or word + 's')}"


@retention_app.command("plan")
def plan_cmd(at: At = None, database: Database = None, as_json: Json = False) -> None:
    """Ce qu'un balayage détruira, par traitement et organisme, avec la règle qui s'applique."""
    from vigie.retention import plan

    when = _at(at)
    with _gate(database) as gate:
        result = plan(gate, when)
    if as_json:
        _echo(result.to_dict())
        return
    table = Table(title=f"Plan de conservation au {result.at.isoformat()}")
    for column in ("traitement", "organisme", "règle appliquée", "dossiers", "fins de conservation"):
        table.add_column(column, justify="right" if column == "dossiers" else "left")
    for line in result.lines:
        span = f"{line.ends_from.isoformat()} → {line.ends_to.isoformat()}"
        table.add_row(line.processing, line.organisation, escape(line.rule), _n(line.count), span)
    out.print(table)
    out.print(
        f"{_n(result.due)} dossiers à détruire ; {_n(result.held)} gardés par une retenue légale.", highlight=False
    )
    if result.upcoming:
        months: dict[str, int] = {}
        for month, _, count in result.upcoming:
            months[month] = months.get(month, 0) + count
        out.print(
            "Dans l'année qui suit : " + ", ".join(f"{m} : {_n(c)}" for m, c in sorted(months.items())),
            highlight=False,
        )


@retention_app.command("sweep")
def sweep_cmd(
    at: At = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="montre ce qui serait détruit, sans rien détruire")
    ] = False,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Détruit ce qui est échu, par lots, et écrit un certificat de destruction au journal d'audit."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from vigie.retention import dry_run as dry
    from vigie.retention import sweep

    when = _at(at)
    with _gate(database) as gate:
        if dry_run:
            report = dry(gate, when)
        else:
            bar = Progress(
                TextColumn("Balayage"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=err, disable=as_json or not err.is_terminal, transient=True,
            )  # fmt: skip
            task = bar.add_task("dossiers", total=None)
            with bar:
                report = sweep(gate, when, progress=lambda done, total: bar.update(task, completed=done, total=total))
    if as_json:
        _echo(report.to_dict())
        return
    if report.dry_run:
        out.print(
            f"Au {report.at.isoformat()}, {_n(report.destroyed)} dossiers seraient détruits "
            f"({_n(report.held)} gardés par une retenue légale) ; rien n'a été détruit.",
            highlight=False,
        )
        return
    if report.resumed:
        out.print(f"Reprise du balayage interrompu n° {report.run_id} (au {report.at.isoformat()}).", highlight=False)
    out.print(
        f"Balayage n° {report.run_id} au {report.at.isoformat()} : {_of(report.destroyed, 'dossier')} "
        f"détruit{_s(report.destroyed)} (dont {_n(report.reduced)} réduit{_s(report.reduced)} aux statistiques), "
        f"{_of(report.erased, 'personne')} effacée{_s(report.erased)}, en {_of(report.batches, 'lot')} ; "
        f"certificat : entrée {report.certificate} du journal.",
        highlight=False,
    )


@retention_app.command("event")
@journaled("agent", "subject", "purpose", "event", "on", "record")
def event_cmd(
    agent: AgentOpt,
    subject: Annotated[str, typer.Option("--subject", help="identifiant de la personne")],
    purpose: Annotated[str, typer.Option("--purpose", help="traitement dont l'événement fait courir la durée")],
    event: Annotated[str, typer.Option("--event", help="événement (rights_end, death, final_decision…)")],
    on: Annotated[str, typer.Option("--on", help="date de l'événement, AAAA-MM-JJ")],
    record: Annotated[str | None, typer.Option("--record", help="dossier concerné (événement de dossier)")] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Note un événement qui fait courir une durée de conservation ; les dates de fin sont recalculées."""
    from vigie.retention import record_event

    with _gate(database) as gate:
        agent_id = gate.admit(lambda: inputs.agent_id(agent), source=SOURCE)
        subject_id, processing, day, record_id, event_name = gate.admit(
            lambda: (
                inputs.subject_id(subject),
                inputs.purpose(purpose),
                inputs.day(on),
                inputs.record_id(record) if record is not None else None,
                inputs.text(event, "text", limit=64),
            ),
            agent_id=agent_id,
            source=SOURCE,
        )
        entry = record_event(
            gate, agent_id, subject_id, processing, event_name, day,
            record_id=record_id, source=SOURCE,
        )  # fmt: skip
    if as_json:
        _echo({"entry": entry})
    else:
        out.print(f"Événement noté (entrée {entry} du journal) ; dates de fin recalculées.", highlight=False)


def _hold_row(hold: Any) -> list[str]:
    scope = []
    if hold.record_id is not None:
        scope.append(f"dossier {hold.record_id}")
    if hold.subject_id is not None:
        scope.append(f"personne {hold.subject_id}")
    if hold.processing is not None:
        scope.append(f"traitement {hold.processing}")
    released = hold.released_on.isoformat() if hold.released_on else "active"
    return [str(hold.id), hold.reason.value, ", ".join(scope), hold.placed_on.isoformat(), hold.placed_by, released]


@hold_app.command("place")
@journaled("agent", "subject", "purpose", "record", "reason")
def hold_place(
    agent: AgentOpt,
    reason: Annotated[str, typer.Option("--reason", help="motif : litigation, appeal ou rights_request")],
    subject: Annotated[str | None, typer.Option("--subject", help="personne couverte")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help="traitement couvert")] = None,
    record: Annotated[str | None, typer.Option("--record", help="dossier couvert")] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Pose une retenue légale : la destruction de ce qu'elle couvre attend sa levée."""
    from vigie.retention import place

    with _gate(database) as gate:
        agent_id = gate.admit(lambda: inputs.agent_id(agent), source=SOURCE)
        subject_id, processing, record_id, why = gate.admit(
            lambda: (
                inputs.subject_id(subject) if subject is not None else None,
                inputs.purpose(purpose) if purpose is not None else None,
                inputs.record_id(record) if record is not None else None,
                inputs.text(reason, "text", limit=32),
            ),
            agent_id=agent_id,
            source=SOURCE,
        )
        hold = place(
            gate, agent_id, why, subject_id=subject_id, processing=processing,
            record_id=record_id, source=SOURCE,
        )  # fmt: skip
    if as_json:
        _echo(hold.to_dict())
    else:
        out.print(f"Retenue légale n° {hold.id} posée.", highlight=False)


@hold_app.command("release")
@journaled("agent", "hold")
def hold_release(
    agent: AgentOpt,
    hold: Annotated[str, typer.Option("--hold", help="numéro de la retenue à lever")],
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Lève une retenue légale : ce qu'elle couvrait sera détruit au prochain balayage s'il est échu."""
    from vigie.retention import release

    with _gate(database) as gate:
        agent_id = gate.admit(lambda: inputs.agent_id(agent), source=SOURCE)
        hold_id = gate.admit(lambda: inputs.record_id(hold), agent_id=agent_id, source=SOURCE)
        done = release(gate, agent_id, hold_id, source=SOURCE)
    if as_json:
        _echo(done.to_dict())
    else:
        out.print(f"Retenue légale n° {done.id} levée.", highlight=False)


@hold_app.command("list")
@journaled("agent")
def hold_list(
    agent: AgentOpt,
    all_: Annotated[bool, typer.Option("--all", help="inclut les retenues levées")] = False,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Liste les retenues légales (actives seulement, sauf --all) ; la consultation est tracée."""
    from vigie.retention import listed

    with _gate(database) as gate:
        agent_id = gate.admit(lambda: inputs.agent_id(agent), source=SOURCE)
        holds = listed(gate, agent_id, active_only=not all_, source=SOURCE)
    if as_json:
        _echo([h.to_dict() for h in holds])
        return
    table = Table(title="Retenues légales")
    for column in ("n°", "motif", "couvre", "posée le", "par", "levée le"):
        table.add_column(column)
    for hold in holds:
        table.add_row(*(escape(cell) for cell in _hold_row(hold)))
    out.print(table)


@retention_app.command("logs")
def logs_cmd(database: Database = None, as_json: Json = False) -> None:
    """Purge du journal d'audit ce qui a dépassé sa durée de conservation, sous une ancre signée."""
    from vigie.retention.logs import purge_expired_logs

    with _gate(database) as gate:
        result = purge_expired_logs(gate)
    if as_json:
        _echo(result.to_dict())
    else:
        out.print(
            f"{_n(result.purged)} entrées du journal purgées (traces de connexion antérieures au "
            f"{result.connections_before}, autres entrées antérieures au {result.others_before}).",
            highlight=False,
        )
