"""Lifting a limitation (GDPR 18(3)): the DPO's decision to end the restriction a limitation request obtained.

The person must be told before the limitation is lifted: the DPO gives the day they were told (after the
decision to limit, not after today), and the letter says so. The lift is a change through the gate, journaled,
and the request records it in the same transaction as the person's state; bad input changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from vigie.errors import InvalidInput
from vigie.ids import AgentId
from vigie.model import SubjectState
from vigie.rights import letters
from vigie.rights.letters import french_date
from vigie.rights.model import Outcome, Request, RequestKind, Status
from vigie.rights.service import RightsService


@dataclass(frozen=True)
class Lifted:
    """A limitation lifted: the request (now recording the lift) and the letter to the person, as HTML."""

    request: Request
    html: str


def _refusal(request: Request, state: SubjectState | None, told_on: date, today: date) -> InvalidInput | None:
    """Why this limitation cannot be lifted now, or None."""
    number = str(request.id)
    if request.kind is not RequestKind.LIMITATION:
        return InvalidInput("demande", number, "ce n'est pas une demande de limitation : il n'y a rien à lever")
    if request.status not in (Status.DECIDED, Status.ANSWERED):
        return InvalidInput("demande", number, "limitation pas encore décidée : rien n'est limité")
    if request.outcome is not Outcome.GRANTED:
        return InvalidInput("demande", number, "la limitation a été refusée : rien n'est limité")
    if request.lifted_on is not None:
        return InvalidInput("demande", number, f"limitation déjà levée le {french_date(request.lifted_on)}")
    if state is None or not state.restricted:
        return InvalidInput("demande", number, "les données de la personne ne sont plus limitées : rien à lever")
    field = "date d'information"
    if told_on > today:
        why = "date à venir : la personne est informée avant que la limitation soit levée (RGPD, art. 18(3))"
        return InvalidInput(field, told_on.isoformat(), why)
    assert request.decided_on is not None
    if told_on < request.decided_on:
        why = f"antérieure à la décision de limiter ({french_date(request.decided_on)})"
        return InvalidInput(field, told_on.isoformat(), why)
    return None


def lift(
    service: RightsService,
    agent_id: AgentId,
    request_id: int,
    told_on: date,
    reason: str,
    *,
    source: str | None = None,
) -> Lifted:
    """Lift the limitation obtained by request `request_id`, the person told on `told_on`; only the DPO of the
    person's organisation (another hears « hors de votre périmètre »), each refusal journaled."""
    request = service.load(agent_id, request_id, source)
    today = service.env.clock.today()
    outcome = service.effects.check(agent_id, request.subject_id, today, source=source)
    refusal = _refusal(request, outcome.subject, told_on, today)
    if refusal is not None:
        service.refuse(agent_id, refusal, source=source)
    values = {"lifted_on": today, "lifted_by": agent_id, "lift_told_on": told_on, "lift_reason": reason}

    def unrestrict(also: Callable[[Connection], None]) -> None:
        service.effects.restrict(agent_id, request.subject_id, today, lift=True, also=also, source=source)

    closed = (Status.DECIDED, Status.ANSWERED)
    lifted = service.apply(agent_id, request, closed, values, unrestrict, source, unlifted=True)
    return Lifted(lifted, letters.lift_html(service.env.register, lifted))


__all__ = ["Lifted", "lift"]
