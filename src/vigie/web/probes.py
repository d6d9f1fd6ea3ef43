"""Checks behind `/health`: kept out of the route so that it holds no SQL."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from vigie.audit import AuditSink
from vigie.audit.journal import probe_writable

log = logging.getLogger(__name__)


def database_ok(engine: Engine) -> bool:
    """Whether the database answers a trivial query; the cause of a failure goes to the log, not the client."""
    try:
        with engine.connect() as connection:
            connection.execute(select(1))
    except SQLAlchemyError as error:
        log.warning("base de données injoignable : %s", error)
        return False
    return True


def journal_problem(journal: AuditSink, engine: Engine) -> str | None:
    """Why the audit journal cannot be written now (in French), or None: its writer's state and last write,
    then a probe of the head row's write lock, so that a read-only store shows before any request fails."""
    problem = journal.problem() or probe_writable(engine)
    if problem is not None:
        log.warning("journal d'audit impossible à écrire : %s", problem)
    return problem
