"""Retention through the gate: recording a lifecycle event (a change), journaling legal holds and destruction
certificates. Decided and journaled here, so that the retention slice builds no audit event itself.

Recording an event is a change of the person's data: the agent must be allowed to change it for the
processing (`Gate.check` with `Action.CHANGE`); the entry is durable before the vault is written. Holds are
placed and released by an agent holding an audit role (the DPO), whose request is journaled either way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sqlalchemy import Connection

from vigie import vault
from vigie.access.service import Gate, described
from vigie.agents import load_agent
from vigie.audit import AuditAction, AuditEvent, subject_pseudonym
from vigie.errors import AccessRefused, InvalidInput, NotFound
from vigie.ids import AgentId, SubjectId
from vigie.model import Action
from vigie.store import connect
from vigie.taxonomy import PERSON_EVENTS, ClockOwner, LifecycleEvent, choices

After = Callable[[Connection], object]
T = TypeVar("T")


def parse_event(text: str) -> LifecycleEvent:
    """A lifecycle event by its name, or InvalidInput listing the accepted names."""
    try:
        return LifecycleEvent(text)
    except ValueError:
        raise InvalidInput(
            "événement", text[:40], f"événement inconnu ; attendu l'un de : {choices(LifecycleEvent)}", typed=text
        ) from None


def _starts_a_clock(gate: Gate, purpose: str, event: LifecycleEvent, person: bool) -> bool:
    owners = (ClockOwner.SUBJECT, ClockOwner.FILE_OWNER) if person else (ClockOwner.RECORD,)
    return any(
        owner in owners and happened is event
        for clock in gate.env.policy.retention_rules(purpose)
        for owner, happened in clock.events
    )


def record_event(
    gate: Gate,
    agent_id: AgentId,
    subject_id: SubjectId,
    purpose: str,
    event_name: str,
    on: date,
    today: date,
    *,
    record_id: int | None = None,
    then: After | None = None,
    source: str | None = None,
) -> int:
    """Record that `event_name` happened on `on` to the person (rights end, death, end of activity) or to one of
    their records of `purpose` (`record_id`); `then` runs in the same transaction (re-dating). Returns the entry.

    Bad input is journaled and refused before anything is written: an unknown event, one that starts no clock of
    the processing, a date in the future or before the record (or the person) existed, a record that is not the
    person's for this processing."""

    def admit(parse: Callable[[], T]) -> T:  # bad input is journaled as a refused change by this agent
        return gate.admit(parse, agent_id=agent_id, action=AuditAction.CHANGE, source=source)

    event = admit(lambda: parse_event(event_name))
    person = event in PERSON_EVENTS

    def checked() -> None:
        if purpose in gate.env.policy.legal_basis and not _starts_a_clock(gate, purpose, event, person):
            raise InvalidInput("événement", event.value, f"ne fait courir aucune durée du traitement « {purpose} »")
        if on > today:
            raise InvalidInput("date", on.isoformat(), "date dans le futur : un événement se note une fois arrivé")
        if not person and record_id is None:
            raise InvalidInput("dossier", "", "un événement de dossier se note sur un dossier : donnez son numéro")

    admit(checked)
    with connect(gate.env.engine) as connection:
        facts = vault.record_facts(connection, record_id) if record_id is not None and not person else None
        created = vault.subject_created_on(connection, subject_id)
    if not person and (facts is None or facts.subject_id != subject_id or facts.processing != purpose):
        admit(lambda: _no_record(str(record_id)))
    start = facts.recorded_on if facts is not None else created
    if start is not None and on < start:
        what = "l'enregistrement du dossier" if facts is not None else "l'entrée de la personne dans le coffre"
        admit(lambda: _before(on, what, start))
    outcome = gate.check(
        agent_id, subject_id, purpose, None, today, action=Action.CHANGE, source=source, audit_action=AuditAction.CHANGE
    )
    if not outcome.decision.allowed:
        raise AccessRefused(outcome.told.reason, outcome.entry)
    with connect(gate.env.engine) as connection:
        if person:
            vault.set_person_event(connection, subject_id, event.value, on)
        else:
            assert record_id is not None
            vault.set_record_event(connection, record_id, event.value, on)
        if then is not None:
            then(connection)
    return outcome.entry


def _no_record(number: str) -> None:
    raise InvalidInput("dossier", number, "aucun dossier de cette personne pour ce traitement ne porte ce numéro")


def _before(on: date, what: str, start: date) -> None:
    raise InvalidInput("date", on.isoformat(), f"antérieure à {what} ({start.isoformat()})")


def authorise_hold(
    gate: Gate,
    agent_id: AgentId,
    subject_id: SubjectId | None,
    processing: str | None,
    reason: str,
    *,
    source: str | None = None,
) -> int:
    """Journal a hold being placed or released (`reason` says which and why), for an agent holding an audit role;
    a refusal is journaled and raised. A person named must exist (NotFound otherwise, journaled as a refusal)."""
    env = gate.env
    if processing is not None and processing not in env.policy.legal_basis:
        unknown = processing
        gate.admit(lambda: _unknown_processing(unknown), agent_id=agent_id, action=AuditAction.CHANGE, source=source)
    with connect(env.engine) as connection:
        agent = load_agent(connection, agent_id)
        exists = subject_id is None or vault.subject_created_on(connection, subject_id) is not None
    refusal: str | None = None
    if agent is None:
        refusal = f"agent inconnu ({described(env.keyring, agent_id)})"
    elif not agent.roles & env.policy.audit_roles:
        refusal = "seul un agent ayant un rôle d'audit (DPO) pose ou lève une retenue légale"
    elif not exists:
        refusal = "personne inconnue"
    event = AuditEvent(
        action=AuditAction.CHANGE,
        allowed=refusal is None,
        reason=refusal or reason,
        at=env.clock.now(),
        agent_id=agent_id if agent is not None else None,
        subject_ref=subject_pseudonym(env.keyring, subject_id) if subject_id is not None and exists else None,
        purpose=processing,
        source=source,
    )
    entry = gate.journal.append(event)
    if refusal == "personne inconnue":
        raise NotFound("personne", str(subject_id))
    if refusal is not None:
        raise AccessRefused(refusal, entry)
    return entry


def _unknown_processing(processing: str) -> None:
    raise InvalidInput("traitement", processing[:64], "traitement inconnu du registre", typed=processing)


PSEUDONYM_FIELDS = ("nir", "date_naissance", "sexe")
"""What a statistics pseudonym is computed from (the pseudonymisation slice's `Person`)."""


def reduction_identities(
    gate: Gate, connection: Connection, subject_ids: object
) -> list[tuple[int, dict[str, object]]]:
    """The NIR, birth date and sex of the people `subject_ids` selects whose records a sweep reduces to statistics,
    decrypted in memory only so that their pseudonym can be computed; nothing else of the identity is opened.

    The use is vigie's own, for processings the register marks for pseudonymised statistics, inside the batch
    that destroys the records; it is journaled by the sweep's certificate (how many records were reduced, under
    which pseudonymisation key period), not person by person."""
    return vault.identity_fields_of(connection, gate.env.keyring, subject_ids, PSEUDONYM_FIELDS)


def journal_destruction(gate: Gate, reason: str) -> int:
    """Journal a destruction done by vigie itself (a sweep's certificate): no agent, no person named."""
    event = AuditEvent(action=AuditAction.DESTROY, allowed=True, reason=reason, at=gate.env.clock.now())
    return gate.journal.append(event)
