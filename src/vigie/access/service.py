"""The gate as a service: load agent and subject, decide, journal durably, and only then open the vault.

Every call leaves exactly one journal entry, allowed or refused, including for an unknown agent, subject,
purpose or category, and for bad input (`admit`); no personal data leaves before its entry is committed.

The gate takes typed values (`AgentId`, `SubjectId`): the edges parse what people type with `vigie.inputs`,
through `Gate.admit`, so that bad input is journaled the same way from the web and the command line.

What the journal holds and what the agent hears differ on purpose:
- the journal never holds a typed value in clear unless it is vocabulary (a known agent, a processing,
  category or recipient of the register): anything else is traced as its length and a keyed hash;
- an agent without a right to the person hears the same refusal whether the person is unknown or belongs
  to another organisation (`OUT_OF_REACH`); the journal keeps the precise reason for the DPO.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn, TypeVar

from sqlalchemy import Connection

from vigie import vault
from vigie.access.decide import acts_nationally, decide, decide_disclosure, serves
from vigie.agents import load_agent
from vigie.audit import AuditAction, AuditEvent, AuditSink, Receipt, subject_pseudonym
from vigie.crypto import Keyring, blind_index
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput, NotFound
from vigie.identifiers import validate_nir
from vigie.ids import AgentId, SubjectId
from vigie.model import Action, Agent, Decision, SubjectState
from vigie.store import connect
from vigie.taxonomy import Category, SubjectKind

_AUDIT_ACTIONS = {
    Action.READ: AuditAction.READ,
    Action.CHANGE: AuditAction.CHANGE,
    Action.STORE: AuditAction.CHANGE,
    Action.DISCLOSE: AuditAction.DISCLOSE,
    Action.DESTROY: AuditAction.DESTROY,
    Action.LEGAL_CLAIM: AuditAction.READ,
}
_CATEGORIES = frozenset(Category._value2member_map_)
OUT_OF_REACH = Decision(False, "personne inconnue ou hors de votre périmètre")
T = TypeVar("T")


def described(keyring: Keyring, value: str) -> str:
    """How the journal names a value it must not hold in clear: its length and a keyed hash (stable, so the
    DPO can tell repeated values apart, meaningless without the key)."""
    as_bytes = value.encode("utf-8", "surrogatepass").decode("latin-1")  # lone surrogates hash too
    return f"valeur de {len(value)} caractères, empreinte {blind_index(keyring, 'input', as_bytes).hex()[:16]}"


@dataclass(frozen=True)
class SubjectView:
    """What an allowed read returns: only the requested categories."""

    subject_id: SubjectId
    kind: SubjectKind
    organisation: str
    identity: dict[str, Any]
    records: list[vault.RecordView] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """A decision with the journal entry that records it, the categories decided on, and the subject's state
    it was decided from (None when unknown), so a read need not load it again. `decision` is what the journal
    keeps; `answer` is what the agent is told (the same, except where it would say more than the agent may
    know)."""

    decision: Decision
    entry: int
    categories: tuple[str, ...]
    subject: SubjectState | None = None
    answer: Decision | None = None

    @property
    def told(self) -> Decision:
        """The decision as the agent hears it."""
        return self.answer if self.answer is not None else self.decision


@dataclass(frozen=True)
class _Verdict:
    decision: Decision
    answer: Decision
    agent_known: bool = True
    purpose_known: bool = True
    recipient_known: bool = True


@dataclass(frozen=True)
class PendingRead:
    """A read decided and submitted to the journal, not yet committed: nothing of the vault is opened yet.
    `decision` is what the journal keeps, `answer` what the agent is told if it is a refusal."""

    decision: Decision
    answer: Decision
    categories: tuple[str, ...]
    subject: SubjectState | None
    purpose: str
    receipt: Receipt


class Gate:
    """The one gate through which every use of personal data passes."""

    def __init__(self, env: Environment, journal: AuditSink) -> None:
        self.env = env
        self.journal = journal

    # -- bad input -------------------------------------------------------------------------------------------

    def admit(
        self,
        parse: Callable[[], T],
        *,
        agent_id: AgentId | None = None,
        action: AuditAction = AuditAction.DECIDE,
        source: str | None = None,
    ) -> T:
        """Run an edge's parsing; bad input is journaled as such (a refusal naming the field, the rule broken,
        and the value's length and keyed hash) and re-raised, so that every call leaves its entry."""
        try:
            return parse()
        except InvalidInput as error:
            typed = error.typed if error.typed is not None else error.value
            reason = f"entrée invalide : {error.field} : {error.reason} ({described(self.env.keyring, typed)})"
            with connect(self.env.engine) as connection:
                known = agent_id is not None and load_agent(connection, agent_id) is not None
            self._append(action, agent_id if known else None, None, None, (), Decision(False, reason), None, source)
            raise

    # -- decisions -------------------------------------------------------------------------------------------

    def _archived(self, connection: Connection, subject_id: SubjectId, purpose: str, today: date) -> date | None:
        """The day the subject's file of `purpose` was archived (the DMP closed, its holder's death closing it),
        or None: only processings with an archive pay this query."""
        archive = self.env.policy.archives.get(purpose)
        if archive is None:
            return None
        return vault.archived_on(connection, subject_id, purpose, archive.event.value, today)

    def _parties(
        self, connection: Connection, agent_id: AgentId, subject_id: SubjectId, today: date
    ) -> tuple[Agent | None, SubjectState | None]:
        agent = load_agent(connection, agent_id)
        if agent is None:
            return None, None
        try:
            return agent, vault.subject_state(connection, subject_id, today)
        except NotFound:
            return agent, None

    def _judge(
        self,
        agent_id: AgentId,
        agent: Agent | None,
        state: SubjectState | None,
        purpose: str,
        categories: tuple[str, ...],
        action: Action,
        recipient: str | None,
    ) -> _Verdict:
        """The precise decision (for the journal) and the answer (for the agent); nothing typed is quoted
        unless it is vocabulary."""
        keyring, policy = self.env.keyring, self.env.policy
        purpose_known = purpose in policy.legal_basis
        recipient_known = recipient is None or recipient in policy.processings_for_recipient
        known = {"purpose_known": purpose_known, "recipient_known": recipient_known}
        if agent is None:
            refusal = Decision(False, f"agent inconnu ({described(keyring, agent_id)})")
            return _Verdict(refusal, refusal, agent_known=False, **known)
        if not purpose_known:
            refusal = Decision(False, f"traitement inconnu du registre ({described(keyring, purpose)})")
            return _Verdict(refusal, refusal, **known)
        if recipient is not None and not recipient_known:
            refusal = Decision(False, f"destinataire inconnu du registre ({described(keyring, recipient)})")
            return _Verdict(refusal, refusal, **known)
        unknown = [c for c in categories if c not in _CATEGORIES]
        if unknown:
            refusal = Decision(False, f"catégorie inconnue de la nomenclature ({described(keyring, unknown[0])})")
            return _Verdict(refusal, refusal)
        refusal_for_anyone = serves(policy, agent, purpose)
        if refusal_for_anyone is not None:  # said before anything that depends on the person
            return _Verdict(refusal_for_anyone, refusal_for_anyone)
        if state is None:
            return _Verdict(Decision(False, "personne inconnue"), OUT_OF_REACH)
        if recipient is not None:
            decision = decide_disclosure(policy, agent, state, purpose, categories, recipient)
        else:
            decision = decide(policy, agent, state, purpose, categories, action)
        outside = agent.organisation != state.organisation and not acts_nationally(policy, agent, purpose)
        return _Verdict(decision, OUT_OF_REACH if outside and not decision.allowed else decision)

    def _event(
        self,
        action: Action | AuditAction,
        agent_id: str | None,
        subject_id: SubjectId | None,
        purpose: str | None,
        categories: tuple[str, ...],
        decision: Decision,
        recipient: str | None,
        source: str | None,
    ) -> AuditEvent:
        """The journal entry of a call: the subject only as its pseudonym, from a typed id."""
        return AuditEvent(
            action=action if isinstance(action, AuditAction) else _AUDIT_ACTIONS[action],
            allowed=decision.allowed,
            reason=decision.reason,
            at=self.env.clock.now(),
            agent_id=agent_id,
            subject_ref=subject_pseudonym(self.env.keyring, subject_id) if subject_id is not None else None,
            purpose=purpose,
            categories=categories,
            recipient=recipient,
            source=source,
        )

    def _append(
        self,
        action: Action | AuditAction,
        agent_id: str | None,
        subject_id: SubjectId | None,
        purpose: str | None,
        categories: tuple[str, ...],
        decision: Decision,
        recipient: str | None,
        source: str | None,
    ) -> int:
        event = self._event(action, agent_id, subject_id, purpose, categories, decision, recipient, source)
        return self.journal.append(event)

    def _decide(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        purpose: str,
        categories: tuple[str, ...] | None,
        today: date,
        action: Action,
        recipient: str | None,
        within: Connection | None = None,
    ) -> tuple[_Verdict, tuple[str, ...], SubjectState | None]:
        """Load the parties (in the caller's transaction `within`, else in one of its own) and judge;
        `categories=None` asks for every category the processing uses."""
        if within is None:
            with connect(self.env.engine) as connection:
                return self._decide(agent_id, subject_id, purpose, categories, today, action, recipient, connection)
        agent, state = self._parties(within, agent_id, subject_id, today)
        archived = self._archived(within, subject_id, purpose, today) if state is not None else None
        if categories is None:
            policy = self.env.policy
            categories = policy.category_names_for(agent.roles, purpose, state.kind) if state and agent else ()
        verdict = self._judge(agent_id, agent, state, purpose, categories, action, recipient)
        if archived is not None and agent is not None and verdict.decision.allowed:
            verdict = self._archive_rule(agent, purpose, action, archived) or verdict
        return verdict, categories, state

    def _archive_rule(self, agent: Agent, purpose: str, action: Action, since: date) -> _Verdict | None:
        """An archived file is kept, not used: only stored, destroyed, or used for a legal claim by the archive's
        roles (the DMP after its closure). None when the action stays allowed."""
        archive = self.env.policy.archives[purpose]
        if action in (Action.STORE, Action.DESTROY):
            return None
        if action is Action.LEGAL_CLAIM and agent.roles & frozenset(archive.roles):
            return None
        refusal = Decision(
            False,
            f"dossier archivé depuis le {since.isoformat()} (« {purpose} ») : conservé seulement, utilisable "
            f"pour {archive.purpose} par les rôles {', '.join(archive.roles)}",
        )
        return _Verdict(refusal, refusal)

    def _entry(
        self,
        audit_action: Action | AuditAction,
        agent_id: AgentId,
        subject_id: SubjectId,
        purpose: str,
        categories: tuple[str, ...],
        verdict: _Verdict,
        recipient: str | None,
        source: str | None,
    ) -> AuditEvent:
        """The entry of a decision: only vocabulary in clear, never what was typed."""
        return self._event(
            audit_action,
            agent_id if verdict.agent_known else None,
            subject_id,
            purpose if verdict.purpose_known else None,
            tuple(c for c in categories if c in _CATEGORIES),
            verdict.decision,
            recipient if verdict.recipient_known else None,
            source,
        )

    def check(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
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
        pending = self.begin_check(
            agent_id, subject_id, purpose, categories, today,
            action=action, audit_action=audit_action, source=source, recipient=recipient,
        )  # fmt: skip
        entry = pending.receipt.wait()
        return Outcome(pending.decision, entry, pending.categories, pending.subject, pending.answer)

    def _allowed(self, outcome: Outcome) -> None:
        if not outcome.decision.allowed:
            raise AccessRefused(outcome.told.reason, outcome.entry)

    def begin_read(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        purpose: str,
        categories: tuple[str, ...] | None,
        today: date,
        *,
        source: str | None = None,
        recipient: str | None = None,
        within: Connection | None = None,
    ) -> PendingRead:
        """The first half of `read`: decide and submit the journal entry, without waiting for it.

        Hand the result to `finish_read` with its committed seq (`pending.receipt.wait()`, or `wait_async()` on
        an event loop, so that no thread is held while the journal commits). `within`: decide in the caller's
        transaction, which then reads what was decided on."""
        action = Action.DISCLOSE if recipient is not None else Action.READ
        return self.begin_check(
            agent_id, subject_id, purpose, categories, today,
            action=action, audit_action=action, source=source, recipient=recipient, within=within,
        )  # fmt: skip

    def begin_check(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        purpose: str,
        categories: tuple[str, ...] | None,
        today: date,
        *,
        action: Action = Action.READ,
        audit_action: Action | AuditAction = AuditAction.DECIDE,
        source: str | None = None,
        recipient: str | None = None,
        within: Connection | None = None,
    ) -> PendingRead:
        """`check` without waiting for the entry: the caller may prepare its work while the entry commits, and
        must wait for `pending.receipt` before anything it read leaves (the rights slice reads a person's
        retention dates while the entry commits)."""
        verdict, granted, state = self._decide(
            agent_id, subject_id, purpose, categories, today, action, recipient, within
        )
        event = self._entry(audit_action, agent_id, subject_id, purpose, granted, verdict, recipient, source)
        return PendingRead(verdict.decision, verdict.answer, granted, state, purpose, self.journal.submit(event))

    def finish_read(self, pending: PendingRead, entry: int) -> SubjectView:
        """The second half of `read`, once the entry `entry` is committed: refuse (with the answer the agent may
        hear), or open the vault."""
        if not pending.decision.allowed:
            raise AccessRefused(pending.answer.reason, entry)
        state, granted = pending.subject, pending.categories
        assert state is not None  # an allowed decision was made on a known subject
        sid = state.id
        with connect(self.env.engine) as connection:
            identity, records = vault.read_subject(connection, self.env.keyring, sid, pending.purpose, granted)
        return SubjectView(sid, state.kind, state.organisation, vault.identity_fields(identity, granted), records)

    def read(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
        purpose: str,
        categories: tuple[str, ...] | None,
        today: date,
        *,
        source: str | None = None,
        recipient: str | None = None,
    ) -> SubjectView:
        """An audited, decrypted read of the requested categories (a disclosure when `recipient` is given)."""
        pending = self.begin_read(agent_id, subject_id, purpose, categories, today, source=source, recipient=recipient)
        return self.finish_read(pending, pending.receipt.wait())

    def find_by_nir(
        self, agent_id: AgentId, nir: str, purpose: str, today: date, *, source: str | None = None
    ) -> SubjectId:
        """The subject with this NIR, for an agent allowed to use the NIR for `purpose`; journaled either way.

        The agent and the purpose are checked before anyone is looked up: an agent who may not use the NIR for
        the purpose gets the same refusal whether the NIR belongs to someone or not, and so does an agent who
        may, for a NIR that matches nobody or someone outside their reach. A malformed NIR is bad input,
        journaled as such.
        """
        policy, nir_only = self.env.policy, (Category.NIR.value,)
        with connect(self.env.engine) as connection:
            agent = load_agent(connection, agent_id)
        verdict = self._judge(agent_id, agent, None, purpose, nir_only, Action.READ, None)
        if verdict.answer is not OUT_OF_REACH:  # refused before any look-up (agent, purpose, rights)
            self._refuse_nir(agent_id, purpose, verdict, source)
        assert agent is not None
        if not any(Category.NIR in policy.categories_of.get((purpose, kind), ()) for kind in SubjectKind):
            refusal = Decision(False, f"le traitement « {purpose} » n'utilise pas le NIR (minimisation)")
            self._refuse_nir(agent_id, purpose, _Verdict(refusal, refusal), source)
        valid = self.admit(lambda: validate_nir(nir), agent_id=agent_id, action=AuditAction.READ, source=source)
        with connect(self.env.engine) as connection:
            found = vault.find_by_nir(connection, self.env.keyring, valid)
        if found is None:
            nobody = Decision(False, "aucune personne ne porte ce NIR")
            self._refuse_nir(agent_id, purpose, _Verdict(nobody, OUT_OF_REACH), source)
        assert found is not None
        outcome = self.check(agent_id, found, purpose, nir_only, today, source=source, audit_action=AuditAction.READ)
        self._allowed(outcome)
        return found

    def _refuse_nir(self, agent_id: AgentId, purpose: str, verdict: _Verdict, source: str | None) -> NoReturn:
        entry = self._append(
            AuditAction.READ,
            agent_id if verdict.agent_known else None,
            None,
            purpose if verdict.purpose_known else None,
            (Category.NIR.value,),
            verdict.decision,
            None,
            source,
        )
        raise AccessRefused(verdict.answer.reason, entry)

    def change(
        self,
        agent_id: AgentId,
        subject_id: SubjectId,
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
                subject_id,
                processing=purpose,
                category=category,
                payload=payload,
                recorded_on=today,
            )
