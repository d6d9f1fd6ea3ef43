"""Whether the gate can serve: the database answers and the journal can be written. Behind `/health`, so that
the route holds no SQL; causes go to the log, reasons to the caller, in French."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from vigie.audit import AuditSink
from vigie.audit.journal import probe_writable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    """The database's state, and why the journal cannot be written (None when it can)."""

    database: bool
    journal_problem: str | None

    @property
    def ok(self) -> bool:
        return self.database and self.journal_problem is None


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
    """Why the audit journal cannot be written now, or None: its writer's state and last write, then a probe of
    the head row's write lock, so that a read-only store shows before any request fails."""
    problem = journal.problem() or probe_writable(engine)
    if problem is not None:
        log.warning("journal d'audit impossible à écrire : %s", problem)
    return problem


def readiness(engine: Engine, journal: AuditSink) -> Readiness:
    """Check the database, then (if it answers) the journal."""
    if not database_ok(engine):
        return Readiness(False, "base de données injoignable")
    return Readiness(True, journal_problem(journal, engine))
