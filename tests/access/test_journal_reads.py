"""Who reads the journal is decided once (`JournalReads`), and every read, refusal or bad request leaves an entry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from vigie.access.journal_reads import REFUSED, JournalReads
from vigie.audit import AuditAction
from vigie.audit.testing import RecordingJournal
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput, NotFound

EnvFactory = Callable[..., Environment]
NIR_TYPED_AS_AN_AGENT = "185077512345678"


@pytest.fixture
def reads(make_env: EnvFactory, engine: Engine) -> tuple[JournalReads, RecordingJournal]:
    journal = RecordingJournal()
    return JournalReads(make_env(engine, demo_agents=True), journal), journal


def test_the_dpo_reads_and_each_read_is_journaled_under_their_name(
    reads: tuple[JournalReads, RecordingJournal],
) -> None:
    service, journal = reads
    assert service.verify("paris-dpo", source="cli").ok
    service.tail("paris-dpo", 5, source="10.0.0.9")
    assert [(e.action, e.allowed, e.agent_id, e.source) for e in journal.events] == [
        (AuditAction.AUDIT_READ, True, "paris-dpo", "cli"),
        (AuditAction.AUDIT_READ, True, "paris-dpo", "10.0.0.9"),
    ]


@pytest.mark.parametrize("read", ["verify", "tail", "prove"])
def test_an_agent_without_an_audit_role_is_refused_and_the_refusal_journaled(
    reads: tuple[JournalReads, RecordingJournal], read: str
) -> None:
    service, journal = reads
    calls = {
        "verify": lambda: service.verify("paris-social"),
        "tail": lambda: service.tail("paris-social", 5),
        "prove": lambda: service.prove("paris-social", 1),
    }
    with pytest.raises(AccessRefused) as refused:
        calls[read]()
    assert refused.value.reason == REFUSED
    (event,) = journal.events
    assert (event.action, event.allowed, event.agent_id) == (AuditAction.AUDIT_READ, False, "paris-social")
    assert "aucun rôle de l'agent ne donne accès au journal d'audit (rôles : social_worker)" in event.reason
    assert refused.value.entry == 1


def test_an_unknown_agent_gets_the_same_refusal_and_is_journaled_without_its_id_in_clear(
    reads: tuple[JournalReads, RecordingJournal],
) -> None:
    service, journal = reads
    with pytest.raises(AccessRefused) as refused:
        service.tail(NIR_TYPED_AS_AN_AGENT, 5)
    assert str(refused.value).startswith(f"accès refusé : {REFUSED}")
    (event,) = journal.events
    assert event.agent_id is None and event.allowed is False
    assert "agent inconnu (15 caractères, empreinte " in event.reason
    assert NIR_TYPED_AS_AN_AGENT not in repr(event)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.prove("paris-dpo", -1), InvalidInput),
        (lambda s: s.prove("paris-dpo", 2**63), NotFound),
        (lambda s: s.tail("paris-dpo", 0), InvalidInput),
        (lambda s: s.tail("paris-dpo", 10**30), InvalidInput),
    ],
)
def test_a_malformed_or_out_of_range_request_by_the_dpo_is_journaled_then_refused(
    reads: tuple[JournalReads, RecordingJournal], call: Callable[[JournalReads], object], error: type[Exception]
) -> None:
    service, journal = reads
    with pytest.raises(error):
        call(service)
    (event,) = journal.events
    assert (event.action, event.allowed, event.agent_id) == (AuditAction.AUDIT_READ, False, "paris-dpo")
    assert "refusée" in event.reason


@pytest.mark.parametrize(
    "surface", ["src/vigie/cli/audit_cmd.py", "src/vigie/cli/agent_cmd.py", "src/vigie/web/routes/audit_api.py"]
)
def test_the_journal_and_token_surfaces_build_no_audit_event_and_decide_nothing(surface: str) -> None:
    """Reads, refusals, issuances and revocations are journaled by the services; the surfaces only call them."""
    source = (Path(__file__).resolve().parents[2] / surface).read_text(encoding="utf-8")
    assert "AuditEvent(" not in source and "audit_roles" not in source and ".append(" not in source
