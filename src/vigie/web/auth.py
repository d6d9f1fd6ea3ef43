"""Agent authentication for the API: a bearer token per agent, checked by the sign-in service, which throttles
failures per address (429) and traces them in the journal."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from vigie.access.signin import SignInGuard
from vigie.environment import Environment
from vigie.model import Agent
from vigie.web.blocking import blocking

_bearer = HTTPBearer(auto_error=False, description="jeton d'agent délivré par « vigie agent token »")


def source_of(request: Request) -> str | None:
    """The client address, kept in connection traces."""
    return request.client.host if request.client else None


async def current_agent(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Agent:
    """The agent behind the bearer token; a missing or invalid token is refused (401), an address with too many
    failures is throttled (429).

    Async, so that a good token costs no hop to the thread pool (the look-up runs where `blocking` says); only
    the tracing of a failure, which waits for the journal's commit, goes to a thread."""
    guard = cast(SignInGuard, request.app.state.signin)
    token = credentials.credentials if credentials is not None else None
    env = cast(Environment, request.app.state.env)
    signed_in, trace = await blocking(env, guard.attempt, token, source_of(request))
    if trace is not None:
        await run_in_threadpool(trace)
    if signed_in.agent is not None:
        request.state.agent = signed_in.agent  # for the journal entry of a request the schema then refuses
        return signed_in.agent
    if signed_in.retry_after is not None:
        raise HTTPException(
            429,
            f"{signed_in.refusal} : réessayez dans {signed_in.retry_after} s",
            headers={"Retry-After": str(signed_in.retry_after)},
        )
    raise HTTPException(401, f"authentification requise : {signed_in.refusal}", headers={"WWW-Authenticate": "Bearer"})


AgentDep = Annotated[Agent, Depends(current_agent)]
