"""`/api/audit`: the journal for the DPO (roles with `audit: true`); every read of it is itself journaled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from vigie.audit import AuditAction, AuditEvent, prove, tail, verify
from vigie.model import Agent
from vigie.web import cursor
from vigie.web.auth import AgentDep, source_of
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import AuditEntryOut, AuditPage, ErrorOut, InclusionProofOut, VerifyReportOut

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


@router.get("/verify", summary="Vérifier le journal", responses=_REFUSALS, operation_id="audit_verify")
def verify_journal(agent: AuditorDep, env: EnvDep, journal: JournalDep, request: Request) -> VerifyReportOut:
    """Vérifie tout le journal (enchaînement, signatures, points de contrôle) et donne la première anomalie."""
    report = verify(env.engine, env.keyring, journal=journal, agent_id=agent.id, source=source_of(request))
    return VerifyReportOut.model_validate(report.to_dict())


@router.get("/tail", summary="Dernières entrées du journal", responses=_REFUSALS, operation_id="audit_tail")
def tail_journal(
    agent: AuditorDep,
    env: EnvDep,
    journal: JournalDep,
    request: Request,
    count: int = Query(default=20, ge=1, le=1000, alias="n", description="nombre d'entrées"),
    after: str | None = Query(
        default=None,
        alias="cursor",
        max_length=cursor.MAX_LENGTH,
        pattern=cursor.ALPHABET,
        description="curseur opaque donné par `next_cursor` : les entrées qui précèdent la page reçue",
    ),
) -> AuditPage:
    """Les dernières entrées, la plus récente en dernier ; `next_cursor` remonte vers les plus anciennes. Les
    personnes n'y figurent que sous pseudonyme."""
    before = cursor.decode_position(after, "audit") if after is not None else None
    entries = tail(
        env.engine, env.keyring, count, journal=journal, agent_id=agent.id, source=source_of(request), before=before
    )
    older = bool(entries) and entries[0].seq > 1
    return AuditPage(
        items=[AuditEntryOut.model_validate(entry.to_dict()) for entry in entries],
        next_cursor=cursor.encode("audit", str(entries[0].seq)) if older else None,
    )


@router.get("/prove/{seq}", summary="Preuve d'inclusion d'une entrée", responses=_REFUSALS, operation_id="audit_prove")
def prove_entry(seq: int, agent: AuditorDep, env: EnvDep, journal: JournalDep, request: Request) -> InclusionProofOut:
    """La preuve qu'une entrée figure dans le dernier point de contrôle signé (RFC 9162)."""
    proof = prove(env.engine, env.keyring, seq, journal=journal, agent_id=agent.id, source=source_of(request))
    return InclusionProofOut.model_validate(proof.to_dict())
