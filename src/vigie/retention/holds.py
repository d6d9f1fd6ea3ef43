"""Legal holds: litigation, an administrative appeal or a rights request in progress suspends the destruction of
what it covers (a person, a processing, a person in one processing, or one case) until it is released.

Placing and releasing go through the gate (`access.lifecycle.authorise_hold`): an agent with an audit role,
journaled either way. The sweep skips every record an active hold covers and never erases a person it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vigie.access.lifecycle import authorise_hold
from vigie.access.service import Gate
from vigie.errors import InvalidInput, NotFound
from vigie.ids import AgentId, SubjectId
from vigie.retention import queries
from vigie.store import connect
from vigie.taxonomy import Vocabulary


class HoldReason(Vocabulary):
    """Why destruction waits."""

    LITIGATION = "litigation"
    APPEAL = "appeal"
    RIGHTS_REQUEST = "rights_request"


HOLD_LABELS = {
    HoldReason.LITIGATION: "contentieux",
    HoldReason.APPEAL: "recours gracieux",
    HoldReason.RIGHTS_REQUEST: "demande d'exercice de droits en cours",
}


@dataclass(frozen=True)
class Hold:
    """One legal hold as listed (the person by id: the list is for the DPO, through an audit role)."""

    id: int
    reason: HoldReason
    subject_id: int | None
    processing: str | None
    record_id: int | None
    placed_on: date
    placed_by: str
    released_on: date | None
    released_by: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason.value,
            "subject": self.subject_id,
            "processing": self.processing,
            "record": self.record_id,
            "placed_on": self.placed_on.isoformat(),
            "placed_by": self.placed_by,
            "released_on": self.released_on.isoformat() if self.released_on else None,
            "released_by": self.released_by,
        }


def _hold(row: Any) -> Hold:
    return Hold(
        int(row.id),
        HoldReason(row.reason),
        row.subject_id,
        row.processing_id,
        row.record_id,
        row.placed_on,
        row.placed_by,
        row.released_on,
        row.released_by,
    )


def parse_reason(text: str) -> HoldReason:
    try:
        return HoldReason(text)
    except ValueError:
        accepted = ", ".join(r.value for r in HoldReason)
        raise InvalidInput("motif", text[:40], f"motif inconnu ; attendu l'un de : {accepted}", typed=text) from None


def place(
    gate: Gate,
    agent_id: AgentId,
    reason: str,
    *,
    subject_id: SubjectId | None = None,
    processing: str | None = None,
    record_id: int | None = None,
    source: str | None = None,
) -> Hold:
    """Place a hold covering a person, a processing, both, or one case (`record_id`); journaled first."""
    why = gate.admit(lambda: parse_reason(reason), agent_id=agent_id, source=source)
    if subject_id is None and processing is None and record_id is None:
        gate.admit(_no_scope, agent_id=agent_id, source=source)
    if record_id is not None:
        with connect(gate.env.engine) as connection:
            known = queries.record_exists(connection, record_id)
        if not known:
            raise NotFound("dossier", str(record_id))
    scope = _scope(subject_id, processing, record_id)
    authorise_hold(
        gate, agent_id, subject_id, processing, f"retenue légale posée ({HOLD_LABELS[why]}) : {scope}", source=source
    )
    today = gate.env.clock.today()
    values = {
        "reason": why.value,
        "subject_id": subject_id,
        "processing_id": processing,
        "record_id": record_id,
        "placed_on": today,
        "placed_by": agent_id,
    }
    with connect(gate.env.engine) as connection:
        hold_id = queries.insert_hold(connection, values)
        return _hold(queries.hold(connection, hold_id))


def _no_scope() -> None:
    raise InvalidInput("retenue", "", "précisez ce qu'elle couvre : une personne, un traitement ou un dossier")


def _scope(subject_id: int | None, processing: str | None, record_id: int | None) -> str:
    parts = []
    if record_id is not None:
        parts.append(f"dossier {record_id}")
    if subject_id is not None:
        parts.append("la personne")
    if processing is not None:
        parts.append(f"traitement « {processing} »")
    return ", ".join(parts)


def release(gate: Gate, agent_id: AgentId, hold_id: int, *, source: str | None = None) -> Hold:
    """Release an active hold; destruction of what it covered resumes at the next sweep."""
    with connect(gate.env.engine) as connection:
        row = queries.hold(connection, hold_id)
    if row is None or row.released_on is not None:
        raise NotFound("retenue légale active", str(hold_id))
    scope = _scope(row.subject_id, row.processing_id, row.record_id)
    subject = SubjectId(int(row.subject_id)) if row.subject_id is not None else None
    authorise_hold(
        gate, agent_id, subject, row.processing_id, f"retenue légale n° {hold_id} levée : {scope}", source=source
    )
    with connect(gate.env.engine) as connection:
        if not queries.release_hold(connection, hold_id, gate.env.clock.today(), agent_id):
            raise NotFound("retenue légale active", str(hold_id))
        return _hold(queries.hold(connection, hold_id))


def listed(gate: Gate, agent_id: AgentId, *, active_only: bool = True, source: str | None = None) -> list[Hold]:
    """The holds, active ones only unless asked, for an agent with an audit role (the listing is journaled)."""
    authorise_hold(gate, agent_id, None, None, "liste des retenues légales consultée", source=source)
    with connect(gate.env.engine) as connection:
        return [_hold(row) for row in queries.holds(connection, active_only=active_only)]
