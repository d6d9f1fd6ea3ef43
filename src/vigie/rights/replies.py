"""Answering a decided request: the content the right calls for, read through the gate, and the letter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigie.access.rights_effects import Everything
from vigie.ids import AgentId
from vigie.rights import answers, letters
from vigie.rights.model import Request, RequestKind, Status
from vigie.rights.service import RightsService


@dataclass(frozen=True)
class Reply:
    """An answer: the request (now answered), what it communicates (JSON-able, and as JSON text: an access answer
    is encoded from the register's accounts encoded once), and the letter as HTML."""

    request: Request
    content: dict[str, Any] | None
    content_json: str
    portable: dict[str, Any] | None
    html: str

    def as_json(self) -> dict[str, Any]:
        return {"request": answers.request_json(self.request), "content": self.content, "portable": self.portable}

    def json(self) -> str:
        """`as_json()` as JSON text, the content taken as encoded."""
        request, portable = answers.encode(answers.request_json(self.request)), answers.encode(self.portable)
        return f'{{"request":{request},"content":{self.content_json},"portable":{portable}}}'


def access_content(
    service: RightsService, agent_id: AgentId, request: Request, source: str | None
) -> tuple[dict[str, Any], str]:
    """Everything held on the person and the accesses made to it (one journaled read), as data and as JSON
    text: assembled and encoded while the read's journal entry commits, returned once it is durable."""
    env = service.env

    def assembled(everything: Everything) -> tuple[dict[str, Any], str]:
        gathered = answers.gather_access(env.register, env.keyring, everything)
        return gathered.content(), gathered.json()

    return service.effects.read_everything_as(agent_id, request.subject_id, env.clock.today(), assembled, source=source)


def answer(service: RightsService, agent_id: AgentId, request_id: int, *, source: str | None = None) -> Reply:
    """The answer to a decided request, marked sent today (an answered one is rendered again, its date kept)."""
    env = service.env
    request = service.load(agent_id, request_id, source)
    today = env.clock.today()
    outcome = service.effects.check(agent_id, request.subject_id, today, source=source)
    if request.status not in (Status.DECIDED, Status.ANSWERED):
        service.mark_answered(agent_id, request, source=source)  # refuses, journaled
    content: dict[str, Any] | None = None
    content_json: str | None = None
    portable: dict[str, Any] | None = None
    granted = {r.processing for r in request.rulings if r.granted}
    if request.kind is RequestKind.ACCESS and granted:
        content, content_json = access_content(service, agent_id, request, source)
    elif request.kind is RequestKind.INFORMATION and granted:
        assert outcome.subject is not None
        kind = outcome.subject.kind
        content = {
            "person": {"subject": request.subject_id, "kind": kind.value, "identity": {}},
            "processings": [
                answers.describe(env.register, p, [c.value for c in p.categories(kind)])
                for p in env.register.processings.values()
                if p.id in granted
            ],
            "accesses": [],
            "rights": [],
        }
    elif request.kind is RequestKind.PORTABILITY and granted:
        everything = service.effects.read_everything(agent_id, request.subject_id, today, source=source)
        portable = {
            "subject": request.subject_id,
            "records": [
                {
                    "processing": r.processing,
                    "category": r.category,
                    "recorded_on": r.recorded_on.isoformat(),
                    "payload": r.payload,
                }
                for r in everything.view.records
                if r.processing in granted
            ],
        }
    answered = service.mark_answered(agent_id, request, source=source)
    assert answered.answered_on is not None
    html = letters.answer_html(env.register, answered, answered.answered_on, content=content, portable=portable)
    return Reply(answered, content, content_json or answers.encode(content), portable, html)


__all__ = ["Reply", "access_content", "answer"]
