"""Agent authentication for the API: a bearer token per agent; failures go to the audit journal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vigie.agents import agent_for_token
from vigie.audit import AuditAction, AuditEvent
from vigie.model import Agent
from vigie.store import connect
from vigie.web.deps import EnvDep, JournalDep

_bearer = HTTPBearer(auto_error=False, description="jeton d'agent délivré par « vigie agent token »")


def source_of(request: Request) -> str | None:
    """The client address, kept in connection traces."""
    return request.client.host if request.client else None


def current_agent(
    request: Request,
    env: EnvDep,
    journal: JournalDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Agent:
    """The agent behind the bearer token; a missing or invalid token is refused (401) and traced."""
    agent = None
    if credentials is not None:
        with connect(env.engine) as connection:
            agent = agent_for_token(connection, credentials.credentials, env.clock.today())
    if agent is None:
        reason = "jeton absent" if credentials is None else "jeton inconnu ou expiré"
        journal.append(
            AuditEvent(
                action=AuditAction.LOGIN_FAILED,
                allowed=False,
                reason=f"authentification refusée : {reason}",
                at=env.clock.now(),
                source=source_of(request),
            )
        )
        raise HTTPException(401, f"authentification requise : {reason}", headers={"WWW-Authenticate": "Bearer"})
    return agent


AgentDep = Annotated[Agent, Depends(current_agent)]
