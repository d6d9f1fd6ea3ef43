"""Typed identifiers, so that an agent id is never passed where a subject id is expected."""

from __future__ import annotations

from typing import NewType

AgentId = NewType("AgentId", str)
SubjectId = NewType("SubjectId", int)
ProcessingId = NewType("ProcessingId", str)
RecipientId = NewType("RecipientId", str)
