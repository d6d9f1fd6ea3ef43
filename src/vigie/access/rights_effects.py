"""What answering a rights request does to personal data, each step decided and journaled by the gate.

The DPO acts for the processing `rights_requests` (legal obligation, GDPR 12-22), whose categories are every
category the register uses for the person's kind: a read for it reads everything held on the person, across
processings; a change, a limitation, an objection, an erasure is decided for it with the matching action
(`CHANGE`, `STORE`, `DESTROY`), journaled, and only then applied to the vault. The DPO's role is local: a DPO
of another organisation hears the same refusal as for an unknown person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn, TypeVar

from sqlalchemy import Connection

from vigie import vault
from vigie.access.service import Gate, Outcome, SubjectView
from vigie.audit import AuditAction
from vigie.audit.chain import Entry
from vigie.audit.subjects import entries_about, keep_up
from vigie.errors import AccessRefused
from vigie.ids import AgentId, SubjectId
from vigie.model import Action, Agent, Decision
from vigie.store import connect

RIGHTS_PURPOSE = "rights_requests"

T = TypeVar("T")


@dataclass(frozen=True)
class Everything:
    """What an access request reads: the person, every record, the journal's entries about them, and the agents
    those entries name (read in the same transaction, for the answer to say which organisation and role)."""

    view: SubjectView
    accesses: list[Entry]
    agents: dict[str, Agent]


def _as_read(everything: Everything) -> Everything:
    return everything


class RightsEffects:
    """The gate's uses of personal data for answering rights requests."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.env = gate.env

    def _decided(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        categories: tuple[str, ...] | None,
        today: date,
        action: Action,
        audit_action: AuditAction,
        source: str | None,
    ) -> Outcome:
        outcome = self.gate.check(
            agent_id,
            subject_id,
            RIGHTS_PURPOSE,
            categories,
            today,
            action=action,
            source=source,
            audit_action=audit_action,
        )
        if not outcome.decision.allowed:
            raise AccessRefused(outcome.told.reason, outcome.entry)
        return outcome

    def refuse_agent(self, agent_id: AgentId | None, reason: str, *, source: str | None = None) -> NoReturn:
        """Journal that an agent may not follow rights requests at all (`agent_id` None when unknown, so that
        nothing typed is kept) and raise the refusal."""
        refusal = Decision(False, reason)
        entry = self.gate._append(AuditAction.DECIDE, agent_id, None, RIGHTS_PURPOSE, (), refusal, None, source)
        raise AccessRefused(reason, entry)

    def check(self, agent_id: AgentId, subject_id: SubjectId, today: date, *, source: str | None = None) -> Outcome:
        """May this agent act on this person's request at all? Journaled (a decision, nothing read)."""
        return self._decided(agent_id, subject_id, None, today, Action.READ, AuditAction.DECIDE, source)

    def lifecycle(
        self, agent_id: AgentId, subject_id: SubjectId, today: date, *, source: str | None = None
    ) -> tuple[Outcome, vault.Lifecycle]:
        """May this agent decide on this person's request? Journaled; returns the decision and what an erasure
        decision reads of retention (event dates, each record's processing and category: nothing decrypted),
        read while the entry commits and returned only once it is durable."""
        pending = self.gate.begin_check(agent_id, subject_id, RIGHTS_PURPOSE, None, today, source=source)
        if not pending.decision.allowed:
            raise AccessRefused(pending.answer.reason, pending.receipt.wait())
        with connect(self.env.engine) as connection:
            found = vault.lifecycle(connection, subject_id)
        entry = pending.receipt.wait()  # allowed (a refusal was raised above): the agent is told the decision itself
        return Outcome(pending.decision, entry, pending.categories, pending.subject), found

    def seal_text(self, connection: Connection, subject_id: SubjectId, purpose: str, row_id: int, text: str) -> bytes:
        """Seal free text about the person (a request's wording) under their key, in the caller's transaction;
        nothing is read."""
        return vault.seal_text(connection, self.env.keyring, subject_id, purpose, row_id, text)

    def open_text(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        purpose: str,
        row_id: int,
        sealed: bytes,
        today: date,
        *,
        source: str | None = None,
    ) -> str:
        """Read sealed free text about the person, decided and journaled as a read of their identification."""
        self._decided(agent_id, subject_id, ("identification",), today, Action.READ, AuditAction.READ, source)
        with connect(self.env.engine) as connection:
            return vault.open_text(connection, self.env.keyring, subject_id, purpose, row_id, sealed)

    def read_identity(
        self, agent_id: AgentId, subject_id: SubjectId, today: date, *, source: str | None = None
    ) -> dict[str, Any]:
        """The person's identity (to check who wrote), read for the request and journaled."""
        outcome = self._decided(agent_id, subject_id, ("identification",), today, Action.READ, AuditAction.READ, source)
        with connect(self.env.engine) as connection:
            identity = vault.read_identity(connection, self.env.keyring, subject_id)
        return vault.identity_fields(identity, outcome.categories)

    def read_everything(
        self, agent_id: AgentId, subject_id: SubjectId, today: date, *, source: str | None = None
    ) -> Everything:
        """Everything held on the person, decrypted, and the accesses made to it (access request)."""
        return self.read_everything_as(agent_id, subject_id, today, _as_read, source=source)

    def read_everything_as(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        today: date,
        shape: Callable[[Everything], T],
        *,
        source: str | None = None,
    ) -> T:
        """`shape` applied to everything held on the person (the answer assembled and encoded, say).

        The decision is journaled first (one entry for the whole answer); the vault is read, and `shape` run,
        while its entry commits, in the decision's own transaction (one connection for the whole answer) with
        the journal's look-up and the agents it names, and nothing is returned before the entry is durable: a
        refusal or a failed commit returns nothing. The per-person index is caught up only once its tail is
        long, and looked at now and then (`keep_up`): an answer usually writes nothing but its entry."""
        with connect(self.env.engine) as connection:
            pending = self.gate.begin_read(
                agent_id, subject_id, RIGHTS_PURPOSE, None, today, source=source, within=connection
            )
            if pending.decision.allowed:
                identity, records = vault.read_everything(connection, self.env.keyring, subject_id)
                keep_up(connection)
                accesses, agents = entries_about(connection, self.env.keyring, subject_id)
        if not pending.decision.allowed:
            raise AccessRefused(pending.answer.reason, pending.receipt.wait())
        state, granted = pending.subject, frozenset(pending.categories)
        assert state is not None
        shown = [r for r in records if r.category in granted]
        who = vault.identity_fields(identity, pending.categories)
        shaped = shape(Everything(SubjectView(state.id, state.kind, state.organisation, who, shown), accesses, agents))
        pending.receipt.wait()  # raises JournalError when the entry could not be written: nothing leaves
        return shaped

    def rectify(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        record_id: int,
        category: str,
        payload: dict[str, Any],
        today: date,
        *,
        source: str | None = None,
    ) -> str:
        """Replace a record's content; returns the processing it belongs to."""
        self._decided(agent_id, subject_id, (category,), today, Action.CHANGE, AuditAction.CHANGE, source)
        with connect(self.env.engine) as connection:
            processing, _ = vault.replace_record(connection, self.env.keyring, subject_id, record_id, payload)
        return processing

    def restrict(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        today: date,
        *,
        lift: bool = False,
        also: Callable[[Connection], None] | None = None,
        source: str | None = None,
    ) -> None:
        """Limit every use of the person's data but storage and legal claims (or lift the limitation). `also`
        writes the caller's record of it (the request lifted) in the same transaction, and raises to leave both
        undone. The entry is durable first, as for an erasure."""
        self._decided(agent_id, subject_id, None, today, Action.STORE, AuditAction.CHANGE, source)
        with connect(self.env.engine) as connection:
            if also is not None:
                also(connection)
            vault.set_restricted(connection, subject_id, not lift)

    def object_to(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        processings: list[str],
        today: date,
        *,
        also: Callable[[Connection], None] | None = None,
        source: str | None = None,
    ) -> None:
        """Record the person's objection to each processing (or the withdrawal of consent, for consent-based
        ones); `also` as for `restrict`."""
        self._decided(agent_id, subject_id, None, today, Action.STORE, AuditAction.CHANGE, source)
        with connect(self.env.engine) as connection:
            if also is not None:
                also(connection)
            for processing in processings:
                if processing in self.env.policy.consent_purposes:
                    vault.withdraw_consent(connection, subject_id, processing, today)
                vault.add_objection(connection, subject_id, processing, today)

    def erase(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        processings: list[str],
        today: date,
        *,
        also: Callable[[Connection], None] | None = None,
        source: str | None = None,
    ) -> tuple[int, bool]:
        """Destroy the person's records of `processings` (one statement), and the whole subject with its key
        when nothing is left; returns (records destroyed, subject shredded). The entry is durable first: the
        destruction cannot wait for it inside its transaction, which on SQLite holds the lock the journal needs.
        `also` as for `restrict` (the request decided in the same commit)."""
        self._decided(agent_id, subject_id, None, today, Action.DESTROY, AuditAction.DESTROY, source)
        with connect(self.env.engine) as connection:
            if also is not None:
                also(connection)
            for processing in processings:
                if processing in self.env.policy.consent_purposes:
                    vault.withdraw_consent(connection, subject_id, processing, today)
            erased = vault.erase_records(connection, subject_id, processings)
            shredded = vault.record_count(connection, subject_id) == 0
            if shredded:
                vault.shred(connection, subject_id, today)
        return erased, shredded


__all__ = ["RIGHTS_PURPOSE", "Everything", "RightsEffects"]
