"""`/api/audit`: the journal for the DPO (roles with `audit: true`); every read of it is itself journaled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from vigie.audit import AuditAction, AuditEvent, prove, tail, verify
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
