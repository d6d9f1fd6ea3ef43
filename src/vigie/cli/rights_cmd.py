"""`vigie rights …`: the DPO's rights requests from the command line; every use of personal data journaled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigie import inputs
from vigie.audit import Journal
from vigie.bootstrap import prepare
from vigie.cli.app import app, out
from vigie.cli.hygiene import journaled
from vigie.cli.options import Database, Json
from vigie.ids import AgentId
from vigie.rights import Intake, RightsService, answer, lift, notify, stats
from vigie.rights import parsing as parse
from vigie.rights.answers import request_json
from vigie.rights.deadlines import flags
from vigie.rights.letters import pdf
from vigie.rights.model import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS, Request, Status
from vigie.rights.notices import Exception14, Situation
from vigie.settings import load_settings

rights_app = typer.Typer(help="Les demandes d'exercice des droits des personnes (DPO).", no_args_is_help=True)
app.add_typer(rights_app, name="rights")

AgentOpt = Annotated[str, typer.Option("--agent", help="identifiant de l'agent (un DPO)")]
RequestArg = Annotated[str, typer.Argument(metavar="DEMANDE", help="numéro de la demande")]


def _service(database: str | None) -> tuple[RightsService, Journal]:
    env = prepare(load_settings(database_url=database))
    journal = Journal(env.engine, env.keyring)
    return RightsService(env, journal), journal


def _agent(service: RightsService, agent: str) -> AgentId:
    return service.gate.admit(lambda: inputs.agent_id(agent))


def _flagged(request: Request, today: Any) -> dict[str, Any]:
    soon, overdue = flags(request.deadline, request.status is Status.ANSWERED, today)
    return {**request_json(request), "due_soon": soon, "overdue": overdue}


def _print_request(request: Request, today: Any) -> None:
    data = _flagged(request, today)
    flag = " [red]EN RETARD[/]" if data["overdue"] else (" [yellow]échéance proche[/]" if data["due_soon"] else "")
    out.print(
        f"[bold]Demande {request.id}[/] — {KIND_LABELS[request.kind]}, {STATUS_LABELS[request.status]}, "
        f"personne {request.subject_id} ({request.organisation}), reçue le {request.received_on:%d/%m/%Y}, "
        f"échéance {request.deadline:%d/%m/%Y}{flag}"
        if request.deadline
        else f"[bold]Demande {request.id}[/] — {KIND_LABELS[request.kind]}, {STATUS_LABELS[request.status]} "
        f"(le délai court à la confirmation de l'identité)"
    )
    if request.outcome is not None:
        out.print(f"  Décision : {OUTCOME_LABELS[request.outcome]}")
        for ruling in request.rulings:
            verdict = "accordée" if ruling.granted else "refusée"
            out.print(f"  - {ruling.processing or 'ensemble'} : {verdict} — {ruling.ground}", markup=False)


def _emit(as_json: bool, data: dict[str, Any], request: Request | None, today: Any) -> None:
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False, default=str))
    elif request is not None:
        _print_request(request, today)


@rights_app.command("submit")
@journaled("agent", "nir", "kind", "channel", "received", "nom", "prenom", "processings", "text", "account")
def submit(
    agent: AgentOpt,
    nir: Annotated[str, typer.Option("--nir", help="NIR de la personne (15 caractères)")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="information, access, rectification, limitation, erasure, objection ou portability"
        ),
    ],
    nom: Annotated[str, typer.Option("--nom", help="nom de famille donné dans la demande")],
    channel: Annotated[str, typer.Option("--channel", help="online, letter ou email")] = "letter",
    received: Annotated[
        str | None, typer.Option("--received", help="date de réception AAAA-MM-JJ (aujourd'hui)")
    ] = None,
    prenom: Annotated[str | None, typer.Option("--prenom", help="prénom donné dans la demande")] = None,
    processings: Annotated[
        str | None, typer.Option("--processings", help="traitements visés, séparés par des virgules (tous)")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="texte de la demande (conservé chiffré)")] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="personne titulaire du compte en ligne (canal online)")
    ] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Enregistre une demande, la rattache à la personne (NIR, index aveugle) et fait courir le délai."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        env = service.env
        today = env.clock.today()
        intake = service.gate.admit(
            lambda: Intake(
                nir=inputs.text(nir, "nir"),
                kind=parse.kind(kind),
                channel=parse.channel(channel),
                received_on=parse.day(received, "date de réception") if received is not None else today,
                identity={
                    "nom": inputs.text(nom, "text", limit=200),
                    **({"prenom": inputs.text(prenom, "text", limit=200)} if prenom else {}),
                },
                processings=parse.processings(env.register, processings),
                text=inputs.text(text) if text is not None else "",
                requester=inputs.subject_id(account) if account is not None else None,
            ),
            agent_id=agent_id,
        )
        made = service.submit(agent_id, intake)
    _emit(as_json, _flagged(made, today), made, today)


@rights_app.command("confirm")
@journaled("request", "agent", "on")
def confirm(
    request: RequestArg,
    agent: AgentOpt,
    on: Annotated[str, typer.Option("--on", help="date de confirmation de l'identité AAAA-MM-JJ")],
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Confirme l'identité d'une demande « identité à confirmer » : le délai court à partir de cette date."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        number, when = service.gate.admit(
            lambda: (parse.request_id(request), parse.day(on, "date de confirmation")), agent_id=agent_id
        )
        done = service.confirm_identity(agent_id, number, when)
    today = service.env.clock.today()
    _emit(as_json, _flagged(done, today), done, today)


@rights_app.command("list")
@journaled("agent", "status")
def list_requests(
    agent: AgentOpt,
    status: Annotated[str | None, typer.Option("--status", help="identity_hold, open, decided ou answered")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="nombre de demandes au plus")] = 100,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Les demandes de l'organisme du DPO, avec leur échéance (échéance proche, en retard)."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        wanted = service.gate.admit(
            lambda: parse.choice(Status, status, "statut") if status is not None else None, agent_id=agent_id
        )
        found = service.list(agent_id, status=wanted, limit=limit)
    today = service.env.clock.today()
    rows = [_flagged(r, today) for r in found]
    if as_json:
        out.print_json(json.dumps({"requests": rows}, ensure_ascii=False))
        return
    table = Table(title="Demandes d'exercice des droits")
    for column in ("N°", "Droit", "Statut", "Personne", "Reçue", "Échéance", "Alerte"):
        table.add_column(column)
    for request, row in zip(found, rows, strict=True):
        alert = "en retard" if row["overdue"] else ("échéance proche" if row["due_soon"] else "")
        due = f"{request.deadline:%d/%m/%Y}" if request.deadline else "identité à confirmer"
        table.add_row(
            str(request.id), KIND_LABELS[request.kind], STATUS_LABELS[request.status], str(request.subject_id),
            f"{request.received_on:%d/%m/%Y}", due, alert,
        )  # fmt: skip
    out.print(table)


@rights_app.command("show")
@journaled("request", "agent")
def show(request: RequestArg, agent: AgentOpt, database: Database = None, as_json: Json = False) -> None:
    """Une demande, son texte (déchiffré, lecture tracée) et sa décision."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        number = service.gate.admit(lambda: parse.request_id(request), agent_id=agent_id)
        found, text = service.show(agent_id, number)
    today = service.env.clock.today()
    if as_json:
        out.print_json(json.dumps({**_flagged(found, today), "text": text}, ensure_ascii=False))
        return
    _print_request(found, today)
    if text:
        out.print(f"  Texte : {text}", markup=False)


@rights_app.command("decide")
@journaled("request", "agent", "unfounded", "record", "value")
def decide(
    request: RequestArg,
    agent: AgentOpt,
    unfounded: Annotated[
        str | None, typer.Option("--unfounded", help="refuser comme manifestement infondée ou excessive : le motif")
    ] = None,
    record: Annotated[
        str | None, typer.Option("--record", help="rectification : la donnée à corriger (numéro)")
    ] = None,
    value: Annotated[str | None, typer.Option("--value", help="rectification : la valeur correcte, en JSON")] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Décide la demande d'après le registre et l'état de la personne, et applique ce qui est accordé."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        number, reason, rectified = service.gate.admit(
            lambda: (
                parse.request_id(request),
                inputs.text(unfounded) if unfounded is not None else None,
                parse.rectification(record, value),
            ),
            agent_id=agent_id,
        )
        done = service.decide(agent_id, number, unfounded=reason, rectified=rectified)
    today = service.env.clock.today()
    _emit(as_json, _flagged(done, today), done, today)


@rights_app.command("extend")
@journaled("request", "agent", "reason", "told_on")
def extend(
    request: RequestArg,
    agent: AgentOpt,
    months: Annotated[int, typer.Option("--months", help="prolongation : 1 ou 2 mois")],
    reason: Annotated[str, typer.Option("--reason", help="complexity (complexité) ou number (nombre de demandes)")],
    told_on: Annotated[str, typer.Option("--told-on", help="date où la personne a été informée AAAA-MM-JJ")],
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Prolonge le délai d'un ou deux mois, la personne informée dans le premier mois (RGPD, art. 12(3))."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        number, why, told, extra = service.gate.admit(
            lambda: (
                parse.request_id(request),
                parse.extension_reason(reason),
                parse.day(told_on, "date d'information"),
                parse.months(months),
            ),
            agent_id=agent_id,
        )
        done = service.extend(agent_id, number, extra, why, told)
    today = service.env.clock.today()
    _emit(as_json, _flagged(done, today), done, today)


def _write_letter(letter: str, html: Path | None, pdf_path: Path | None) -> list[Path]:
    """Write the letter where the command was asked to (HTML, PDF or both); the paths written."""
    if html is not None:
        html.write_text(letter, encoding="utf-8")
    if pdf_path is not None:
        pdf_path.write_bytes(pdf(letter))
    return [path for path in (html, pdf_path) if path is not None]


def _print_written(paths: list[Path]) -> None:
    for path in paths:
        out.print(f"Lettre écrite : {path}", markup=False)


@rights_app.command("answer")
@journaled("request", "agent")
def answer_request(
    request: RequestArg,
    agent: AgentOpt,
    html: Annotated[Path | None, typer.Option("--html", help="écrire la lettre en HTML dans ce fichier")] = None,
    pdf_path: Annotated[Path | None, typer.Option("--pdf", help="écrire la lettre en PDF dans ce fichier")] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Répond à une demande décidée : le contenu (données, accès) et la lettre, en HTML ou PDF."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        number = service.gate.admit(lambda: parse.request_id(request), agent_id=agent_id)
        reply = answer(service, agent_id, number)
    written = _write_letter(reply.html, html, pdf_path)
    if as_json:
        out.print_json(reply.json())
        return
    _print_request(reply.request, service.env.clock.today())
    _print_written(written)


@rights_app.command("lift")
@journaled("request", "agent", "told_on", "reason")
def lift_limitation(
    request: RequestArg,
    agent: AgentOpt,
    told_on: Annotated[
        str, typer.Option("--told-on", help="date où la personne a été informée de la levée à venir AAAA-MM-JJ")
    ],
    reason: Annotated[str, typer.Option("--reason", help="motif de la levée (repris dans la lettre)")],
    html: Annotated[Path | None, typer.Option("--html", help="écrire la lettre en HTML dans ce fichier")] = None,
    pdf_path: Annotated[Path | None, typer.Option("--pdf", help="écrire la lettre en PDF dans ce fichier")] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Lève la limitation obtenue par une demande, la personne informée avant (RGPD, art. 18(3))."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        number, told, why = service.gate.admit(
            lambda: (parse.request_id(request), parse.day(told_on, "date d'information"), parse.lift_reason(reason)),
            agent_id=agent_id,
        )
        done = lift(service, agent_id, number, told, why)
    written = _write_letter(done.html, html, pdf_path)
    today = service.env.clock.today()
    if as_json:
        out.print_json(json.dumps({**_flagged(done.request, today), "letter_html": done.html}, ensure_ascii=False))
        return
    _print_request(done.request, today)
    out.print(f"  Limitation levée le {done.request.lifted_on:%d/%m/%Y} (personne informée le {told:%d/%m/%Y}).")
    _print_written(written)


@rights_app.command("notify")
@journaled("agent", "subject", "processing", "situation", "exception")
def notify_person(
    agent: AgentOpt,
    subject: Annotated[str, typer.Option("--subject", help="identifiant de la personne")],
    processing: Annotated[str, typer.Option("--processing", help="traitement dont les données viennent de tiers")],
    situation: Annotated[str, typer.Option("--situation", help="investigation, sanction, closed ou partner")],
    exception: Annotated[
        str | None,
        typer.Option(
            "--exception", help="exception de l'art. 14(5) : already_informed, disproportionate, law, secrecy"
        ),
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="écrire l'information en HTML dans ce fichier")] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Informe individuellement une personne dont les données viennent de tiers (RGPD, art. 14), ou consigne
    l'exception qui en dispense."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        who, what, where, why = service.gate.admit(
            lambda: (
                inputs.subject_id(subject),
                inputs.purpose(processing),
                parse.choice(Situation, situation, "situation"),
                parse.choice(Exception14, exception, "exception") if exception is not None else None,
            ),
            agent_id=agent_id,
        )
        sent = notify(service, agent_id, who, what, where, exception=why)
    if html is not None and sent.html is not None:
        html.write_text(sent.html, encoding="utf-8")
    data = {
        "notice": sent.id,
        "exception": sent.exception.value if sent.exception else None,
        "observations_until": sent.observations_until.isoformat() if sent.observations_until else None,
    }
    if as_json:
        out.print_json(json.dumps(data))
    elif sent.exception is not None:
        out.print(f"Information n° {sent.id} : exception consignée ({sent.exception.value}), aucune lettre.")
    else:
        until = f", observations jusqu'au {sent.observations_until:%d/%m/%Y}" if sent.observations_until else ""
        out.print(f"Information n° {sent.id} consignée{until}.")


@rights_app.command("stats")
@journaled("agent")
def show_stats(agent: AgentOpt, database: Database = None, as_json: Json = False) -> None:
    """Nombre de demandes par droit, issue et organisme ; délai médian de réponse ; demandes en retard."""
    service, journal = _service(database)
    with journal:
        agent_id = _agent(service, agent)
        organisation = service.dpo_organisation(agent_id)
    found = stats(
        service.env,
        None if organisation == service.env.register.controller.national_body else organisation,
        service.env.clock.today(),
    )
    if as_json:
        out.print_json(json.dumps(found.as_json()))
        return
    out.print(f"Demandes répondues : {found.answered} ; en cours : {found.open} ; en retard : {found.overdue}")
    median = found.median_days_to_answer
    out.print(f"Délai médian de réponse : {median:g} jours" if median is not None else "Aucune réponse encore.")
    for title, counts in (("Par droit", found.by_kind), ("Par issue", found.by_outcome)):
        out.print(f"{title} : " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    out.print("Par organisme : " + ", ".join(f"{k} {v}" for k, v in sorted(found.by_organisation.items())))
