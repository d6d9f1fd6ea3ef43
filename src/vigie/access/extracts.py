"""Bulk reads for pseudonymised statistics, through the same decision as every other use.

An extract is a read like any other, only of many people: the agent must hold a role serving the processing,
the processing must be one the register marks for pseudonymised statistics, and each person gets the usual
`decide()` (restriction, objection, consent, organisation, minimisation) on a state loaded set-based. Every
person decided on leaves one journal entry, written in batches with `append_many` before anything of the batch
is decrypted; only the allowed people are decrypted. Kept apart from `access.service` (one person per call).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from vigie import vault
from vigie.access.decide import decide
from vigie.agents import AGENT_ID_LENGTH, load_agent
from vigie.audit import AuditAction, AuditEvent, AuditSink, subject_pseudonym
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput
from vigie.model import Action, Agent, Decision
from vigie.store import connect
from vigie.taxonomy import SubjectKind

BATCH_SIZE = 1_000
SOURCE = "extraction statistique pseudonymisée"


@dataclass(frozen=True)
class StatisticsRead:
    """What a statistical extract reads: who asks, for which processing, which people and categories."""

    agent_id: str
    processing: str
    kind: SubjectKind
    categories: tuple[str, ...]
    identity: bool
    decrypt_records: bool = True


@dataclass(frozen=True)
class Batch:
    """One batch of people: the allowed ones decrypted, how many were refused, the journal entries written."""

    subjects: list[vault.SubjectData]
    refused: int
    entries: int


class StatisticsGate:
    """Opened once per extract (the agent and the processing are checked), then read batch by batch."""

    def __init__(self, env: Environment, journal: AuditSink, request: StatisticsRead, today: date) -> None:
        self.env = env
        self.journal = journal
        self.request = request
        self.today = today
        self.agent = self._admit()

    def _refuse(self, reason: str) -> AccessRefused:
        event = AuditEvent(
            action=AuditAction.READ,
            allowed=False,
            reason=reason,
            at=self.env.clock.now(),
            agent_id=self.request.agent_id[:AGENT_ID_LENGTH],
            purpose=self.request.processing,
            categories=self.request.categories,
            source=SOURCE,
        )
        return AccessRefused(reason, self.journal.append(event))

    def _admit(self) -> Agent:
        """The agent, if it may run statistics for the processing; otherwise a journaled refusal."""
        request = self.request
        processing = self.env.register.processings.get(request.processing)
        if processing is None:
            raise InvalidInput("traitement", request.processing[:64], "traitement inconnu du registre")
        if not processing.pseudonymised_statistics:
            raise self._refuse(
                f"le traitement « {request.processing} » ne prévoit pas de statistiques sur données pseudonymisées"
            )
        with connect(self.env.engine) as connection:
            agent = load_agent(connection, request.agent_id)
        if agent is None:
            raise self._refuse(f"agent inconnu : « {request.agent_id[:AGENT_ID_LENGTH]} »")
        if self.env.policy.grants_for(agent.roles).get(request.processing) is None:
            raise self._refuse(
                f"aucun rôle de l'agent ne sert le traitement « {request.processing} » (besoin d'en connaître)"
            )
        return agent

    def batches(self, batch_size: int = BATCH_SIZE) -> Iterator[Batch]:
        """The population in id order, `batch_size` people at a time; each batch journaled before it is read."""
        request, policy, keyring = self.request, self.env.policy, self.env.keyring
        after = 0
        while True:
            with connect(self.env.engine) as connection:
                ids = vault.population_batch(
                    connection, request.processing, request.kind, request.categories, after, batch_size
                )
                if not ids:
                    return
                after = ids[-1]
                states = vault.subject_states(connection, ids, self.today)
            now = self.env.clock.now()
            decisions: list[tuple[int, Decision]] = [
                (int(s.id), decide(policy, self.agent, s, request.processing, request.categories, Action.READ))
                for s in states
            ]
            events = [
                AuditEvent(
                    action=AuditAction.READ,
                    allowed=d.allowed,
                    reason=d.reason,
                    at=now,
                    agent_id=request.agent_id,
                    subject_ref=subject_pseudonym(keyring, sid),
                    purpose=request.processing,
                    categories=request.categories,
                    source=SOURCE,
                )
                for sid, d in decisions
            ]
            entries = self.journal.append_many(events)  # durable before anything of the batch is decrypted
            allowed = [sid for sid, d in decisions if d.allowed]
            with connect(self.env.engine) as connection:
                data = vault.read_batch(
                    connection,
                    keyring,
                    allowed,
                    request.processing,
                    request.categories,
                    identity=request.identity,
                    decrypt_records=request.decrypt_records,
                )
            yield Batch(data, len(decisions) - len(allowed), len(entries))

    def population(self) -> int:
        """How many people the extract will decide on."""
        request = self.request
        with connect(self.env.engine) as connection:
            return vault.population_count(connection, request.processing, request.kind, request.categories)
