"""`/api/rights/…`: the DPO's rights requests over HTTP (same services as `vigie rights`); every use journaled."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from vigie import inputs
from vigie.rights import Intake, RightsService, Status, answer, lift, notify, stats
from vigie.rights import parsing as parse
from vigie.rights.answers import encode, request_json
from vigie.rights.deadlines import flags
from vigie.rights.letters import pdf
from vigie.rights.model import Request as RightsRequest
from vigie.rights.notices import Exception14, Situation
from vigie.web.auth import AgentDep, source_of
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.routes.access_api import _REFUSALS, JournaledRoute
from vigie.web.schemas import ErrorOut

router = APIRouter(tags=["droits"], route_class=JournaledRoute)
_ANSWERS: dict[int | str, dict[str, Any]] = {
    **_REFUSALS,
    404: {"model": ErrorOut, "description": "adresse inconnue"},
}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubmitIn(_In):
    """Une demande reçue : la personne (NIR et identité déclarée), le droit exercé, le canal, la date."""

    nir: str = Field(max_length=32, description="NIR de la personne (15 caractères)")
    kind: str = Field(max_length=32, description="information, access, rectification, limitation, erasure, "
                      "objection ou portability")  # fmt: skip
    nom: str = Field(max_length=200, description="nom de famille déclaré dans la demande")
    prenom: str | None = Field(default=None, max_length=200, description="prénom déclaré")
    channel: str = Field(default="letter", max_length=32, description="online, letter ou email")
    received_on: str | None = Field(default=None, max_length=10, description="date de réception AAAA-MM-JJ")
    processings: list[str] | None = Field(default=None, max_length=64, description="traitements visés (tous)")
    text: str | None = Field(default=None, max_length=2000, description="texte de la demande (conservé chiffré)")
    account: str | None = Field(default=None, max_length=19, description="personne titulaire du compte (online)")


class ConfirmIn(_In):
    """La date à laquelle l'identité a été confirmée (le délai court à partir d'elle)."""

    on: str = Field(max_length=10, description="AAAA-MM-JJ")


class DecideIn(_In):
    """Une décision : d'après le registre ; ou le refus d'une demande manifestement infondée ; ou la valeur
    correcte d'une rectification."""

    unfounded: str | None = Field(default=None, max_length=2000, description="motif d'un refus (art. 12(5))")
    record: str | None = Field(default=None, max_length=19, description="rectification : la donnée à corriger")
    value: str | None = Field(default=None, max_length=2000, description="rectification : valeur correcte (JSON)")


class ExtendIn(_In):
    """Une prolongation d'un ou deux mois, pour complexité ou nombre de demandes, la personne informée."""

    months: int = Field(ge=1, le=2)
    reason: Literal["complexity", "number"]
    told_on: str = Field(max_length=10, description="date où la personne a été informée, AAAA-MM-JJ")


class LiftIn(_In):
    """La levée d'une limitation : la date où la personne en a été informée (avant la levée) et le motif."""

    told_on: str = Field(max_length=10, description="date où la personne a été informée, AAAA-MM-JJ")
    reason: str = Field(max_length=2000, description="motif de la levée (repris dans la lettre)")


class NotifyIn(_In):
    """Une information individuelle (art. 14), ou l'exception qui en dispense."""

    subject: str = Field(max_length=19)
    processing: str = Field(max_length=64)
    situation: Literal["investigation", "sanction", "closed", "partner"]
    exception: Literal["already_informed", "disproportionate", "law", "secrecy"] | None = None


class RulingOut(BaseModel):
    processing: str | None
    granted: bool
    ground: str
    recipients: list[str]


class RequestOut(BaseModel):
    """Une demande : numéros, dates, vocabulaire (aucune donnée personnelle en clair)."""

    id: int
    subject: int
    organisation: str
    kind: str
    kind_label: str
    channel: str
    received_on: date
    registered_by: str
    processings: list[str] | None
    status: str
    identity_confirmed_on: date | None
    due_on: date | None
    extended_to: date | None
    extension_reason: str | None
    extension_told_on: date | None
    deadline: date | None
    outcome: str | None
    outcome_label: str | None
    rulings: list[RulingOut]
    decided_on: date | None
    decided_by: str | None
    answered_on: date | None
    lifted_on: date | None
    lifted_by: str | None
    lift_told_on: date | None
    lift_reason: str | None
    due_soon: bool
    overdue: bool
    text: str | None = None


class RequestsOut(BaseModel):
    requests: list[RequestOut]


class AnswerOut(BaseModel):
    """La réponse : la demande, ce qu'elle communique (accès, information, portabilité) et la lettre en HTML."""

    request: RequestOut
    content: dict[str, Any] | None
    portable: dict[str, Any] | None
    letter_html: str


class LiftOut(BaseModel):
    """Une limitation levée : la demande, et la lettre à la personne en HTML."""

    request: RequestOut
    letter_html: str


class NoticeOut(BaseModel):
    notice: int
    exception: str | None
    observations_until: date | None
    letter_html: str | None


class StatsOut(BaseModel):
    by_kind: dict[str, int]
    by_outcome: dict[str, int]
    by_organisation: dict[str, int]
    median_days_to_answer: float | None
    answered: int
    overdue: int
    open: int


def _out(request: RightsRequest, today: date, text: str | None = None) -> RequestOut:
    soon, overdue = flags(request.deadline, request.status is Status.ANSWERED, today)
    return RequestOut.model_validate({**request_json(request), "due_soon": soon, "overdue": overdue, "text": text})


def _service(env: EnvDep, journal: JournalDep) -> RightsService:
    return RightsService(env, journal)


@router.post(
    "/api/rights/requests", summary="Enregistrer une demande", responses=_ANSWERS, operation_id="rights_submit"
)
def submit(body: SubmitIn, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request) -> RequestOut:
    """Enregistre une demande reçue ; la personne est retrouvée par son NIR (index aveugle), la lecture tracée."""
    service, source, today = _service(env, journal), source_of(request), env.clock.today()
    intake = service.gate.admit(
        lambda: Intake(
            nir=inputs.text(body.nir, "nir"),
            kind=parse.kind(body.kind),
            channel=parse.channel(body.channel),
            received_on=parse.day(body.received_on, "date de réception") if body.received_on else today,
            identity={
                "nom": inputs.text(body.nom, "text"),
                **({"prenom": inputs.text(body.prenom)} if body.prenom else {}),
            },
            processings=parse.processings(env.register, body.processings),
            text=inputs.text(body.text) if body.text else "",
            requester=inputs.subject_id(body.account) if body.account is not None else None,
        ),
        agent_id=agent.id,
        source=source,
    )
    return _out(service.submit(agent.id, intake, source=source), today)


@router.get("/api/rights/requests", summary="Lister les demandes", responses=_ANSWERS, operation_id="rights_list")
def list_requests(
    agent: AgentDep,
    env: EnvDep,
    journal: JournalDep,
    status: Literal["identity_hold", "open", "decided", "answered"] | None = Query(default=None),
    limit: int = Query(default=100, ge=1, le=1000),
) -> RequestsOut:
    """Les demandes de l'organisme du DPO authentifié, avec les alertes d'échéance."""
    service, today = _service(env, journal), env.clock.today()
    found = service.list(agent.id, status=Status(status) if status else None, limit=limit)
    return RequestsOut(requests=[_out(r, today) for r in found])


@router.get(
    "/api/rights/requests/{request_id}", summary="Lire une demande", responses=_ANSWERS, operation_id="rights_show"
)
def show(request_id: str, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request) -> RequestOut:
    """La demande et son texte (déchiffré, lecture tracée)."""
    service, source = _service(env, journal), source_of(request)
    number = service.gate.admit(lambda: parse.request_id(request_id), agent_id=agent.id, source=source)
    found, text = service.show(agent.id, number, source=source)
    return _out(found, env.clock.today(), text)


@router.post(
    "/api/rights/requests/{request_id}/confirm",
    summary="Confirmer l'identité",
    responses=_ANSWERS,
    operation_id="rights_confirm",
)
def confirm(
    request_id: str, body: ConfirmIn, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request
) -> RequestOut:
    """L'identité est confirmée : le délai court à partir de cette date (RGPD, art. 12(6))."""
    service, source = _service(env, journal), source_of(request)
    number, on = service.gate.admit(
        lambda: (parse.request_id(request_id), parse.day(body.on, "date de confirmation")),
        agent_id=agent.id,
        source=source,
    )
    return _out(service.confirm_identity(agent.id, number, on, source=source), env.clock.today())


@router.post(
    "/api/rights/requests/{request_id}/decide", summary="Décider", responses=_ANSWERS, operation_id="rights_decide"
)
def decide(
    request_id: str, body: DecideIn, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request
) -> RequestOut:
    """Décide d'après le registre et l'état de la personne, et applique ce qui est accordé (tracé)."""
    service, source = _service(env, journal), source_of(request)
    number, reason, rectified = service.gate.admit(
        lambda: (
            parse.request_id(request_id),
            inputs.text(body.unfounded) if body.unfounded is not None else None,
            parse.rectification(body.record, body.value),
        ),
        agent_id=agent.id,
        source=source,
    )
    done = service.decide(agent.id, number, unfounded=reason, rectified=rectified, source=source)
    return _out(done, env.clock.today())


@router.post(
    "/api/rights/requests/{request_id}/extend", summary="Prolonger", responses=_ANSWERS, operation_id="rights_extend"
)
def extend(
    request_id: str, body: ExtendIn, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request
) -> RequestOut:
    """Prolonge le délai d'un ou deux mois (RGPD, art. 12(3))."""
    service, source = _service(env, journal), source_of(request)
    number, told = service.gate.admit(
        lambda: (parse.request_id(request_id), parse.day(body.told_on, "date d'information")),
        agent_id=agent.id,
        source=source,
    )
    reason = parse.ExtensionReason(body.reason)
    return _out(service.extend(agent.id, number, body.months, reason, told, source=source), env.clock.today())


@router.post(
    "/api/rights/requests/{request_id}/answer",
    summary="Répondre",
    responses=_ANSWERS,
    response_model=AnswerOut,
    operation_id="rights_answer",
)
def answer_request(request_id: str, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request) -> Response:
    """La réponse à une demande décidée : son contenu et la lettre (HTML) ; la demande est marquée répondue."""
    service, source = _service(env, journal), source_of(request)
    number = service.gate.admit(lambda: parse.request_id(request_id), agent_id=agent.id, source=source)
    reply = answer(service, agent.id, number, source=source)
    # `AnswerOut` written out: the content comes already encoded (the register's accounts once for all answers)
    # rather than validated and encoded again, key by key, from its 30 kB of data.
    body = (
        f'{{"request":{_out(reply.request, env.clock.today()).model_dump_json()},"content":{reply.content_json},'
        f'"portable":{encode(reply.portable)},"letter_html":{encode(reply.html)}}}'
    )
    return Response(body, media_type="application/json")


@router.get(
    "/api/rights/requests/{request_id}/letter.pdf",
    summary="La lettre de réponse en PDF",
    responses={**_ANSWERS, 200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}},
    response_class=Response,
    operation_id="rights_letter_pdf",
)
def letter_pdf(request_id: str, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request) -> Response:
    """La lettre de réponse d'une demande décidée ou répondue, en PDF (WeasyPrint)."""
    service, source = _service(env, journal), source_of(request)
    number = service.gate.admit(lambda: parse.request_id(request_id), agent_id=agent.id, source=source)
    reply = answer(service, agent.id, number, source=source)
    return Response(pdf(reply.html), media_type="application/pdf")


@router.post(
    "/api/rights/requests/{request_id}/lift",
    summary="Lever une limitation",
    responses=_ANSWERS,
    operation_id="rights_lift",
)
def lift_limitation(
    request_id: str, body: LiftIn, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request
) -> LiftOut:
    """Lève la limitation obtenue par une demande, la personne informée avant (RGPD, art. 18(3)) ; tracé."""
    service, source = _service(env, journal), source_of(request)
    number, told, reason = service.gate.admit(
        lambda: (
            parse.request_id(request_id),
            parse.day(body.told_on, "date d'information"),
            parse.lift_reason(body.reason),
        ),
        agent_id=agent.id,
        source=source,
    )
    done = lift(service, agent.id, number, told, reason, source=source)
    return LiftOut(request=_out(done.request, env.clock.today()), letter_html=done.html)


@router.post("/api/rights/notices", summary="Informer une personne", responses=_ANSWERS, operation_id="rights_notify")
def notify_person(body: NotifyIn, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request) -> NoticeOut:
    """Information individuelle d'une personne dont les données viennent de tiers (RGPD, art. 14)."""
    service, source = _service(env, journal), source_of(request)
    subject, processing = service.gate.admit(
        lambda: (inputs.subject_id(body.subject), inputs.purpose(body.processing)), agent_id=agent.id, source=source
    )
    exception = Exception14(body.exception) if body.exception else None
    sent = notify(service, agent.id, subject, processing, Situation(body.situation), exception=exception, source=source)
    return NoticeOut(
        notice=sent.id,
        exception=sent.exception.value if sent.exception else None,
        observations_until=sent.observations_until,
        letter_html=sent.html,
    )


@router.get("/api/rights/stats", summary="Statistiques des demandes", responses=_ANSWERS, operation_id="rights_stats")
def rights_stats(agent: AgentDep, env: EnvDep, journal: JournalDep) -> StatsOut:
    """Par droit, issue et organisme ; délai médian de réponse ; demandes en retard (le DPO de la Cnam voit tout)."""
    service = _service(env, journal)
    organisation = service.dpo_organisation(agent.id)
    found = stats(
        env, None if organisation == env.register.controller.national_body else organisation, env.clock.today()
    )
    return StatsOut.model_validate(found.as_json())
