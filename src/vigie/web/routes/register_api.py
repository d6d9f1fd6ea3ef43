"""`/api/register`: the register of processing activities, read-only, in the shape of the JSON export."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from vigie.register.export import processing_record, register_record
from vigie.web.deps import EnvDep
from vigie.web.schemas import ErrorOut, ProcessingOut, RegisterOut

router = APIRouter(prefix="/api/register", tags=["registre"])


@router.get("", summary="Le registre des traitements")
def read_register(env: EnvDep) -> RegisterOut:
    """Le registre entier : responsable, autorité de contrôle, organismes, destinataires, rôles, traitements."""
    return RegisterOut.model_validate(register_record(env.register))


@router.get(
    "/{processing_id}",
    summary="Un traitement du registre",
    responses={404: {"model": ErrorOut, "description": "traitement inconnu"}},
)
def read_processing(processing_id: str, env: EnvDep) -> ProcessingOut:
    """Un traitement : finalités, base légale, données par personne concernée, destinataires, conservation."""
    processing = env.register.processings.get(processing_id)
    if processing is None:
        raise HTTPException(status_code=404, detail=f"traitement inconnu : « {processing_id} »")
    return ProcessingOut.model_validate(processing_record(processing))
