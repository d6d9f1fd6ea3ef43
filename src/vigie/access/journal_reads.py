"""Reading the audit journal, decided in one place for the web and the command line.

Only an agent holding a role with `audit: true` in the register (the DPO) reads the journal: its last entries,
its verification report, the inclusion proof of an entry. Every read leaves its own entry (action
`audit_read`), and so does every refusal and every malformed request, with the precise reason; the caller is
told no more than that the journal is reserved to audit roles, whether the agent is unknown or only lacks the
role. An unknown agent id is journaled as its length and a keyed fingerprint, never in clear (it may be a
mistyped NIR).

What anyone may see (the verifier key, checkpoint notes, consistency proofs) is public and needs no reader:
see `vigie.audit.transparency`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from vigie.agents import load_agent
from vigie.audit import (
    AuditAction,
    AuditEvent,
    AuditSink,
    Entry,
    InclusionProof,
    Journal,
    VerifyReport,
    prove,
    tail,
    verify,
)
from vigie.audit.journal import AUDIT_CATEGORIES
from vigie.crypto import blind_index
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput, NotFound
from vigie.model import Agent
from vigie.store import connect

REFUSED = "lecture du journal d'audit réservée aux agents d'un rôle d'audit (DPO)"
T = TypeVar("T")


def fingerprint(env: Environment, kind: str, value: str) -> str:
    """How a value that names nothing known is journaled: its length and a keyed hash, never the value."""
    digest = blind_index(env.keyring, f"journal-input/{kind}", value).hex()[:12]
    return f"{len(value)} caractères, empreinte {digest}"


class JournalReads:
    """The journal as the DPO reads it; `journal` records the reads (a short-lived writer when None)."""

    def __init__(self, env: Environment, journal: AuditSink | None = None) -> None:
        self.env = env
        self.journal = journal

    def _append(self, event: AuditEvent) -> int:
        if self.journal is not None:
            return self.journal.append(event)
        with Journal(self.env.engine, self.env.keyring) as own:
            return own.append(event)

    def _refuse(self, agent_id: str | None, reason: str, source: str | None) -> int:
        event = AuditEvent(
            action=AuditAction.AUDIT_READ,
            allowed=False,
            reason=reason,
            at=self.env.clock.now(),
            agent_id=agent_id,
            categories=AUDIT_CATEGORIES,
            source=source,
        )
        return self._append(event)

    def reader(self, agent_id: str, what: str, source: str | None = None) -> Agent:
        """The agent, if one of its roles reads the journal; otherwise a journaled AccessRefused."""
        with connect(self.env.engine) as connection:
            agent = load_agent(connection, agent_id)
        if agent is not None and agent.roles & self.env.policy.audit_roles:
            return agent
        if agent is None:
            precise = f"{what} refusée : agent inconnu ({fingerprint(self.env, 'agent', agent_id)})"
            entry = self._refuse(None, precise, source)
        else:
            roles = ", ".join(sorted(agent.roles)) or "aucun"
            precise = f"{what} refusée : aucun rôle de l'agent ne donne accès au journal d'audit (rôles : {roles})"
            entry = self._refuse(agent.id, precise, source)
        raise AccessRefused(REFUSED, entry)

    def _read(self, agent: Agent, what: str, source: str | None, read: Callable[[], T]) -> T:
        """Run an authorised read; malformed or unknown values are journaled as refusals before they are raised."""
        try:
            return read()
        except (InvalidInput, NotFound) as error:
            self._refuse(agent.id, f"{what} refusée : {error}"[:1000], source)
            raise

    def tail(self, agent_id: str, count: int, *, source: str | None = None, before: int | None = None) -> list[Entry]:
        """The `count` newest entries (those before entry `before` when given: the next page back), oldest first."""
        what = "consultation du journal d'audit"
        agent = self.reader(agent_id, what, source)
        env = self.env
        return self._read(
            agent,
            what,
            source,
            lambda: tail(
                env.engine, env.keyring, count, journal=self.journal, agent_id=agent.id, source=source, before=before
            ),
        )

    def verify(self, agent_id: str, *, source: str | None = None) -> VerifyReport:
        """The whole journal verified, with every problem found."""
        what = "vérification du journal d'audit"
        agent = self.reader(agent_id, what, source)
        env = self.env
        return self._read(
            agent,
            what,
            source,
            lambda: verify(env.engine, env.keyring, journal=self.journal, agent_id=agent.id, source=source),
        )

    def prove(self, agent_id: str, seq: int, *, source: str | None = None) -> InclusionProof:
        """The inclusion proof of entry `seq` (its content included) against the latest signed checkpoint."""
        what = "preuve d'inclusion"
        agent = self.reader(agent_id, what, source)
        env = self.env
        return self._read(
            agent,
            what,
            source,
            lambda: prove(env.engine, env.keyring, seq, journal=self.journal, agent_id=agent.id, source=source),
        )


__all__ = ["REFUSED", "JournalReads", "fingerprint"]
