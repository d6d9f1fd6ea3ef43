"""`/api/access` and `/api/subjects`: the gate over HTTP, for authenticated agents; every call journaled."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from vigie.access.service import Gate
from vigie.inputs import parse_categories
from vigie.web.auth import AgentDep, source_of
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import ErrorOut

router = APIRouter(tags=["accès"])
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "jeton absent, inconnu ou expiré"},
    403: {"model": ErrorOut, "description": "accès refusé (la raison est donnée et tracée)"},
}


class CheckIn(BaseModel):
    """Une demande de décision : pour quelle personne, quel traitement, quelles catégories."""

    subject: str = Field(description="identifiant de la personne concernée")
    purpose: str = Field(description="traitement du registre au titre duquel l'agent agit")
    categories: list[str] = Field(min_length=1, description="catégories de données demandées")
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
    outcome = Gate(env, journal).check(
        agent.id,
        body.subject,
        body.purpose,
        tuple(body.categories),
        env.clock.today(),
        recipient=body.recipient,
        source=source_of(request),
    )
    return DecisionOut(allowed=outcome.decision.allowed, reason=outcome.decision.reason, entry=outcome.entry)


@router.get(
    "/api/subjects/{subject_id}",
    summary="Lire les données d'une personne",
    responses=_REFUSALS,
    operation_id="subject_read",
)
def read_subject(
    subject_id: str,
    agent: AgentDep,
    env: EnvDep,
    journal: JournalDep,
    request: Request,
    purpose: str = Query(description="traitement au titre duquel l'agent lit"),
    categories: str | None = Query(default=None, description="catégories, séparées par des virgules"),
) -> SubjectOut:
    """Lecture déchiffrée et tracée ; refusée (403) hors des règles du registre."""
    wanted = parse_categories(categories)
    view = Gate(env, journal).read(agent.id, subject_id, purpose, wanted, env.clock.today(), source=source_of(request))
    return SubjectOut(
        subject_id=view.subject_id,
        kind=view.kind.value,
        organisation=view.organisation,
        identity=view.identity,
        records=[RecordOut(**asdict(r)) for r in view.records],
    )
