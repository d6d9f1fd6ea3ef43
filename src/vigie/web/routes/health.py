"""`/health`: whether the service can do its work, for probes and supervision."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from vigie.access.readiness import readiness
from vigie.environment import Environment
from vigie.register.summary import summary
from vigie.retention import last_sweep
from vigie.web.deps import EnvDep, JournalDep
from vigie.web.schemas import HealthOut, LastSweepOut

router = APIRouter(tags=["service"])


def _last_sweep(env: Environment) -> LastSweepOut | None:
    found = last_sweep(env)
    return LastSweepOut(**found.to_dict()) if found is not None else None


@router.get(
    "/health",
    response_model=HealthOut,
    summary="État du service",
    operation_id="health_read",
    responses={
        503: {"model": HealthOut, "description": "base de données injoignable ou journal d'audit impossible à écrire"}
    },
)
def health(env: EnvDep, journal: JournalDep) -> JSONResponse:
    """État du service : base de données joignable, journal d'audit inscriptible, effectifs du registre."""
    state = readiness(env.engine, journal)
    problem = state.journal_problem
    body = HealthOut(
        status="ok" if state.ok else "degraded",
        database="ok" if state.database else "unavailable",
        journal="ok" if problem is None else "unavailable",
        reason=None if problem is None else f"journal d'audit impossible à écrire : {problem}",
        register=summary(env.register),
        last_sweep=_last_sweep(env) if state.database else None,
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True), status_code=200 if state.ok else 503)
