"""Agents: staff bound by professional secrecy, their organisation and the roles that say what they serve."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select

from vigie.durations import Duration
from vigie.errors import InvalidInput, NotFound
from vigie.ids import AgentId
from vigie.model import Agent
from vigie.register import Register
from vigie.store.prepared import Prepared
from vigie.store.schema import agent_roles, agent_tokens, agents

AGENT_ID_LENGTH = 32


# The agent and its roles in one statement (one row per role, one row with no role for an agent without any):
# run on every request, so prepared once (see vigie.store.prepared).
_AGENT_COLUMNS = (agents.c.id, agents.c.organisation_code, agents.c.secrecy_attested_on, agent_roles.c.role_id)
_WITH_ROLES = agents.outerjoin(agent_roles, agent_roles.c.agent_id == agents.c.id)
_AGENT = Prepared(select(*_AGENT_COLUMNS).select_from(_WITH_ROLES).where(agents.c.id == bindparam("agent_id")))
_AGENT_BY_TOKEN = Prepared(
    select(*_AGENT_COLUMNS)
    .select_from(agent_tokens.join(_WITH_ROLES, agents.c.id == agent_tokens.c.agent_id))
    .where(agent_tokens.c.token_hash == bindparam("token_hash"), agent_tokens.c.expires_on >= bindparam("today"))
)


def _agent_of(rows: list[tuple[Any, ...]]) -> Agent | None:
    if not rows:
        return None
    agent_id, organisation, attested_on, _ = rows[0]
    roles = frozenset(role for *_, role in rows if role is not None)
    return Agent(AgentId(agent_id), organisation, roles, attested_on)


def load_agent(connection: Connection, agent_id: str) -> Agent | None:
    """The agent with its roles, or None when there is no such agent. An id no agent can have (empty, longer than
    `AGENT_ID_LENGTH`, or holding a NUL character, which PostgreSQL refuses in text) is not even looked up, so that
    every service may pass on what was typed."""
    if not 0 < len(agent_id) <= AGENT_ID_LENGTH or "\x00" in agent_id:
        return None
    return _agent_of(_AGENT.rows(connection, {"agent_id": agent_id}))


def list_agents(connection: Connection) -> list[Agent]:
    """Every agent with its roles, by id."""
    roles: dict[str, set[str]] = {}
    for agent_id, role in connection.execute(select(agent_roles.c.agent_id, agent_roles.c.role_id)):
        roles.setdefault(agent_id, set()).add(role)
    rows = connection.execute(
        select(agents.c.id, agents.c.organisation_code, agents.c.secrecy_attested_on).order_by(agents.c.id)
    )
    return [
        Agent(AgentId(row.id), row.organisation_code, frozenset(roles.get(row.id, ())), row.secrecy_attested_on)
        for row in rows
    ]


@dataclass(frozen=True)
class NewAgent:
    id: str
    organisation: str
    display_name: str
    roles: tuple[str, ...]
    secrecy_attested_on: date | None


def add_agents(connection: Connection, register: Register, new: list[NewAgent]) -> None:
    """Create agents, refusing an unknown organisation or role (nothing is written then)."""
    for agent in new:
        if not 0 < len(agent.id) <= AGENT_ID_LENGTH:
            raise InvalidInput("agent", agent.id, f"identifiant de 1 à {AGENT_ID_LENGTH} caractères attendu")
        if agent.organisation not in register.organisations:
            raise InvalidInput("organisme", agent.organisation, "organisme inconnu du registre")
        for role in agent.roles:
            if role not in register.roles:
                raise InvalidInput("rôle", role, "rôle inconnu du registre")
    if not new:
        return
    connection.execute(
        insert(agents),
        [
            {
                "id": a.id,
                "organisation_code": a.organisation,
                "display_name": a.display_name,
                "secrecy_attested_on": a.secrecy_attested_on,
            }
            for a in new
        ],
    )
    connection.execute(insert(agent_roles), [{"agent_id": a.id, "role_id": r} for a in new for r in a.roles])


TOKEN_LIFETIME = Duration(days=30)


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def issue_token(connection: Connection, agent_id: str, today: date) -> str:
    """A new API token for an agent, valid 30 days; only its hash is stored."""
    if load_agent(connection, agent_id) is None:
        raise NotFound("agent", agent_id)
    token = secrets.token_urlsafe(32)
    connection.execute(
        insert(agent_tokens).values(
            token_hash=_token_hash(token), agent_id=agent_id, expires_on=TOKEN_LIFETIME.after(today)
        )
    )
    return token


def agent_for_token(connection: Connection, token: str, today: date) -> Agent | None:
    """The agent a token belongs to, if the token exists and has not expired."""
    return _agent_of(_AGENT_BY_TOKEN.rows(connection, {"token_hash": _token_hash(token), "today": today}))


# Demo staff: short ids an operator can type, and the role each holds.
_DEMO_LOCAL = {
    "paris-droits": "rights_agent",
    "paris-medecin": "medical_officer",
    "paris-prevention": "prevention_agent",
    "paris-social": "social_worker",
    "paris-relations-ps": "professional_relations_agent",
    "paris-atmp": "occupational_risk_agent",
    "paris-fraude": "fraud_investigator",
    "paris-dpo": "dpo",
}
_DEMO_NATIONAL = {
    "cnam-fraude": "national_fraud_investigator",
    "cnam-crise": "crisis_agent",
    "cnam-etudes": "statistician",
    "cnam-web": "web_team",
}


def demo_agents(attested_on: date) -> list[NewAgent]:
    """The demo staff: one agent per local role at the CPAM de Paris, national roles at the Cnam, and one
    agent who has not attested secrecy (to show the refusal)."""
    staff = [NewAgent(i, "CPAM-75", f"Agent ({r}), CPAM de Paris", (r,), attested_on) for i, r in _DEMO_LOCAL.items()]
    staff += [NewAgent(i, "CNAM", f"Agent ({r}), Cnam", (r,), attested_on) for i, r in _DEMO_NATIONAL.items()]
    staff.append(NewAgent("paris-sans-attestation", "CPAM-75", "Agent sans attestation", ("rights_agent",), None))
    return staff


def ensure_demo_agents(connection: Connection, register: Register, attested_on: date) -> int:
    """Create the demo staff that does not exist yet; returns how many were created."""
    existing = set(connection.scalars(select(agents.c.id)))
    missing = [agent for agent in demo_agents(attested_on) if agent.id not in existing]
    add_agents(connection, register, missing)
    return len(missing)


# Tokens as the operator manages them: named by the start of their hash, listed, revoked.
TOKEN_ID_LENGTH = 12
TOKEN_PREFIX_MIN = 6


def token_id(token_hash: bytes) -> str:
    """How a token is named once issued: the first hex digits of its hash (the token itself is never kept)."""
    return token_hash.hex()[:TOKEN_ID_LENGTH]


@dataclass(frozen=True)
class TokenInfo:
    """A token as the database knows it: its id, its agent and the last day it is valid."""

    id: str
    agent_id: str
    expires_on: date


def token_info(token: str, agent_id: str, today: date) -> TokenInfo:
    """The id and expiry of a token `issue_token` has just made on `today`."""
    return TokenInfo(token_id(_token_hash(token)), agent_id, TOKEN_LIFETIME.after(today))


def list_tokens(connection: Connection, agent_id: str) -> list[TokenInfo]:
    """The agent's tokens (expired ones included), soonest expiry first."""
    query = (
        select(agent_tokens.c.token_hash, agent_tokens.c.expires_on)
        .where(agent_tokens.c.agent_id == agent_id)
        .order_by(agent_tokens.c.expires_on, agent_tokens.c.token_hash)
    )
    return [TokenInfo(token_id(row.token_hash), agent_id, row.expires_on) for row in connection.execute(query)]


def revoke_matching_tokens(connection: Connection, agent_id: str, prefix: str | None) -> list[TokenInfo]:
    """Delete the agent's tokens whose id starts with `prefix` (every token when None); return those deleted.

    A prefix must be at least 6 lowercase hex digits and name exactly one token, so that a typing slip never
    revokes more than meant."""
    rows = connection.execute(
        select(agent_tokens.c.token_hash, agent_tokens.c.expires_on).where(agent_tokens.c.agent_id == agent_id)
    ).all()
    if prefix is not None:
        if not (TOKEN_PREFIX_MIN <= len(prefix) <= 64 and all(c in "0123456789abcdef" for c in prefix)):
            raise InvalidInput(
                "préfixe de jeton", prefix[:80], f"au moins {TOKEN_PREFIX_MIN} chiffres hexadécimaux (a-f, 0-9)"
            )
        rows = [row for row in rows if row.token_hash.hex().startswith(prefix)]
        if len(rows) > 1:
            raise InvalidInput("préfixe de jeton", prefix, f"{len(rows)} jetons commencent ainsi : précisez-le")
    if not rows:
        return []
    hashes = [row.token_hash for row in rows]
    connection.execute(delete(agent_tokens).where(agent_tokens.c.token_hash.in_(hashes)))
    return [TokenInfo(token_id(row.token_hash), agent_id, row.expires_on) for row in rows]
