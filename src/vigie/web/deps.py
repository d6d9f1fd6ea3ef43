"""How routes reach what the application was built with: dependencies, so no route builds anything itself."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from vigie.audit import AuditSink
from vigie.environment import Environment
from vigie.web.policy_view import PolicyPage
from vigie.web.register_documents import RegisterDocuments


def get_env(request: Request) -> Environment:
    """The environment the application was created with."""
    return cast(Environment, request.app.state.env)


def get_journal(request: Request) -> AuditSink:
    """The audit journal the application writes to (one writer thread for the whole service)."""
    return cast(AuditSink, request.app.state.journal)


def get_policy_page(request: Request) -> PolicyPage:
    """The privacy-policy view, built once from the register when the application was created."""
    return cast(PolicyPage, request.app.state.policy_page)


async def get_register_documents(request: Request) -> RegisterDocuments:
    """The register's answers, built once when the application was created."""
    return cast(RegisterDocuments, request.app.state.register_documents)


EnvDep = Annotated[Environment, Depends(get_env)]
JournalDep = Annotated[AuditSink, Depends(get_journal)]
PolicyPageDep = Annotated[PolicyPage, Depends(get_policy_page)]
RegisterDocumentsDep = Annotated[RegisterDocuments, Depends(get_register_documents)]
