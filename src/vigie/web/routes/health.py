"""`/health`: whether the service can do its work, for probes and supervision."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from vigie.register.summary import summary
from vigie.web.deps import EnvDep
from vigie.web.probes import database_ok
from vigie.web.schemas import HealthOut

router = APIRouter(tags=["service"])


@router.get(
    "/health",
    response_model=HealthOut,
    summary="État du service",
    operation_id="health_read",
    responses={503: {"model": HealthOut, "description": "base de données injoignable : service dégradé"}},
)
def health(env: EnvDep) -> JSONResponse:
    """État du service : base de données joignable et effectifs du registre chargé."""
    ok = database_ok(env.engine)
    body = HealthOut(
        status="ok" if ok else "degraded",
        database="ok" if ok else "unavailable",
        register=summary(env.register),
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True), status_code=200 if ok else 503)
