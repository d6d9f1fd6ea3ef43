"""The core models every layer above shares: the agent, the subject's state, the action and the decision.

They sit below the vault, the agents and the gate (DESIGN.md's layer 3), so that none of those imports another
to learn what an agent or a subject is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vigie.decision import Decision
from vigie.ids import AgentId, SubjectId
from vigie.taxonomy import SubjectKind


class Action(StrEnum):
    """What an agent wants to do with personal data."""

    READ = "read"
    CHANGE = "change"
    STORE = "store"
    DISCLOSE = "disclose"
    DESTROY = "destroy"
    LEGAL_CLAIM = "legal_claim"


# What stays possible on restricted data (GDPR art. 18(2)): keeping it, and the defence of legal claims.
ALLOWED_WHEN_RESTRICTED: frozenset[Action] = frozenset({Action.STORE, Action.LEGAL_CLAIM, Action.DESTROY})


@dataclass(frozen=True, slots=True)
class Agent:
    """A staff member: organisation, roles, and the date secrecy was attested (None: not attested)."""

    id: AgentId
    organisation: str
    roles: frozenset[str]
    secrecy_attested_on: date | None


@dataclass(frozen=True, slots=True)
class SubjectState:
    """What the decision needs to know of a subject; nothing identifying."""

    id: SubjectId
    kind: SubjectKind
    organisation: str
    restricted: bool = False
    objections: frozenset[str] = frozenset()
    consents: frozenset[str] = frozenset()


__all__ = ["ALLOWED_WHEN_RESTRICTED", "Action", "Agent", "Decision", "SubjectState"]
