"""`/api/audit`: the journal for the DPO, and the public documents that let anyone check it from outside.

Who reads the journal is decided by `vigie.access.journal_reads`, the same service as the command line's; the
routes parse, call it and render. The key, checkpoint and consistency routes serve only public data.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from vigie.access.journal_reads import JournalReads
from vigie.audit.transparency import consistency_proof, signed_checkpoint, verifier_key
from vigie.web import cursor
from vigie.web.auth import AgentDep, source_of
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import AuditEntryOut, AuditPage, ErrorOut, InclusionProofOut, VerifyReportOut

router = APIRouter(prefix="/api/audit", tags=["journal"])
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "jeton absent, inconnu ou expiré"},
    403: {"model": ErrorOut, "description": "réservé aux rôles qui lisent le journal (DPO) ; refus journalisé"},
}
_BAD: dict[int | str, dict[str, Any]] = {422: {"model": ErrorOut, "description": "valeur hors limites ; journalisée"}}
_NO_ENTRY: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "entrée absente ; journalisé"}}
_SIZE_MAX = 2**63 - 1


def reads(env: EnvDep, journal: JournalDep) -> JournalReads:
    """The one service that decides who reads the journal (the same as the command line's)."""
    return JournalReads(env, journal)


ReadsDep = Annotated[JournalReads, Depends(reads)]


@router.get("/verify", summary="Vérifier le journal", responses=_REFUSALS, operation_id="audit_verify")
def verify_journal(agent: AgentDep, service: ReadsDep, request: Request) -> VerifyReportOut:
    """Vérifie tout le journal (enchaînement, signatures, points de contrôle) et donne la première anomalie."""
    return VerifyReportOut.model_validate(service.verify(agent.id, source=source_of(request)).to_dict())


@router.get("/tail", summary="Dernières entrées du journal", responses=_REFUSALS | _BAD, operation_id="audit_tail")
def tail_journal(
    agent: AgentDep,
    service: ReadsDep,
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
    entries = service.tail(agent.id, count, source=source_of(request), before=before)
    older = bool(entries) and entries[0].seq > 1
    return AuditPage(
        items=[AuditEntryOut.model_validate(entry.to_dict()) for entry in entries],
        next_cursor=cursor.encode("audit", str(entries[0].seq)) if older else None,
    )


@router.get(
    "/prove/{seq}",
    summary="Preuve d'inclusion d'une entrée",
    responses=_REFUSALS | _BAD | _NO_ENTRY,
    operation_id="audit_prove",
)
def prove_entry(
    agent: AgentDep, service: ReadsDep, request: Request, seq: int = Path(description="numéro de l'entrée")
) -> InclusionProofOut:
    """La preuve qu'une entrée figure dans le dernier point de contrôle signé (RFC 9162)."""
    return InclusionProofOut.model_validate(service.prove(agent.id, seq, source=source_of(request)).to_dict())


# Public: what an outside verifier or witness needs. Hashes, sizes and signatures only, never an entry.
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "aucun point de contrôle"}}
_TEXT: dict[str, Any] = {"content": {"text/plain": {}}}


@router.get(
    "/key",
    summary="Clé de vérification du journal",
    operation_id="audit_key",
    response_class=PlainTextResponse,
    responses={200: _TEXT},
)
def journal_key(env: EnvDep) -> str:
    """La clé publique Ed25519 qui signe le journal, au format C2SP/Go `nom+identifiant+clé` (public)."""
    return verifier_key(env.keyring, env.settings.audit_origin).text() + "\n"


@router.get(
    "/checkpoint",
    summary="Point de contrôle signé (C2SP tlog-checkpoint)",
    operation_id="audit_checkpoint",
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
    operation_id="audit_consistency",
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
