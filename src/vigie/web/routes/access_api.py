"""`/api/access` and `/api/subjects`: the gate over HTTP, for authenticated agents; every call journaled."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any, NoReturn, TypeVar, cast

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vigie import inputs
from vigie.access.service import Gate
from vigie.audit import AuditAction, AuditSink
from vigie.environment import Environment
from vigie.errors import InvalidInput
from vigie.ids import AgentId
from vigie.model import Agent
from vigie.web.auth import AgentDep, source_of
from vigie.web.blocking import blocking
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import ErrorOut

T = TypeVar("T")


def _journal_rejected(request: Request, agent: Agent, error: RequestValidationError) -> None:
    """Journal a request the schema refused (a wrong type, a missing field) as bad input of that agent."""
    problem = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in problem.get("loc", ())[1:]) or "requête"
    reason = "champ manquant" if problem.get("type") == "missing" else "type ou format invalide"
    typed = str(problem.get("input", ""))

    def refuse() -> NoReturn:
        raise InvalidInput(where[:40], inputs.shown(typed), reason, typed=typed)

    action = AuditAction.READ if request.method == "GET" else AuditAction.DECIDE
    gate = Gate(cast(Environment, request.app.state.env), cast(AuditSink, request.app.state.journal))
    with contextlib.suppress(InvalidInput):  # journaled; FastAPI answers the 422 itself
        gate.admit(refuse, agent_id=agent.id, action=action, source=source_of(request))


class JournaledRoute(APIRoute):
    """A route whose requests refused by the schema (422 before any route code runs) still leave their entry,
    once the agent is authenticated: every call to the gate is journaled, whatever it carries."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def journaled(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                agent = getattr(request.state, "agent", None)
                if isinstance(agent, Agent):
                    await run_in_threadpool(_journal_rejected, request, agent, error)
                raise

        return journaled


async def _admitted(
    gate: Gate, parse: Callable[[], T], *, agent_id: AgentId, action: AuditAction, source: str | None
) -> T:
    """`gate.admit(parse, ...)` for an async route: parsing is pure and runs in place; only bad input, which
    `admit` journals (and waits for), goes to the thread pool."""
    try:
        return parse()
    except InvalidInput:
        return await run_in_threadpool(gate.admit, parse, agent_id=agent_id, action=action, source=source)


router = APIRouter(tags=["accès"], route_class=JournaledRoute)
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "jeton absent, inconnu ou expiré"},
    403: {"model": ErrorOut, "description": "accès refusé (la raison est donnée et tracée)"},
    413: {"model": ErrorOut, "description": "corps de la requête trop volumineux"},
    422: {"model": ErrorOut, "description": "entrée invalide (tracée, sans la valeur en clair)"},
    429: {"model": ErrorOut, "description": "trop d'échecs d'authentification depuis cette adresse"},
}


class CheckIn(BaseModel):
    """Une demande de décision : pour quelle personne, quel traitement, quelles catégories."""

    subject: str | int = Field(description="identifiant de la personne concernée (chiffres)")
    purpose: str = Field(description="traitement du registre au titre duquel l'agent agit")
    categories: list[str] = Field(min_length=1, description="catégories de données demandées (au moins une)")
    recipient: str | None = Field(default=None, description="destinataire, pour une communication")


class DecisionOut(BaseModel):
    """La décision, sa raison, et l'entrée du journal qui la trace."""

    allowed: bool
    reason: str
    entry: int


class RecordOut(BaseModel):
    id: int
    processing: str
    category: str
    recorded_on: date
    payload: dict[str, Any]


class SubjectOut(BaseModel):
    """Les données d'une personne, limitées aux catégories accordées."""

    subject_id: int
    kind: str
    organisation: str
    identity: dict[str, Any]
    records: list[RecordOut]


@router.post("/api/access/check", summary="Décider d'un accès", responses=_REFUSALS, operation_id="access_check")
def check(body: CheckIn, agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request) -> DecisionOut:
    """Dit si l'agent authentifié peut utiliser ces données pour ce traitement ; la décision est tracée."""
    gate, source = Gate(env, journal), source_of(request)
    subject, purpose, categories, recipient = gate.admit(
        lambda: (
            inputs.subject_id(body.subject),
            inputs.purpose(body.purpose),
            inputs.parse_categories(body.categories),
            inputs.recipient(body.recipient),
        ),
        agent_id=agent.id,
        source=source,
    )
    outcome = gate.check(
        agent.id, subject, purpose, categories or (), env.clock.today(), recipient=recipient, source=source
    )
    told = outcome.told
    return DecisionOut(allowed=told.allowed, reason=told.reason, entry=outcome.entry)


@router.get(
    "/api/subjects/{subject_id}",
    summary="Lire les données d'une personne",
    responses=_REFUSALS,
    operation_id="subject_read",
)
async def read_subject(
    subject_id: str,
    agent: AgentDep,
    env: EnvDep,
    journal: JournalDep,
    request: Request,
    purpose: str = Query(description="traitement au titre duquel l'agent lit"),
    categories: str | None = Query(
        default=None, description="catégories, séparées par des virgules (absent : toutes celles du traitement)"
    ),
) -> SubjectOut:
    """Lecture déchiffrée et tracée ; refusée (403) hors des règles du registre."""
    gate, source = Gate(env, journal), source_of(request)
    subject, wanted_purpose, wanted = await _admitted(
        gate,
        lambda: (inputs.subject_id(subject_id), inputs.purpose(purpose), inputs.parse_categories(categories)),
        agent_id=agent.id,
        action=AuditAction.READ,
        source=source,
    )
    pending = await blocking(
        env, gate.begin_read, agent.id, subject, wanted_purpose, wanted, env.clock.today(), source=source
    )
    entry = await pending.receipt.wait_async()  # no thread held while the journal commits
    view = await blocking(env, gate.finish_read, pending, entry)
    return SubjectOut(
        subject_id=view.subject_id,
        kind=view.kind.value,
        organisation=view.organisation,
        identity=view.identity,
        records=[
            RecordOut(
                id=r.id, processing=r.processing, category=r.category, recorded_on=r.recorded_on, payload=r.payload
            )
            for r in view.records
        ],
    )
