"""The DPO's workflow for rights requests: intake, identity, deadlines, decisions and their effects.

Every use of the person's data goes through the gate (`access.rights_effects`), for the processing
`rights_requests`, which only the DPO role serves, locally: a DPO acts on the requests of people attached to
their own organisation, and hears « personne inconnue ou hors de votre périmètre » for anyone else. Refusals of
bad input are journaled through `Gate.admit`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from sqlalchemy import Connection

from vigie.access.rights_effects import RIGHTS_PURPOSE, RightsEffects
from vigie.access.service import Gate
from vigie.agents import load_agent
from vigie.audit import AuditSink
from vigie.environment import Environment
from vigie.errors import DecryptionError, InvalidInput, NotFound
from vigie.ids import AgentId, SubjectId
from vigie.rights import deadlines, grounds, queries
from vigie.rights.model import Channel, Request, RequestKind, Ruling, Status
from vigie.rights.parsing import ExtensionReason
from vigie.store import connect

_DETAILS = "rights_request"
# What a decision does to the person's data, given the write that records it on the request in the same commit.
Effect = Callable[[Callable[[Connection], None]], None]


class _Moved(Exception):
    """The request changed between the checks and the write: nothing is written."""


SHREDDED_TEXT = "(texte effacé avec les données de la personne)"
_IDENTITY_FIELDS = ("nom", "prenom")


def _folded(value: object) -> str:
    """A name as compared: accents, case, spaces, hyphens and apostrophes ignored."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    return "".join(c for c in text if c.isalnum()).casefold()


def identity_matches(held: dict[str, Any], given: dict[str, str]) -> bool:
    """Whether the identity given with a request matches the one held: every field given must match, and at
    least the family name must be given."""
    if not given.get("nom"):
        return False
    return all(_folded(held.get(field)) == _folded(value) for field, value in given.items() if value)


@dataclass(frozen=True)
class Intake:
    """What a request says when it comes in (typed values, parsed at the edge)."""

    nir: str
    kind: RequestKind
    channel: Channel
    received_on: date
    identity: dict[str, str]
    processings: tuple[str, ...] | None = None
    text: str = ""
    requester: SubjectId | None = None  # the account holder, for the online channel


class RightsService:
    """Requests, from intake to answer; one instance per command or API call."""

    def __init__(self, env: Environment, journal: AuditSink) -> None:
        self.env = env
        self.gate = Gate(env, journal)
        self.effects = RightsEffects(self.gate)

    def refuse(self, agent_id: AgentId, error: InvalidInput, *, source: str | None = None) -> NoReturn:
        """Journal a refusal of bad input (through the gate) and raise it."""

        def fail() -> NoReturn:
            raise error

        self.gate.admit(fail, agent_id=agent_id, source=source)
        raise error  # pragma: no cover - admit re-raises

    # -- intake ----------------------------------------------------------------------------------------------

    def submit(self, agent_id: AgentId, intake: Intake, *, source: str | None = None) -> Request:
        """Register a request: find the person by NIR (blind index, through the gate), check the identity given
        against the one held, and start the clock, or hold the request « identité à confirmer »."""
        today = self.env.clock.today()
        if intake.received_on > today:
            bad = InvalidInput("date de réception", intake.received_on.isoformat(), "date à venir")
            self.refuse(agent_id, bad, source=source)
        subject = self.gate.find_by_nir(agent_id, intake.nir, RIGHTS_PURPOSE, today, source=source)
        if intake.requester is not None and intake.requester != subject:
            wrong = InvalidInput(
                "NIR", "(masqué)", "la demande porte sur les données d'une autre personne que le titulaire du compte"
            )
            self.refuse(agent_id, wrong, source=source)
        held = self.effects.read_identity(agent_id, subject, today, source=source)
        matched = identity_matches(held, intake.identity)
        with connect(self.env.engine) as connection:
            organisation = self._organisation_of(subject, agent_id, today, source)
            values: dict[str, Any] = {
                "subject_id": subject,
                "organisation_code": organisation,
                "kind": intake.kind.value,
                "channel": intake.channel.value,
                "received_on": intake.received_on,
                "registered_by": agent_id,
                "processings": intake.processings,
                "status": (Status.OPEN if matched else Status.IDENTITY_HOLD).value,
                "identity_confirmed_on": intake.received_on if matched else None,
                "due_on": deadlines.due_on(intake.received_on) if matched else None,
            }
            request_id = queries.insert_request(connection, values)
            if intake.text:
                sealed = self.effects.seal_text(connection, subject, _DETAILS, request_id, intake.text)
                queries.set_details(connection, request_id, sealed)
            return queries.load(connection, request_id)

    def _organisation_of(self, subject: SubjectId, agent_id: AgentId, today: date, source: str | None) -> str:
        """The person's organisation of attachment, where the request is routed (from the journaled decision)."""
        outcome = self.effects.check(agent_id, subject, today, source=source)
        assert outcome.subject is not None
        return outcome.subject.organisation

    def confirm_identity(
        self, agent_id: AgentId, request_id: int, confirmed_on: date, *, source: str | None = None
    ) -> Request:
        """The person proved who they are (GDPR 12(6)): the clock starts on `confirmed_on`."""
        request = self.load(agent_id, request_id, source)
        today = self.env.clock.today()
        self.effects.check(agent_id, request.subject_id, today, source=source)
        if request.status is not Status.IDENTITY_HOLD:
            self.refuse(agent_id, InvalidInput("demande", str(request_id), "identité déjà confirmée"), source=source)
        if not request.received_on <= confirmed_on <= today:
            why = "la confirmation se situe entre la réception de la demande et aujourd'hui"
            self.refuse(agent_id, InvalidInput("date de confirmation", confirmed_on.isoformat(), why), source=source)
        values = {
            "status": Status.OPEN.value,
            "identity_confirmed_on": confirmed_on,
            "due_on": deadlines.due_on(confirmed_on),
        }
        return self._change(agent_id, request, (Status.IDENTITY_HOLD,), values, source)

    # -- reading ---------------------------------------------------------------------------------------------

    def load(self, agent_id: AgentId, request_id: int, source: str | None) -> Request:
        try:
            with connect(self.env.engine) as connection:
                return queries.load(connection, request_id)
        except NotFound as missing:
            self.refuse(agent_id, InvalidInput("demande", str(request_id), "demande inconnue"), source=source)
            raise missing  # pragma: no cover

    def show(self, agent_id: AgentId, request_id: int, *, source: str | None = None) -> tuple[Request, str]:
        """The request and its wording (decrypted, journaled); only the DPO of the person's organisation."""
        request = self.load(agent_id, request_id, source)
        today = self.env.clock.today()
        self.effects.check(agent_id, request.subject_id, today, source=source)
        with connect(self.env.engine) as connection:
            sealed = queries.details(connection, request_id)
        if sealed is None:
            return request, ""
        try:
            text = self.effects.open_text(
                agent_id, request.subject_id, _DETAILS, request_id, sealed, today, source=source
            )
        except DecryptionError:  # the person was erased with their key: so was the wording
            return request, SHREDDED_TEXT
        return request, text

    def list(
        self, agent_id: AgentId, *, status: Status | None = None, limit: int = 100, after: int | None = None
    ) -> list[Request]:
        """The requests routed to the agent's organisation (no personal data: ids, dates, vocabulary)."""
        organisation = self.dpo_organisation(agent_id)
        with connect(self.env.engine) as connection:
            return queries.listing(connection, organisation, status, limit, after)

    def dpo_organisation(self, agent_id: AgentId, *, source: str | None = None) -> str:
        """The organisation of an agent whose roles serve rights requests; a journaled refusal otherwise."""
        with connect(self.env.engine) as connection:
            agent = load_agent(connection, agent_id)
        if agent is None or RIGHTS_PURPOSE not in self.env.policy.grants_for(agent.roles):
            reason = "seul un délégué à la protection des données (DPO) suit les demandes d'exercice des droits"
            self.effects.refuse_agent(agent.id if agent is not None else None, reason, source=source)
        assert agent is not None
        return agent.organisation

    # -- decisions -------------------------------------------------------------------------------------------

    def _change(
        self,
        agent_id: AgentId,
        request: Request,
        expected: tuple[Status, ...],
        values: dict[str, Any],
        source: str | None,
    ) -> Request:
        with connect(self.env.engine) as connection:
            if not queries.change(connection, request.id, expected, values):
                moved = InvalidInput("demande", str(request.id), "la demande a changé entre-temps : relisez-la")
                self.refuse(agent_id, moved, source=source)
            return queries.load(connection, request.id)

    def _open(self, agent_id: AgentId, request: Request, source: str | None) -> None:
        if request.status is Status.IDENTITY_HOLD:
            why = "identité à confirmer d'abord (vigie rights confirm)"
            self.refuse(agent_id, InvalidInput("demande", str(request.id), why), source=source)
        if request.closed:
            why = f"demande close ({request.status.value}) : elle a déjà été décidée"
            self.refuse(agent_id, InvalidInput("demande", str(request.id), why), source=source)

    def decide(
        self,
        agent_id: AgentId,
        request_id: int,
        *,
        unfounded: str | None = None,
        rectified: tuple[int, dict[str, Any]] | None = None,
        source: str | None = None,
    ) -> Request:
        """Decide a request from the register and the person's state, apply what is granted through the gate,
        and record each ruling with its ground."""
        request = self.load(agent_id, request_id, source)
        today = self.env.clock.today()
        decision, life = self.effects.lifecycle(agent_id, request.subject_id, today, source=source)
        self._open(agent_id, request, source)
        state = decision.subject
        assert state is not None
        effect: Effect | None = None
        if unfounded is not None:
            found = grounds.unfounded(unfounded)
        else:
            found, effect = self._rule(agent_id, request, state.kind, life, rectified, today, source)
        values = {
            "status": Status.DECIDED.value,
            "outcome": grounds.overall(found).value,
            "decision": found,
            "decided_on": today,
            "decided_by": agent_id,
        }
        if effect is None:
            return self._change(agent_id, request, (Status.OPEN,), values, source)
        return self.apply(agent_id, request, (Status.OPEN,), values, effect, source)

    def apply(
        self,
        agent_id: AgentId,
        request: Request,
        expected: tuple[Status, ...],
        values: dict[str, Any],
        effect: Effect,
        source: str | None,
        *,
        unlifted: bool = False,
    ) -> Request:
        """Apply `effect` to the person's data and record `values` on the request in the same commit, neither
        without the other; a request that moved meanwhile (no longer in `expected`) is refused, nothing written."""

        def record(connection: Connection) -> None:
            if not queries.change(connection, request.id, expected, values, unlifted=unlifted):
                raise _Moved

        try:
            effect(record)
        except _Moved:
            moved = InvalidInput("demande", str(request.id), "la demande a changé entre-temps : relisez-la")
            self.refuse(agent_id, moved, source=source)
        with connect(self.env.engine) as connection:
            return queries.load(connection, request.id)

    def _rule(
        self,
        agent_id: AgentId,
        request: Request,
        kind: Any,
        life: Any,
        rectified: tuple[int, dict[str, Any]] | None,
        today: date,
        source: str | None,
    ) -> tuple[tuple[Ruling, ...], Effect | None]:
        """The rulings, and what granting them does to the person's data (applied by `decide` with the decision
        in one commit); a rectification is applied here."""
        held: dict[str, list[grounds.Held]] = {}
        for _, processing, category, event, event_on in life.records:
            held.setdefault(processing, []).append(grounds.Held(processing, category, event, event_on))
        if request.kind is RequestKind.RECTIFICATION:
            if rectified is None:
                why = "une rectification dit quelle donnée corriger et sa nouvelle valeur"
                self.refuse(agent_id, InvalidInput("rectification", "(absente)", why), source=source)
            assert rectified is not None
            record_id, payload = rectified
            match = [r for r in life.records if r[0] == record_id]
            if not match:
                why = "cette donnée n'appartient pas à la personne de la demande"
                self.refuse(agent_id, InvalidInput("donnée", str(record_id), why), source=source)
            processing = self.effects.rectify(
                agent_id, request.subject_id, record_id, match[0][2], payload, today, source=source
            )
            return (grounds.rectification(self.env.policy, processing),), None
        named = grounds.concerned(self.env.register, kind, request.processings, held)
        person = grounds.PersonEvents(life.rights_end_on, life.death_on, life.activity_end_on)
        found = grounds.rulings(self.env.policy, request.kind, kind, named, held, person, today)
        granted = [r.processing for r in found if r.granted and r.processing is not None]
        effects, subject = self.effects, request.subject_id

        def restrict(also: Callable[[Connection], None]) -> None:
            effects.restrict(agent_id, subject, today, also=also, source=source)

        def erase(also: Callable[[Connection], None]) -> None:
            effects.erase(agent_id, subject, granted, today, also=also, source=source)

        def object_to(also: Callable[[Connection], None]) -> None:
            effects.object_to(agent_id, subject, granted, today, also=also, source=source)

        if request.kind is RequestKind.LIMITATION:
            return found, restrict
        if request.kind is RequestKind.ERASURE and granted:
            return found, erase
        if request.kind is RequestKind.OBJECTION and granted:
            return found, object_to
        return found, None

    def extend(
        self,
        agent_id: AgentId,
        request_id: int,
        months: int,
        reason: ExtensionReason,
        told_on: date,
        *,
        source: str | None = None,
    ) -> Request:
        """Extend the deadline by one or two months, for complexity or number, the person told in the first
        month (GDPR 12(3))."""
        request = self.load(agent_id, request_id, source)
        today = self.env.clock.today()
        self.effects.check(agent_id, request.subject_id, today, source=source)
        self._open(agent_id, request, source)
        if request.extended_to is not None:
            self.refuse(agent_id, InvalidInput("demande", str(request_id), "délai déjà prolongé"), source=source)
        start = request.identity_confirmed_on or request.received_on
        try:
            deadlines.check_extension(start, told_on, today)
            new_deadline = deadlines.extended_to(start, months)
        except InvalidInput as error:
            self.refuse(agent_id, error, source=source)
        values = {"extended_to": new_deadline, "extension_reason": reason.value, "extension_told_on": told_on}
        return self._change(agent_id, request, (Status.OPEN,), values, source)

    def mark_answered(self, agent_id: AgentId, request: Request, *, source: str | None = None) -> Request:
        """Record that the answer was sent today (a decided request only; re-rendering an answered one keeps its
        date)."""
        if request.status is Status.ANSWERED:
            return request
        if request.status is not Status.DECIDED:
            why = "la demande n'est pas encore décidée (vigie rights decide)"
            self.refuse(agent_id, InvalidInput("demande", str(request.id), why), source=source)
        today = self.env.clock.today()
        return self._change(
            agent_id, request, (Status.DECIDED,), {"status": Status.ANSWERED.value, "answered_on": today}, source
        )


__all__ = ["Intake", "RightsService", "identity_matches"]
