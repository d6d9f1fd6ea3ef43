"""`/api/consent`: the proofs of the visitors' cookie choices, exported for the DPO (the same service as
`vigie consent export`: who may export, and the journal entry, are decided there)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from vigie.consent.export import ProofExport
from vigie.web.auth import AgentDep, source_of
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import ErrorOut

router = APIRouter(prefix="/api/consent", tags=["consentement"])


class ProofFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class ConsentProofOut(BaseModel):
    """La preuve d'un choix de cookies ; le visiteur n'y figure que sous pseudonyme, sans adresse IP."""

    id: int = Field(description="numéro de la preuve, dans l'ordre d'enregistrement")
    recorded_at: str = Field(description="date et heure de l'enregistrement, UTC (ISO 8601)")
    visitor: str = Field(description="pseudonyme du navigateur (empreinte à clé de l'identifiant de son cookie)")
    policy_version: str = Field(description="version de la politique des cookies (empreinte du registre)")
    screen: str = Field(description="écran du choix : « bandeau » ou « gestion »")
    banner_hash: str = Field(description="SHA-256 du texte affiché sur cet écran")
    action: str = Field(description="« tout_accepter », « tout_refuser » ou « personnaliser »")
    granted: list[str] = Field(description="services acceptés")
    refused: list[str] = Field(description="services refusés")
    expires_on: dt.date = Field(description="jour où le choix expire (13 mois plus tard)")


_PROOF_SCHEMA = "#/components/schemas/ConsentProofOut"
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "les preuves, dans l'ordre d'enregistrement",
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/ConsentProofOut"}}
            },
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    401: {"model": ErrorOut, "description": "jeton absent, inconnu ou expiré"},
    403: {"model": ErrorOut, "description": "réservé aux rôles d'audit (DPO) ; refus journalisé"},
}


@router.get(
    "/proofs",
    summary="Exporter les preuves de consentement aux cookies",
    responses=_RESPONSES,
    response_class=StreamingResponse,
    operation_id="consent_proofs",
)
def export_proofs(
    agent: AgentDep,
    env: EnvDep,
    journal: JournalDep,
    request: Request,
    format: Annotated[ProofFormat, Query(description="json ou csv")] = ProofFormat.JSON,
    since: Annotated[dt.date | None, Query(description="seulement les preuves enregistrées depuis ce jour")] = None,
) -> StreamingResponse:
    """Toutes les preuves des choix de cookies (ou celles enregistrées depuis `since`), pour le DPO ; l'export
    est tracé dans le journal d'audit."""
    export = ProofExport(env, journal, agent.id, since=since, source=source_of(request))
    if format is ProofFormat.CSV:
        return StreamingResponse(export.csv_chunks(), media_type="text/csv; charset=utf-8")
    return StreamingResponse(export.json_chunks(), media_type="application/json")
