"""The vocabulary of rights requests: kinds, channels, statuses, outcomes, and a request as stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vigie.ids import SubjectId


class RequestKind(StrEnum):
    """The right a request exercises (GDPR 13-22)."""

    INFORMATION = "information"
    ACCESS = "access"
    RECTIFICATION = "rectification"
    LIMITATION = "limitation"
    ERASURE = "erasure"
    OBJECTION = "objection"
    PORTABILITY = "portability"


KIND_LABELS: dict[RequestKind, str] = {
    RequestKind.INFORMATION: "droit à l'information",
    RequestKind.ACCESS: "droit d'accès",
    RequestKind.RECTIFICATION: "droit de rectification",
    RequestKind.LIMITATION: "droit à la limitation",
    RequestKind.ERASURE: "droit à l'effacement",
    RequestKind.OBJECTION: "droit d'opposition",
    RequestKind.PORTABILITY: "droit à la portabilité",
}


class Channel(StrEnum):
    """How the request came: the person's online account, or a letter or e-mail registered by an agent."""

    ONLINE = "online"
    LETTER = "letter"
    EMAIL = "email"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.ONLINE: "compte en ligne",
    Channel.LETTER: "courrier",
    Channel.EMAIL: "courriel",
}


class Status(StrEnum):
    """Where a request stands."""

    IDENTITY_HOLD = "identity_hold"  # « identité à confirmer » (GDPR 12(6)): the clock has not started
    OPEN = "open"
    DECIDED = "decided"
    ANSWERED = "answered"


STATUS_LABELS: dict[Status, str] = {
    Status.IDENTITY_HOLD: "identité à confirmer",
    Status.OPEN: "en cours",
    Status.DECIDED: "décidée",
    Status.ANSWERED: "répondue",
}


class Outcome(StrEnum):
    """The decision on the whole request, from the outcomes per processing."""

    GRANTED = "granted"
    PARTLY = "partly"
    REFUSED = "refused"


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.GRANTED: "accordée",
    Outcome.PARTLY: "accordée en partie",
    Outcome.REFUSED: "refusée",
}


@dataclass(frozen=True)
class Ruling:
    """The outcome for one processing (or for the whole request, `processing` None) and its legal ground."""

    processing: str | None
    granted: bool
    ground: str
    recipients: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "processing": self.processing,
            "granted": self.granted,
            "ground": self.ground,
            "recipients": list(self.recipients),
        }


@dataclass(frozen=True)
class Request:
    """A request as stored (the free text is sealed and read apart, through the gate)."""

    id: int
    subject_id: SubjectId
    organisation: str
    kind: RequestKind
    channel: Channel
    received_on: date
    registered_by: str
    processings: tuple[str, ...] | None
    status: Status
    identity_confirmed_on: date | None
    due_on: date | None
    extended_to: date | None
    extension_reason: str | None
    extension_told_on: date | None
    outcome: Outcome | None
    rulings: tuple[Ruling, ...]
    decided_on: date | None
    decided_by: str | None
    answered_on: date | None
    lifted_on: date | None = None  # a limitation lifted (GDPR 18(3))
    lifted_by: str | None = None
    lift_told_on: date | None = None
    lift_reason: str | None = None

    @property
    def closed(self) -> bool:
        """Decided or answered: no further decision."""
        return self.status in (Status.DECIDED, Status.ANSWERED)

    @property
    def deadline(self) -> date | None:
        """The date the answer is due: the extended one when extended."""
        return self.extended_to or self.due_on


__all__ = [
    "CHANNEL_LABELS",
    "KIND_LABELS",
    "OUTCOME_LABELS",
    "STATUS_LABELS",
    "Channel",
    "Outcome",
    "Request",
    "RequestKind",
    "Ruling",
    "Status",
]
