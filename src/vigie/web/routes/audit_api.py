"""`/api/audit`: the journal for the DPO (roles with `audit: true`); every read of it is itself journaled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from vigie.audit import AuditAction, AuditEvent, prove, tail, verify
from vigie.audit.transparency import consistency_proof, signed_checkpoint, verifier_key
from vigie.model import Agent
from vigie.web.auth import AgentDep, source_of
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import ErrorOut

router = APIRouter(prefix="/api/audit", tags=["journal"])
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "jeton absent, inconnu ou expiré"},
    403: {"model": ErrorOut, "description": "réservé aux rôles qui lisent le journal (DPO)"},
}


def auditor(agent: AgentDep, env: EnvDep, journal: JournalDep, request: Request) -> Agent:
    """The authenticated agent, if one of its roles reads the journal; a refusal is journaled."""
    if agent.roles & env.policy.audit_roles:
        return agent
    reason = "lecture du journal refusée : aucun rôle de l'agent ne donne accès au journal d'audit"
    journal.append(
        AuditEvent(
            action=AuditAction.AUDIT_READ,
            allowed=False,
            reason=reason,
            at=env.clock.now(),
            agent_id=agent.id,
            source=source_of(request),
        )
    )
    raise HTTPException(403, reason)


AuditorDep = Annotated[Agent, Depends(auditor)]


@router.get("/verify", summary="Vérifier le journal", responses=_REFUSALS)
def verify_journal(agent: AuditorDep, env: EnvDep, journal: JournalDep, request: Request) -> dict[str, Any]:
    """Vérifie tout le journal (enchaînement, signatures, points de contrôle) et donne la première anomalie."""
    report = verify(env.engine, env.keyring, journal=journal, agent_id=agent.id, source=source_of(request))
    return report.to_dict()


@router.get("/tail", summary="Dernières entrées du journal", responses=_REFUSALS)
def tail_journal(
    agent: AuditorDep,
    env: EnvDep,
    journal: JournalDep,
    request: Request,
    count: int = Query(default=20, ge=1, le=1000, alias="n", description="nombre d'entrées"),
) -> list[dict[str, Any]]:
    """Les dernières entrées, la plus récente en dernier ; les personnes n'y figurent que sous pseudonyme."""
    entries = tail(env.engine, env.keyring, count, journal=journal, agent_id=agent.id, source=source_of(request))
    return [entry.to_dict() for entry in entries]


@router.get("/prove/{seq}", summary="Preuve d'inclusion d'une entrée", responses=_REFUSALS)
def prove_entry(seq: int, agent: AuditorDep, env: EnvDep, journal: JournalDep, request: Request) -> dict[str, Any]:
    """La preuve qu'une entrée figure dans le dernier point de contrôle signé (RFC 9162)."""
    proof = prove(env.engine, env.keyring, seq, journal=journal, agent_id=agent.id, source=source_of(request))
    return proof.to_dict()


# Public: what an outside verifier or witness needs. Hashes, sizes and signatures only, never an entry.
_SIZE_MAX = 2**63 - 1
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "aucun point de contrôle"}}
_TEXT: dict[str, Any] = {"content": {"text/plain": {}}}


@router.get("/key", summary="Clé de vérification du journal", response_class=PlainTextResponse, responses={200: _TEXT})
def journal_key(env: EnvDep) -> str:
    """La clé publique Ed25519 qui signe le journal, au format C2SP/Go `nom+identifiant+clé` (public)."""
    return verifier_key(env.keyring, env.settings.audit_origin).text() + "\n"


@router.get(
    "/checkpoint",
    summary="Point de contrôle signé (C2SP tlog-checkpoint)",
    response_class=PlainTextResponse,
    responses={200: _TEXT, **_NOT_FOUND},
)
def journal_checkpoint(
    env: EnvDep,
    size: int | None = Query(default=None, ge=0, le=_SIZE_MAX, description="taille d'un point de contrôle existant"),
) -> str:
    """Le dernier point de contrôle signé (ou celui de `size` entrées), en note signée C2SP (public)."""
    return signed_checkpoint(env.engine, env.keyring, env.settings.audit_origin, size).note


class ConsistencyOut(BaseModel):
    """Preuve de cohérence RFC 9162 entre deux tailles du journal ; nœuds en base64."""

    old_size: int = Field(description="taille de l'arbre ancien")
    new_size: int = Field(description="taille de l'arbre nouveau")
    proof: list[str] = Field(description="nœuds de la preuve, en base64, dans l'ordre de la RFC 9162")
    verified: bool | None = Field(
        description="vérifiée contre les points de contrôle signés de ces tailles ; null s'il n'y en a pas"
    )


@router.get(
    "/consistency",
    summary="Preuve de cohérence entre deux tailles",
    response_model=ConsistencyOut,
    responses={422: {"model": ErrorOut, "description": "tailles hors du journal"}},
)
def journal_consistency(
    env: EnvDep,
    old: int = Query(ge=0, le=_SIZE_MAX, description="ancienne taille"),
    new: int = Query(ge=0, le=_SIZE_MAX, description="nouvelle taille"),
) -> dict[str, Any]:
    """La preuve que l'arbre de `new` entrées prolonge celui de `old` entrées (public)."""
    return consistency_proof(env.engine, env.keyring, old, new).to_dict()
