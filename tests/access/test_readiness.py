"""Readiness (behind `/health`): the gate serves only when the database answers and the journal can be written;
the reason goes to the caller in French, the cause to the operator's log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from vigie.access.readiness import Readiness, readiness
from vigie.audit.testing import RecordingJournal


class _StoppedWriter(RecordingJournal):
    """A journal whose writer reports that it cannot write (a killed writer process, a failed last group)."""

    def problem(self) -> str | None:
        return "écrivain du journal arrêté"


@pytest.fixture
def read_only(engine: Engine) -> Iterator[Engine]:
    """The same database, opened by a session that may read but never write."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        ro = create_engine(f"sqlite:///file:{url.database}?mode=ro&uri=true")
    else:
        options = {"options": "-c default_transaction_read_only=on"}
        ro = create_engine(url.render_as_string(hide_password=False), connect_args=options)
    yield ro
    ro.dispose()


def test_a_reachable_database_and_a_writable_journal_are_ready(engine: Engine) -> None:
    found = readiness(engine, RecordingJournal())
    assert found == Readiness(True, None)
    assert found.ok


def test_an_unreachable_database_is_not_ready_and_its_cause_is_logged_not_told(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = create_engine(f"sqlite:///{tmp_path / 'aucun-dossier' / 'vigie.db'}")
    with caplog.at_level(logging.WARNING, logger="vigie.access.readiness"):
        found = readiness(unreachable, RecordingJournal())
    assert found == Readiness(False, "base de données injoignable")
    assert not found.ok
    (logged,) = caplog.records
    assert logged.getMessage().startswith("base de données injoignable : (sqlite3.OperationalError) unable to open")


def test_a_journal_whose_writer_reports_a_problem_is_not_ready_with_that_reason(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="vigie.access.readiness"):
        found = readiness(engine, _StoppedWriter())
    assert found == Readiness(True, "écrivain du journal arrêté")
    assert not found.ok
    logged = [r.getMessage() for r in caplog.records]
    assert logged == ["journal d'audit impossible à écrire : écrivain du journal arrêté"]


def test_a_read_only_store_shows_before_any_request_fails(read_only: Engine, caplog: pytest.LogCaptureFixture) -> None:
    """The writer has nothing to report yet: the probe of the head row's lock finds that nothing can be written."""
    with caplog.at_level(logging.WARNING, logger="vigie.access.readiness"):
        found = readiness(read_only, RecordingJournal())
    assert found == Readiness(True, "base en lecture seule")
    assert not found.ok
    assert [r.getMessage() for r in caplog.records] == ["journal d'audit impossible à écrire : base en lecture seule"]
