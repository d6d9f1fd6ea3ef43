"""Who reads the journal is decided once (`JournalReads`), and every read, refusal or bad request leaves an entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from vigie.access.journal_reads import REFUSED, JournalReads, fingerprint
from vigie.agents import NewAgent, add_agents
from vigie.audit import AuditAction, AuditEvent, Journal, checkpoint
from vigie.audit.journal import AUDIT_CATEGORIES
from vigie.audit.testing import RecordingJournal
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput, NotFound
from vigie.register import Register
from vigie.store import connect

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


@pytest.fixture
def filled(make_env: EnvFactory, engine: Engine, keyring: Keyring) -> tuple[JournalReads, RecordingJournal]:
    """Three entries in the database (the third signed by a checkpoint), and the service over a recording journal,
    so that each read's own entry is seen apart from the journal it reads."""
    env = make_env(engine, demo_agents=True)
    with Journal(engine, keyring) as journal:
        for n in range(3):
            journal.append(
                AuditEvent(action=AuditAction.DECIDE, allowed=True, reason=f"décision {n + 1}", at=env.clock.now())
            )
    checkpoint(engine, keyring)
    recording = RecordingJournal()
    return JournalReads(env, recording), recording


def test_each_read_is_journaled_with_what_was_read_its_agent_and_its_source(
    filled: tuple[JournalReads, RecordingJournal],
) -> None:
    service, journal = filled
    assert service.verify("paris-dpo", source="poste-12").ok
    assert [e.seq for e in service.tail("paris-dpo", 5, source="poste-12")] == [1, 2, 3]
    proof = service.prove("paris-dpo", 2, source="poste-12")
    assert (proof.seq, proof.verified) == (2, True)
    for event in journal.events:
        assert (event.action, event.allowed, event.agent_id, event.source) == (
            AuditAction.AUDIT_READ, True, "paris-dpo", "poste-12"
        )  # fmt: skip
    assert [event.reason for event in journal.events] == [
        "vérification du journal d'audit : intègre",
        "consultation des 5 dernières entrées du journal d'audit",
        "preuve d'inclusion de l'entrée 2",
    ]


def test_the_page_before_an_entry_is_the_one_read(filled: tuple[JournalReads, RecordingJournal]) -> None:
    service, journal = filled
    assert [e.seq for e in service.tail("paris-dpo", 1, before=3)] == [2]
    assert journal.events[-1].reason == "consultation de 1 entrées avant l'entrée 3 du journal d'audit"


@pytest.mark.parametrize(
    ("read", "what"),
    [
        ("verify", "vérification du journal d'audit"),
        ("tail", "consultation du journal d'audit"),
        ("prove", "preuve d'inclusion"),
    ],
)
def test_a_refusal_names_the_read_refused_and_keeps_its_source(
    filled: tuple[JournalReads, RecordingJournal], read: str, what: str
) -> None:
    service, journal = filled
    calls: dict[str, Callable[[str], object]] = {
        "verify": lambda agent: service.verify(agent, source="poste-12"),
        "tail": lambda agent: service.tail(agent, 5, source="poste-12"),
        "prove": lambda agent: service.prove(agent, 1, source="poste-12"),
    }
    for agent in ("paris-social", NIR_TYPED_AS_AN_AGENT):
        with pytest.raises(AccessRefused):
            calls[read](agent)
    social, unknown = journal.events
    fingerprint_of_nir = fingerprint(service.env, "agent", NIR_TYPED_AS_AN_AGENT)
    assert social.reason == (
        f"{what} refusée : aucun rôle de l'agent ne donne accès au journal d'audit (rôles : social_worker)"
    )
    assert unknown.reason == f"{what} refusée : agent inconnu ({fingerprint_of_nir})"
    for event in (social, unknown):
        assert (event.action, event.source, event.categories) == (AuditAction.AUDIT_READ, "poste-12", AUDIT_CATEGORIES)


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda s: s.prove("paris-dpo", 99, source="poste-12"), "preuve d'inclusion refusée : "),
        (lambda s: s.tail("paris-dpo", 0, source="poste-12"), "consultation du journal d'audit refusée : "),
    ],
)
def test_a_malformed_request_is_journaled_with_its_source(
    filled: tuple[JournalReads, RecordingJournal], call: Callable[[JournalReads], object], reason: str
) -> None:
    service, journal = filled
    with pytest.raises((InvalidInput, NotFound)):
        call(service)
    (event,) = journal.events
    assert (event.agent_id, event.source, event.allowed) == ("paris-dpo", "poste-12", False)
    assert event.reason.startswith(reason)


def test_an_unknown_value_is_fingerprinted_by_its_length_and_twelve_hex_digits(environment: Environment) -> None:
    first, again = fingerprint(environment, "agent", "x" * 40), fingerprint(environment, "agent", "x" * 40)
    assert first == again
    assert re.fullmatch(r"40 caractères, empreinte [0-9a-f]{12}", first)
    assert fingerprint(environment, "agent", "y" * 40) != first


def test_an_agent_with_a_one_character_id_is_an_agent_like_any_other(
    make_env: EnvFactory, engine: Engine, register: Register
) -> None:
    """Ids run from 1 to 32 characters: the shortest is looked up too."""
    env = make_env(engine)
    with connect(engine) as connection:
        add_agents(connection, register, [NewAgent("d", "CPAM-75", "DPO", ("dpo",), date(2026, 1, 5))])
    journal = RecordingJournal()
    assert JournalReads(env, journal).verify("d").ok
    assert journal.events[0].agent_id == "d"


def test_a_refusal_quoting_a_huge_value_keeps_its_entry_to_a_thousand_characters(
    reads: tuple[JournalReads, RecordingJournal],
) -> None:
    service, journal = reads
    with pytest.raises(InvalidInput):
        service.tail("paris-dpo", 10**2000)
    (event,) = journal.events
    assert len(event.reason) == 1000 and event.reason.startswith("consultation du journal d'audit refusée : ")


def test_a_refusal_lists_the_agents_roles_in_order_or_says_it_has_none(
    make_env: EnvFactory, engine: Engine, register: Register
) -> None:
    env = make_env(engine)
    with connect(engine) as connection:
        add_agents(
            connection,
            register,
            [
                NewAgent("deux-roles", "CPAM-75", "Agent", ("social_worker", "rights_agent"), date(2026, 1, 5)),
                NewAgent("sans-role", "CPAM-75", "Agent", (), date(2026, 1, 5)),
            ],
        )
    journal = RecordingJournal()
    for agent in ("deux-roles", "sans-role"):
        with pytest.raises(AccessRefused):
            JournalReads(env, journal).tail(agent, 5)
    assert [event.reason.split("(rôles : ")[1] for event in journal.events] == [
        "rights_agent, social_worker)",
        "aucun)",
    ]
