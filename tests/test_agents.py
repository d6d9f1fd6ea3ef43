"""Agents: a token opens the door for 30 days and no longer; agents are created whole or not at all."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select

import vigie.agents as agents_module
from vigie.agents import (
    AGENT_ID_LENGTH,
    TOKEN_LIFETIME,
    NewAgent,
    add_agents,
    agent_for_token,
    demo_agents,
    ensure_demo_agents,
    issue_token,
    list_agents,
    load_agent,
)
from vigie.errors import InvalidInput, NotFound
from vigie.organisations import sync_organisations
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import agent_roles, agent_tokens, agents

ISSUED = date(2026, 1, 31)
ATTESTED = date(2026, 1, 5)


@pytest.fixture
def staffed(engine: Engine, register: Register) -> Engine:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        ensure_demo_agents(connection, register, attested_on=ATTESTED)
    return engine


def test_a_token_is_valid_for_thirty_days_and_refused_the_day_after(staffed: Engine) -> None:
    """Token expiry: the last valid day is 30 days after issue (2 March 2026 for 31 January); then nothing."""
    with connect(staffed) as connection:
        token = issue_token(connection, "paris-social", ISSUED)
        last_day = date(2026, 3, 2)
        assert TOKEN_LIFETIME.after(ISSUED) == last_day
        for day in (ISSUED, ISSUED + timedelta(days=1), last_day):
            agent = agent_for_token(connection, token, day)
            assert agent is not None and agent.id == "paris-social", day
        assert agent_for_token(connection, token, last_day + timedelta(days=1)) is None
        assert agent_for_token(connection, token, date(2027, 1, 1)) is None


def test_a_token_names_its_own_agent_and_an_unknown_token_names_nobody(staffed: Engine) -> None:
    with connect(staffed) as connection:
        social = issue_token(connection, "paris-social", ISSUED)
        dpo = issue_token(connection, "paris-dpo", ISSUED)
        assert social != dpo
        social_agent = agent_for_token(connection, social, ISSUED)
        dpo_agent = agent_for_token(connection, dpo, ISSUED)
        assert social_agent is not None and social_agent.roles == {"social_worker"}
        assert dpo_agent is not None and dpo_agent.roles == {"dpo"}
        assert agent_for_token(connection, social + "x", ISSUED) is None
        assert agent_for_token(connection, "", ISSUED) is None


def test_only_the_tokens_hash_is_stored_with_its_expiry(staffed: Engine) -> None:
    with connect(staffed) as connection:
        token = issue_token(connection, "paris-social", ISSUED)
        row = connection.execute(select(agent_tokens)).one()
    assert len(token) == 43  # 32 random bytes (256 bits), URL-safe base64 without padding
    assert token.encode() not in bytes(row.token_hash)
    assert len(bytes(row.token_hash)) == 32
    assert (row.agent_id, row.expires_on) == ("paris-social", date(2026, 3, 2))


def test_no_token_for_an_unknown_agent(staffed: Engine) -> None:
    with connect(staffed) as connection, pytest.raises(NotFound, match="agent introuvable : « nobody »"):
        issue_token(connection, "nobody", ISSUED)
    with connect(staffed) as connection:
        assert connection.scalar(select(func.count()).select_from(agent_tokens)) == 0


def test_an_agent_is_loaded_with_organisation_roles_and_attestation(staffed: Engine) -> None:
    with connect(staffed) as connection:
        social = load_agent(connection, "paris-social")
        national = load_agent(connection, "cnam-fraude")
        unattested = load_agent(connection, "paris-sans-attestation")
        assert load_agent(connection, "nobody") is None
    assert social is not None and national is not None and unattested is not None
    assert (social.organisation, social.roles, social.secrecy_attested_on) == (
        "CPAM-75",
        {"social_worker"},
        ATTESTED,
    )
    assert (national.organisation, national.roles) == ("CNAM", {"national_fraud_investigator"})
    assert unattested.secrecy_attested_on is None


def test_agents_are_listed_by_id_with_all_their_roles(staffed: Engine, register: Register) -> None:
    with connect(staffed) as connection:
        add_agents(
            connection,
            register,
            [
                NewAgent("aa-multi", "CPAM-75", "Agent polyvalent", ("rights_agent", "social_worker"), ATTESTED),
                NewAgent("zz-sans-role", "CPAM-75", "Agent sans rôle", (), ATTESTED),
            ],
        )
        listed = list_agents(connection)
    ids = [agent.id for agent in listed]
    assert ids == sorted(ids) and ids[0] == "aa-multi"
    assert len(listed) == len(demo_agents(ATTESTED)) + 2
    assert listed[-1].id == "zz-sans-role" and listed[-1].roles == frozenset()
    assert listed[0].roles == {"rights_agent", "social_worker"}
    assert listed[0].organisation == "CPAM-75" and listed[0].secrecy_attested_on == ATTESTED


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            NewAgent("", "CPAM-75", "Sans nom", ("rights_agent",), ATTESTED),
            "agent invalide : identifiant de 1 à 32 caractères attendu",
        ),
        (
            NewAgent("x" * 33, "CPAM-75", "Trop long", ("rights_agent",), ATTESTED),
            f"agent « {'x' * 33} » invalide : identifiant de 1 à 32 caractères attendu",
        ),
        (
            NewAgent("ailleurs", "CPAM-00", "Inconnu", ("rights_agent",), ATTESTED),
            "organisme « CPAM-00 » invalide : organisme inconnu du registre",
        ),
        (
            NewAgent("devin", "CPAM-75", "Devin", ("rights_agent", "astrologer"), ATTESTED),
            "rôle « astrologer » invalide : rôle inconnu du registre",
        ),
    ],
)
def test_a_bad_agent_is_refused_and_nothing_is_written(
    staffed: Engine, register: Register, new: NewAgent, message: str
) -> None:
    """The good agent listed before the bad one is not created either."""
    good = NewAgent("bon-agent", "CPAM-75", "Bon agent", ("rights_agent",), ATTESTED)
    with connect(staffed) as connection:
        before = connection.scalar(select(func.count()).select_from(agents))
        roles_before = connection.scalar(select(func.count()).select_from(agent_roles))
    with connect(staffed) as connection, pytest.raises(InvalidInput) as caught:
        add_agents(connection, register, [good, new])
    assert str(caught.value) == message
    with connect(staffed) as connection:
        assert connection.scalar(select(func.count()).select_from(agents)) == before
        assert connection.scalar(select(func.count()).select_from(agent_roles)) == roles_before


def test_an_id_of_exactly_the_maximum_length_is_accepted(staffed: Engine, register: Register) -> None:
    longest = "x" * AGENT_ID_LENGTH
    with connect(staffed) as connection:
        add_agents(connection, register, [NewAgent(longest, "CPAM-75", "Long", ("rights_agent",), ATTESTED)])
        found = load_agent(connection, longest)
        single = load_agent(connection, "x")
    assert found is not None and found.roles == {"rights_agent"}
    assert single is None
    with connect(staffed) as connection:
        add_agents(connection, register, [NewAgent("x", "CPAM-75", "Court", ("dpo",), ATTESTED)])
        assert load_agent(connection, "x") is not None


@pytest.mark.parametrize("typed", ["", "x" * (AGENT_ID_LENGTH + 1), "paris-dpo\x00", "\x00"])
def test_an_id_no_agent_can_have_finds_nobody_on_either_engine(staffed: Engine, typed: str) -> None:
    """Empty, too long, or holding a NUL character (which PostgreSQL refuses in text): never an error, nobody."""
    with connect(staffed) as connection:
        assert load_agent(connection, typed) is None


@pytest.mark.parametrize("typed", ["", "x" * (AGENT_ID_LENGTH + 1), "paris-dpo\x00", "\x00"])
def test_an_id_no_agent_can_have_is_not_even_looked_up(
    staffed: Engine, typed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every service may pass on what was typed: the database never sees an id it could not hold."""
    looked_up: list[object] = []
    real = agents_module._AGENT

    class Spy:
        def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
            looked_up.append(params["agent_id"])
            return real.rows(connection, params)

    monkeypatch.setattr(agents_module, "_AGENT", Spy())
    with connect(staffed) as connection:
        assert load_agent(connection, "paris-dpo") is not None
        assert load_agent(connection, typed) is None
    assert looked_up == ["paris-dpo"]


def test_adding_no_agent_writes_nothing(staffed: Engine, register: Register) -> None:
    with connect(staffed) as connection:
        add_agents(connection, register, [])
        assert len(list_agents(connection)) == len(demo_agents(ATTESTED))


def test_demo_staff_is_created_once_with_one_agent_who_has_not_attested_secrecy(
    engine: Engine, register: Register
) -> None:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        created = ensure_demo_agents(connection, register, attested_on=ATTESTED)
        assert ensure_demo_agents(connection, register, attested_on=ATTESTED) == 0
        listed = {agent.id: agent for agent in list_agents(connection)}
    assert created == len(listed) == 13
    assert [a for a, agent in listed.items() if agent.secrecy_attested_on is None] == ["paris-sans-attestation"]
    assert {a for a, agent in listed.items() if agent.organisation == "CNAM"} == {
        "cnam-fraude",
        "cnam-crise",
        "cnam-etudes",
        "cnam-web",
    }
    assert listed["paris-medecin"].roles == {"medical_officer"}
    assert listed["cnam-etudes"].roles == {"statistician"}
    assert listed["paris-sans-attestation"].roles == {"rights_agent"}
    with connect(engine) as connection:
        names = {row.id: row.display_name for row in connection.execute(select(agents.c.id, agents.c.display_name))}
    assert names["paris-sans-attestation"] == "Agent sans attestation"
    assert names["paris-social"] == "Agent (social_worker), CPAM de Paris"
    assert names["cnam-web"] == "Agent (web_team), Cnam"
