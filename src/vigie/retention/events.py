"""Recording a lifecycle event, then re-dating what it moves, in the same transaction as the event itself."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from vigie.access.lifecycle import record_event as gate_record_event
from vigie.access.service import Gate
from vigie.ids import AgentId, SubjectId
from vigie.retention.ends import recompute_for_subject, recompute_record
from vigie.taxonomy import PERSON_EVENTS


def record_event(
    gate: Gate,
    agent_id: AgentId,
    subject_id: SubjectId,
    processing: str,
    event: str,
    on: date,
    *,
    record_id: int | None = None,
    source: str | None = None,
) -> int:
    """Record `event` (journaled through the gate) and re-date the records it moves; returns the journal entry."""
    policy = gate.env.policy
    person = event in {e.value for e in PERSON_EVENTS}

    def redate(connection: Connection) -> None:
        if person or record_id is None:
            recompute_for_subject(connection, policy, subject_id)
        else:
            recompute_record(connection, policy, record_id, processing)

    return gate_record_event(
        gate,
        agent_id,
        subject_id,
        processing,
        event,
        on,
        gate.env.clock.today(),
        record_id=record_id,
        then=redate,
        source=source,
    )
