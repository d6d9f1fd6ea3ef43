"""The one gate: every read, change, disclosure and destruction of personal data is decided and journaled here."""

from vigie.access.decide import decide, decide_disclosure
from vigie.model import Action, Agent, Decision, SubjectState

__all__ = ["Action", "Agent", "Decision", "SubjectState", "decide", "decide_disclosure"]
