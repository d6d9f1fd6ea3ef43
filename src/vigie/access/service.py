"""The gate as a service: load agent and subject, decide, journal durably, and only then open the vault.

Every call leaves exactly one journal entry, allowed or refused, including for an unknown agent, subject,
purpose or category; no personal data leaves before its entry is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from vigie import vault
from vigie.access.decide import decide, decide_disclosure
from vigie.agents import AGENT_ID_LENGTH, load_agent
from vigie.audit import AuditAction, AuditEvent, AuditSink, subject_pseudonym
from vigie.environment import Environment
from vigie.errors import AccessRefused, NotFound
from vigie.model import Action, Agent, Decision, SubjectState
from vigie.store import connect
from vigie.taxonomy import SubjectKind

_AUDIT_ACTIONS = {
    Action.READ: AuditAction.READ,
    Action.CHANGE: AuditAction.CHANGE,
    Action.STORE: AuditAction.CHANGE,
    Action.DISCLOSE: AuditAction.DISCLOSE,
    Action.DESTROY: AuditAction.DESTROY,
    Action.LEGAL_CLAIM: AuditAction.READ,
}


@dataclass(frozen=True)
class SubjectView:
    """What an allowed read returns: only the requested categories."""

    subject_id: int
    kind: SubjectKind
    organisation: str
    identity: dict[str, Any]
    records: list[vault.RecordView] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """A decision with the journal entry that records it, the categories decided on, and the subject's
    state it was decided from (None when the subject is unknown), so a read need not load it again."""

    decision: Decision
    entry: int
    categories: tuple[str, ...]
    subject: SubjectState | None = None


class Gate:
    """The one gate through which every use of personal data passes."""

    def __init__(self, env: Environment, journal: AuditSink) -> None:
        self.env = env
        self.journal = journal

    def _parties(
        self, connection: Connection, agent_id: str, subject_id: int | str, today: date
    ) -> tuple[Agent | None, SubjectState | None, str | None]:
        agent = load_agent(connection, agent_id) if len(agent_id) <= AGENT_ID_LENGTH else None
        if agent is None:
            return None, None, f"agent inconnu : « {agent_id} »"
        try:
            state = vault.subject_state(connection, int(subject_id), today)
        except (ValueError, NotFound):
            return agent, None, f"personne inconnue : « {subject_id} »"
        return agent, state, None

    def _journal(
        self,
        action: Action,
        agent_id: str,
        subject_id: int | str,
        purpose: str,
        categories: tuple[str, ...],
        decision: Decision,
        recipient: str | None,
        source: str | None,
        audit_action: AuditAction | None = None,
    ) -> int:
        try:
            subject_ref = subject_pseudonym(self.env.keyring, int(subject_id))
        except ValueError:
            subject_ref = None
        event = AuditEvent(
            action=audit_action or _AUDIT_ACTIONS[action],
            allowed=decision.allowed,
            reason=decision.reason,
            at=self.env.clock.now(),
            agent_id=agent_id[:AGENT_ID_LENGTH],
            subject_ref=subject_ref,
            purpose=purpose,
            categories=categories,
            recipient=recipient,
            source=source,
        )
        return self.journal.append(event)

    def check(
        self,
        agent_id: str,
        subject_id: int | str,
        purpose: str,
        categories: tuple[str, ...] | None,
        today: date,
        *,
        action: Action = Action.READ,
        recipient: str | None = None,
        source: str | None = None,
        audit_action: AuditAction = AuditAction.DECIDE,
    ) -> Outcome:
        """Decide and journal (the entry is durable on return); nothing is read from the vault.

        `categories=None` asks for every category the processing uses for the subject's kind.
        """
        with connect(self.env.engine) as connection:
            agent, state, problem = self._parties(connection, agent_id, subject_id, today)
        if categories is None:
            policy = self.env.policy
            uses = policy.categories_for(agent.roles, purpose, state.kind) if state and agent else frozenset()
            categories = tuple(sorted(c.value for c in uses))
        if problem is not None or agent is None or state is None:
            decision = Decision(False, problem or "demande incomplète")
        elif recipient is not None:
            decision = decide_disclosure(self.env.policy, agent, state, purpose, categories, recipient)
        else:
            decision = decide(self.env.policy, agent, state, purpose, categories, action)
        entry = self._journal(
            action, agent_id, subject_id, purpose, categories, decision, recipient, source, audit_action
        )
        return Outcome(decision, entry, categories, state)

    def _allowed(self, outcome: Outcome) -> None:
        if not outcome.decision.allowed:
            raise AccessRefused(outcome.decision.reason, outcome.entry)

    def read(
        self,
        agent_id: str,
        subject_id: int | str,
        purpose: str,
        categories: tuple[str, ...] | None,
        today: date,
        *,
        source: str | None = None,
        recipient: str | None = None,
    ) -> SubjectView:
        """An audited, decrypted read of the requested categories (a disclosure when `recipient` is given)."""
        action = Action.DISCLOSE if recipient is not None else Action.READ
        outcome = self.check(
            agent_id,
            subject_id,
            purpose,
            categories,
            today,
            action=action,
            recipient=recipient,
            source=source,
            audit_action=_AUDIT_ACTIONS[action],
        )
        self._allowed(outcome)
        state, granted = outcome.subject, outcome.categories
        assert state is not None  # an allowed decision was made on a known subject
        sid = state.id
        with connect(self.env.engine) as connection:
            identity = vault.identity_fields(vault.read_identity(connection, self.env.keyring, sid), granted)
            records = vault.read_records(connection, self.env.keyring, sid, purpose, granted)
        return SubjectView(sid, state.kind, state.organisation, identity, records)

    def find_by_nir(self, agent_id: str, nir: str, purpose: str, today: date, *, source: str | None = None) -> int:
        """The subject with this NIR, for an agent allowed to use the NIR for `purpose`; journaled either way.

        A malformed NIR is bad input (InvalidIdentifier, nothing journaled: nobody was looked up); a
        well-formed NIR that matches nobody is a journaled refusal.
        """
        with connect(self.env.engine) as connection:
            found = vault.find_by_nir(connection, self.env.keyring, nir)
        if found is None:
            decision = Decision(False, "aucune personne ne porte ce NIR")
            entry = self._journal(Action.READ, agent_id, "?", purpose, ("nir",), decision, None, source)
            raise AccessRefused(decision.reason, entry)
        outcome = self.check(agent_id, found, purpose, ("nir",), today, source=source, audit_action=AuditAction.READ)
        self._allowed(outcome)
        return found

    def change(
        self,
        agent_id: str,
        subject_id: int | str,
        purpose: str,
        category: str,
        payload: dict[str, Any],
        today: date,
        *,
        source: str | None = None,
    ) -> int:
        """Store a new record for the subject, if the gate allows it; returns the record id."""
        outcome = self.check(
            agent_id,
            subject_id,
            purpose,
            (category,),
            today,
            action=Action.CHANGE,
            source=source,
            audit_action=AuditAction.CHANGE,
        )
        self._allowed(outcome)
        with connect(self.env.engine) as connection:
            return vault.add_record(
                connection,
                self.env.keyring,
                int(subject_id),
                processing=purpose,
                category=category,
                payload=payload,
                recorded_on=today,
            )
