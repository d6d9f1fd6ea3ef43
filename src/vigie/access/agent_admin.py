"""Managing agents' API access: listing agents and their tokens, issuing and revoking tokens.

Issuing and revoking are each one call here, journaled as connection traces (a new token opens a session:
`login`; a revocation closes them: `logout`), so that neither surface builds an audit event itself. A call
naming an unknown agent is journaled too, the id as its length and a keyed fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigie import agents
from vigie.access.journal_reads import fingerprint
from vigie.agents import TokenInfo
from vigie.audit import AuditAction, AuditEvent, AuditSink, Journal
from vigie.audit.journal import AUDIT_CATEGORIES
from vigie.environment import Environment
from vigie.errors import InvalidInput, NotFound
from vigie.model import Agent
from vigie.store import connect


@dataclass(frozen=True)
class IssuedToken:
    """A token as issued: the secret, shown once, and what is kept of it."""

    token: str
    info: TokenInfo


def _plural(count: int) -> str:
    return "1 jeton d'accès révoqué" if count == 1 else f"{count} jetons d'accès révoqués"


class AgentAdmin:
    """The operator's view of agents; `journal` records issuances and revocations (short-lived when None)."""

    def __init__(self, env: Environment, journal: AuditSink | None = None) -> None:
        self.env = env
        self.journal = journal

    def _trace(self, action: AuditAction, allowed: bool, reason: str, agent_id: str | None, source: str | None) -> int:
        event = AuditEvent(
            action=action,
            allowed=allowed,
            reason=reason,
            at=self.env.clock.now(),
            agent_id=agent_id,
            categories=AUDIT_CATEGORIES,
            source=source,
        )
        if self.journal is not None:
            return self.journal.append(event)
        with Journal(self.env.engine, self.env.keyring) as own:
            return own.append(event)

    def _known(self, agent_id: str, action: AuditAction, what: str, source: str | None) -> Agent:
        with connect(self.env.engine) as connection:
            agent = agents.load_agent(connection, agent_id)
        if agent is None:
            reason = f"{what} refusée : agent inconnu ({fingerprint(self.env, 'agent', agent_id)})"
            self._trace(action, False, reason, None, source)
            raise NotFound("agent", agent_id[:80])
        return agent

    def list_agents(self) -> list[Agent]:
        """Every agent with its roles, by id."""
        with connect(self.env.engine) as connection:
            return agents.list_agents(connection)

    def tokens(self, agent_id: str) -> list[TokenInfo]:
        """The agent's tokens by id and expiry (the tokens themselves are not kept)."""
        with connect(self.env.engine) as connection:
            if agents.load_agent(connection, agent_id) is None:
                raise NotFound("agent", agent_id[:80])
            return agents.list_tokens(connection, agent_id)

    def issue(self, agent_id: str, *, source: str | None = None) -> IssuedToken:
        """A new 30-day token for the agent, journaled as a connection; the token is returned, never stored."""
        agent = self._known(agent_id, AuditAction.LOGIN, "délivrance d'un jeton d'accès", source)
        today = self.env.clock.today()
        with connect(self.env.engine) as connection:
            token = agents.issue_token(connection, agent.id, today)
        info = agents.token_info(token, agent.id, today)
        until = info.expires_on.strftime("%d/%m/%Y")
        self._trace(
            AuditAction.LOGIN, True, f"jeton d'accès à l'API délivré (n° {info.id}, jusqu'au {until})", agent.id, source
        )
        return IssuedToken(token, info)

    def revoke(
        self, agent_id: str, *, prefix: str | None = None, everything: bool = False, source: str | None = None
    ) -> list[TokenInfo]:
        """Revoke one token (by the prefix of its id) or all the agent's tokens; journaled, even when none."""
        if (prefix is None) == (not everything):
            raise InvalidInput("révocation", "—", "indiquez soit --token-prefix, soit --all")
        agent = self._known(agent_id, AuditAction.LOGOUT, "révocation de jetons d'accès", source)
        with connect(self.env.engine) as connection:
            revoked = agents.revoke_matching_tokens(connection, agent.id, prefix)
        if not revoked and prefix is not None:
            self._trace(AuditAction.LOGOUT, False, f"révocation refusée : aucun jeton n° {prefix}…", agent.id, source)
            raise NotFound("jeton d'accès de l'agent", f"{prefix}…")
        ids = ", ".join(info.id for info in revoked)
        reason = _plural(len(revoked)) + (f" ({ids})" if ids else "")
        self._trace(AuditAction.LOGOUT, True, reason[:1000], agent.id, source)
        return revoked


__all__ = ["AgentAdmin", "IssuedToken"]
