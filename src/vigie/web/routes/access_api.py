"""`/api/access` and `/api/subjects`: the gate over HTTP, for authenticated agents; every call journaled."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from vigie import inputs
from vigie.access.service import Gate
from vigie.audit import AuditAction
from vigie.web.auth import AgentDep, source_of
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import ErrorOut

router = APIRouter(tags=["accès"])
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
    categories: list[str] = Field(description="catégories de données demandées (au moins une)")
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


@router.post("/api/access/check", summary="Décider d'un accès", responses=_REFUSALS)
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


@router.get("/api/subjects/{subject_id}", summary="Lire les données d'une personne", responses=_REFUSALS)
def read_subject(
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
    subject, wanted_purpose, wanted = gate.admit(
        lambda: (inputs.subject_id(subject_id), inputs.purpose(purpose), inputs.parse_categories(categories)),
        agent_id=agent.id,
        action=AuditAction.READ,
        source=source,
    )
    view = gate.read(agent.id, subject, wanted_purpose, wanted, env.clock.today(), source=source)
    return SubjectOut(
        subject_id=view.subject_id,
        kind=view.kind.value,
        organisation=view.organisation,
        identity=view.identity,
        records=[RecordOut(**asdict(r)) for r in view.records],
    )
