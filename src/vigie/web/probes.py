"""Checks behind `/health`: kept out of the route so that it holds no SQL."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

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
