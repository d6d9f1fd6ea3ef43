"""How routes reach what the application was built with: dependencies, so no route builds anything itself.

They are `async` although they await nothing: FastAPI runs a plain `def` dependency in its thread pool, and a
hop to a worker thread and back costs more than these attribute reads (see bench/http.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request

from vigie.audit import AuditSink
from vigie.environment import Environment
from vigie.web.policy_search import NoticeEntry, PolicySearch, notice_entries
from vigie.web.policy_view import PolicyPage
from vigie.web.register_documents import RegisterDocuments


async def get_env(request: Request) -> Environment:
    """The environment the application was created with."""
    return cast(Environment, request.app.state.env)


async def get_journal(request: Request) -> AuditSink:
    """The audit journal the application writes to (one writer thread for the whole service)."""
    return cast(AuditSink, request.app.state.journal)


async def get_policy_page(request: Request) -> PolicyPage:
    """The privacy-policy view, built once from the register when the application was created."""
    return cast(PolicyPage, request.app.state.policy_page)


@dataclass(frozen=True)
class PublicPages:
    """The notices page and the search index, built once from the policy view."""

    notices: list[NoticeEntry]
    index: PolicySearch

    @classmethod
    def of(cls, page: PolicyPage) -> PublicPages:
        notices = notice_entries(page)
        return cls(notices, PolicySearch(page, notices))


async def get_public_pages(request: Request) -> PublicPages:
    """The notices and the search index, built when the application was created."""
    return cast(PublicPages, request.app.state.public_pages)


async def get_register_documents(request: Request) -> RegisterDocuments:
    """The register's answers, built once when the application was created."""
    return cast(RegisterDocuments, request.app.state.register_documents)


EnvDep = Annotated[Environment, Depends(get_env)]
JournalDep = Annotated[AuditSink, Depends(get_journal)]
PolicyPageDep = Annotated[PolicyPage, Depends(get_policy_page)]
RegisterDocumentsDep = Annotated[RegisterDocuments, Depends(get_register_documents)]
PolicySearchDep = Annotated[PublicPages, Depends(get_public_pages)]
