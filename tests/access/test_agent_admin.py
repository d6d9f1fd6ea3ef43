"""Token revocation through the agent service: exactly what was named goes, and every revocation is journaled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, insert

from vigie.access.agent_admin import AgentAdmin
from vigie.access.journal_reads import fingerprint
from vigie.agents import AGENT_ID_LENGTH, NewAgent, add_agents
from vigie.audit import AuditAction
from vigie.audit.journal import AUDIT_CATEGORIES
from vigie.audit.testing import RecordingJournal
from vigie.environment import Environment
from vigie.errors import InvalidInput, NotFound
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import agent_tokens

EnvFactory = Callable[..., Environment]


def test_a_prefix_naming_two_tokens_revokes_neither(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    twins = [bytes.fromhex("abcdef01") + bytes(28), bytes.fromhex("abcdef02") + bytes(28)]
    with connect(engine) as connection:
        connection.execute(
            insert(agent_tokens),
            [{"token_hash": h, "agent_id": "paris-dpo", "expires_on": date(2027, 1, 1)} for h in twins],
        )
    journal = RecordingJournal()
    admin = AgentAdmin(env, journal)
    with pytest.raises(InvalidInput) as refused:
        admin.revoke("paris-dpo", prefix="abcdef")
    assert str(refused.value) == "préfixe de jeton « abcdef » invalide : 2 jetons commencent ainsi : précisez-le"
    assert len(admin.tokens("paris-dpo")) == 2
    assert [t.id for t in admin.revoke("paris-dpo", prefix="abcdef02")] == ["abcdef020000"]
    assert [t.id for t in admin.tokens("paris-dpo")] == ["abcdef010000"]
    assert [(e.action, e.allowed, e.agent_id) for e in journal.events] == [(AuditAction.LOGOUT, True, "paris-dpo")]


def test_an_issued_token_expires_after_thirty_days_of_the_clock(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    journal = RecordingJournal()
    issued = AgentAdmin(env, journal).issue("paris-dpo", source="cli")
    assert (issued.info.expires_on - env.clock.today()).days == 30
    assert [t.id for t in AgentAdmin(env).tokens("paris-dpo")] == [issued.info.id]
    (event,) = journal.events
    assert (event.action, event.allowed, event.source) == (AuditAction.LOGIN, True, "cli")


def _tokens(engine: Engine, agent: str, rows: list[tuple[str, date]]) -> None:
    with connect(engine) as connection:
        connection.execute(
            insert(agent_tokens),
            [{"token_hash": bytes.fromhex(h), "agent_id": agent, "expires_on": on} for h, on in rows],
        )


def test_tokens_are_listed_soonest_expiry_first_then_by_id(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    _tokens(
        engine,
        "paris-dpo",
        [("ff" * 32, date(2027, 1, 1)), ("00" * 32, date(2027, 2, 1)), ("aa" * 32, date(2027, 1, 1))],
    )
    listed = AgentAdmin(env).tokens("paris-dpo")
    assert [(t.id, t.agent_id, t.expires_on) for t in listed] == [
        ("aa" * 6, "paris-dpo", date(2027, 1, 1)),
        ("ff" * 6, "paris-dpo", date(2027, 1, 1)),
        ("00" * 6, "paris-dpo", date(2027, 2, 1)),
    ]


def test_the_tokens_of_an_unknown_agent_are_not_found_whatever_its_length(make_env: EnvFactory, engine: Engine) -> None:
    admin = AgentAdmin(make_env(engine, demo_agents=True))
    for unknown in ("inconnu", "x" * 33, "y" * 200):
        with pytest.raises(NotFound) as missing:
            admin.tokens(unknown)
        assert (missing.value.what, missing.value.key) == ("agent", unknown[:80])


def test_an_agent_whose_id_has_the_maximum_length_has_its_tokens_listed(
    make_env: EnvFactory, engine: Engine, register: Register
) -> None:
    env = make_env(engine)
    longest = "a" * AGENT_ID_LENGTH
    with connect(engine) as connection:
        add_agents(connection, register, [NewAgent(longest, "CPAM-75", "DPO", ("dpo",), date(2026, 1, 5))])
    _tokens(engine, longest, [("ab" * 32, date(2027, 1, 1))])
    assert [t.id for t in AgentAdmin(env).tokens(longest)] == ["ab" * 6]


def test_the_whole_id_of_a_token_revokes_it(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    _tokens(engine, "paris-dpo", [("ab" * 32, date(2027, 1, 1)), ("cd" * 32, date(2027, 1, 1))])
    journal = RecordingJournal()
    assert [t.id for t in AgentAdmin(env, journal).revoke("paris-dpo", prefix="ab" * 32)] == ["ab" * 6]
    assert [t.id for t in AgentAdmin(env).tokens("paris-dpo")] == ["cd" * 6]
    assert [e.reason for e in journal.events] == [f"1 jeton d'accès révoqué ({'ab' * 6})"]


@pytest.mark.parametrize("prefix", ["ab" * 32 + "a", "abcde", "ABCDEF", "abcdefX", "0123456789abcdeg", "é" * 90])
def test_a_prefix_that_cannot_name_a_token_is_refused_as_bad_input_and_nothing_is_revoked(
    make_env: EnvFactory, engine: Engine, prefix: str
) -> None:
    env = make_env(engine, demo_agents=True)
    _tokens(engine, "paris-dpo", [("ab" * 32, date(2027, 1, 1))])
    journal = RecordingJournal()
    with pytest.raises(InvalidInput) as refused:
        AgentAdmin(env, journal).revoke("paris-dpo", prefix=prefix)
    assert (refused.value.field, refused.value.value) == ("préfixe de jeton", prefix[:80])
    assert refused.value.reason == "au moins 6 chiffres hexadécimaux (a-f, 0-9)"
    assert len(AgentAdmin(env).tokens("paris-dpo")) == 1
    assert journal.events == []


def test_revoking_all_names_each_token_revoked_and_revoking_none_names_none(
    make_env: EnvFactory, engine: Engine
) -> None:
    env = make_env(engine, demo_agents=True)
    _tokens(engine, "paris-dpo", [("ab" * 32, date(2027, 1, 1)), ("cd" * 32, date(2027, 1, 2))])
    journal = RecordingJournal()
    admin = AgentAdmin(env, journal)
    assert len(admin.revoke("paris-dpo", everything=True, source="cli")) == 2
    assert admin.revoke("paris-social", everything=True, source="cli") == []
    assert [(e.action, e.allowed, e.agent_id, e.source, e.reason) for e in journal.events] == [
        (AuditAction.LOGOUT, True, "paris-dpo", "cli", f"2 jetons d'accès révoqués ({'ab' * 6}, {'cd' * 6})"),
        (AuditAction.LOGOUT, True, "paris-social", "cli", "0 jetons d'accès révoqués"),
    ]


@pytest.mark.parametrize(("prefix", "everything"), [(None, False), ("abcdef", True)])
def test_a_revocation_names_one_token_or_all_never_both_nor_neither(
    make_env: EnvFactory, engine: Engine, prefix: str | None, everything: bool
) -> None:
    journal = RecordingJournal()
    with pytest.raises(InvalidInput) as refused:
        AgentAdmin(make_env(engine, demo_agents=True), journal).revoke(
            "paris-dpo", prefix=prefix, everything=everything
        )
    assert str(refused.value) == "révocation « — » invalide : indiquez soit --token-prefix, soit --all"


@pytest.mark.parametrize(
    ("call", "action", "what"),
    [
        (lambda admin, agent: admin.issue(agent, source="cli"), AuditAction.LOGIN, "délivrance d'un jeton d'accès"),
        (
            lambda admin, agent: admin.revoke(agent, everything=True, source="cli"),
            AuditAction.LOGOUT,
            "révocation de jetons d'accès",
        ),
    ],
)
def test_a_call_naming_an_unknown_agent_is_journaled_with_its_source_and_no_id_in_clear(
    make_env: EnvFactory, engine: Engine, call: Callable[[AgentAdmin, str], object], action: AuditAction, what: str
) -> None:
    env = make_env(engine, demo_agents=True)
    journal = RecordingJournal()
    with pytest.raises(NotFound):
        call(AgentAdmin(env, journal), "1850775123456")
    (event,) = journal.events
    assert (event.action, event.allowed, event.agent_id, event.source) == (action, False, None, "cli")
    assert event.reason == f"{what} refusée : agent inconnu ({fingerprint(env, 'agent', '1850775123456')})"


def test_revoking_a_prefix_that_names_no_token_is_journaled_and_not_found(make_env: EnvFactory, engine: Engine) -> None:
    journal = RecordingJournal()
    with pytest.raises(NotFound) as missing:
        AgentAdmin(make_env(engine, demo_agents=True), journal).revoke("paris-dpo", prefix="abcdef", source="cli")
    assert (missing.value.what, missing.value.key) == ("jeton d'accès de l'agent", "abcdef…")
    (event,) = journal.events
    assert (event.action, event.allowed, event.agent_id, event.source) == (
        AuditAction.LOGOUT,
        False,
        "paris-dpo",
        "cli",
    )
    assert event.reason == "révocation refusée : aucun jeton n° abcdef…"


def test_revoking_many_tokens_keeps_the_journal_entry_to_a_thousand_characters(
    make_env: EnvFactory, engine: Engine
) -> None:
    env = make_env(engine, demo_agents=True)
    _tokens(engine, "paris-dpo", [(f"{n:064x}", date(2027, 1, 1)) for n in range(100)])
    journal = RecordingJournal()
    assert len(AgentAdmin(env, journal).revoke("paris-dpo", everything=True)) == 100
    (event,) = journal.events
    assert len(event.reason) == 1000 and event.reason.startswith("100 jetons d'accès révoqués (")


def test_an_issuance_is_journaled_with_the_tokens_number_and_last_day(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)  # the suite's clock: 28 November 2026
    journal = RecordingJournal()
    issued = AgentAdmin(env, journal).issue("paris-dpo", source="cli")
    (event,) = journal.events
    assert event.reason == f"jeton d'accès à l'API délivré (n° {issued.info.id}, jusqu'au 28/12/2026)"
    assert (event.agent_id, event.categories) == ("paris-dpo", AUDIT_CATEGORIES)


def test_an_unknown_agent_is_named_by_its_first_eighty_characters(make_env: EnvFactory, engine: Engine) -> None:
    journal = RecordingJournal()
    with pytest.raises(NotFound) as missing:
        AgentAdmin(make_env(engine), journal).issue("z" * 100)
    assert missing.value.key == "z" * 80
    assert journal.events[0].categories == AUDIT_CATEGORIES
