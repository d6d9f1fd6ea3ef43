"""The content of an answer: everything held on the person, per processing, with what the register says of it,
and the accesses made to the person's data, agents pseudonymised (GDPR 15). Built as JSON-able data, rendered
by `letters` as HTML and PDF.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from vigie.access.rights_effects import Everything
from vigie.audit.chain import Entry
from vigie.audit.events import ACTION_LABELS, AuditAction
from vigie.crypto import Keyring, blind_index
from vigie.model import Agent
from vigie.register import Register
from vigie.register.models import Processing
from vigie.rights.model import KIND_LABELS, OUTCOME_LABELS, Request
from vigie.taxonomy import CATEGORY_LABELS, LEGAL_BASIS_LABELS, RIGHT_LABELS, SubjectKind, Theme

# Where the data comes from, by theme: the register has no field for it, so the answer derives it from the theme
# (documented in docs/rights.md).
_SOURCE = {
    Theme.FRAUD_CONTROL: "recueillies auprès de vous et auprès de tiers : signalements, professionnels, organismes "
    "partenaires et administrations (vous en êtes informé individuellement, RGPD art. 14)",
    Theme.CRISIS: "recueillies auprès de vous, des établissements de santé et des autorités sanitaires",
    Theme.COOKIES: "recueillies lors de votre navigation sur le site",
}
_DEFAULT_SOURCE = "recueillies auprès de vous, de votre employeur ou des professionnels et établissements de santé"
_AUTOMATED = {
    "fraud_control": "exploration de données (data mining) pour mieux cibler les contrôles ; aucune décision n'est "
    "prise sur ce seul fondement : un agent instruit chaque dossier (RGPD, art. 22)",
}
_NO_AUTOMATED = "aucune décision fondée exclusivement sur un traitement automatisé (RGPD, art. 22)"


def agent_pseudonym(keyring: Keyring, agent_id: str | None) -> str | None:
    """How an agent appears in an answer: a keyed pseudonym, stable within the organisation, never the id."""
    if agent_id is None:
        return None
    return "agent-" + blind_index(keyring, "agent-in-answer", agent_id).hex()[:10]


_CATEGORY_LABELS = {category.value: label for category, label in CATEGORY_LABELS.items()}


def _category(name: str) -> str:
    return _CATEGORY_LABELS.get(name, name)


def encode(value: Any) -> str:
    """The answers' JSON: UTF-8 text as is (no `\\u` escapes), dates and other values as their text."""
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Account:
    """What the register says of a processing for one kind of person, as data (for the letters) and as JSON
    without its closing brace, encoded once: these accounts are nearly all of an answer (about 26 kB of
    text that change only with the register), so an answer encodes only what is the person's."""

    data: Mapping[str, Any]  # values are tuples, shared read-only
    head: str


def _account(data: Mapping[str, Any]) -> Account:
    frozen = {name: tuple(value) if isinstance(value, list) else value for name, value in data.items()}
    return Account(frozen, encode(data)[:-1])


_DESCRIBED: dict[tuple[int, str, tuple[str, ...]], Account] = {}
# Per register and kind of person: each processing with its account for that kind (None when it uses nothing of
# that kind), built once, so that an answer walks a ready list.
_BY_KIND: dict[tuple[int, SubjectKind], tuple[tuple[Processing, Account | None], ...]] = {}


def _accounts_for(register: Register, kind: SubjectKind) -> tuple[tuple[Processing, Account | None], ...]:
    key = (id(register), kind)
    found = _BY_KIND.get(key)
    if found is None:
        built = []
        for processing in register.processings.values():
            if processing.id == "rights_requests":
                continue
            used = [c.value for c in processing.categories(kind)]
            built.append((processing, _described(register, processing, used) if used else None))
        found = _BY_KIND[key] = tuple(built)
    return found


def _described(register: Register, processing: Processing, categories: Iterable[str]) -> Account:
    key = (id(register), processing.id, tuple(categories))
    found = _DESCRIBED.get(key)
    if found is None:
        found = _DESCRIBED[key] = _account(_describe(register, processing, key[2]))
    return found


def describe(register: Register, processing: Processing, categories: Iterable[str]) -> dict[str, Any]:
    """What the register says of a processing, in French, for one answer (built once per register, processing
    and categories: the register is immutable; callers get their own copy)."""
    found = _described(register, processing, categories).data
    return {name: list(value) if isinstance(value, tuple) else value for name, value in found.items()}


def _describe(register: Register, processing: Processing, categories: Iterable[str]) -> dict[str, Any]:
    return {
        "id": processing.id,
        "title": processing.title,
        "purposes": [p.text for p in processing.purposes],
        "legal_basis": LEGAL_BASIS_LABELS[processing.legal_basis],
        "categories": [_category(c) for c in categories],
        "recipients": [register.recipients[r.id].name for r in processing.recipients if r.id in register.recipients],
        "retention": [rule.label for rule in processing.retention],
        "source": _SOURCE.get(processing.theme, _DEFAULT_SOURCE),
        "automated_decision": _AUTOMATED.get(processing.id, _NO_AUTOMATED),
        "objection": "possible" if processing.objection_allowed else "exclu (mission d'intérêt public)",
    }


def accesses(keyring: Keyring, entries: list[Entry], agents: Mapping[str, Agent]) -> list[dict[str, Any]]:
    """The accesses to the person's data: when, which organisation, which role, for which purpose; agents
    pseudonymised (once per agent). Decisions without a read (checks) are left out; refusals are kept, marked."""
    known = {agent_id: (agent.organisation, sorted(agent.roles)) for agent_id, agent in agents.items()}
    pseudonyms: dict[str | None, str | None] = {}
    shown = []
    for entry in entries:
        if entry.action == AuditAction.DECIDE.value:
            continue
        organisation, roles = known.get(entry.agent_id or "", (None, []))
        if entry.agent_id not in pseudonyms:
            pseudonyms[entry.agent_id] = agent_pseudonym(keyring, entry.agent_id)
        shown.append(
            {
                "at": entry.at,
                "action": ACTION_LABELS.get(AuditAction(entry.action), entry.action),
                "allowed": bool(entry.allowed),
                "organisation": organisation,
                "roles": list(roles),
                "purpose": entry.purpose,
                "recipient": entry.recipient,
                "agent": pseudonyms[entry.agent_id],
            }
        )
    return shown


def request_json(request: Request) -> dict[str, Any]:
    """A request as the CLI and the API show it (no personal data: ids, dates, vocabulary)."""

    def day(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": request.id,
        "subject": request.subject_id,
        "organisation": request.organisation,
        "kind": request.kind.value,
        "kind_label": KIND_LABELS[request.kind],
        "channel": request.channel.value,
        "received_on": day(request.received_on),
        "registered_by": request.registered_by,
        "processings": list(request.processings) if request.processings is not None else None,
        "status": request.status.value,
        "identity_confirmed_on": day(request.identity_confirmed_on),
        "due_on": day(request.due_on),
        "extended_to": day(request.extended_to),
        "extension_reason": request.extension_reason,
        "extension_told_on": day(request.extension_told_on),
        "deadline": day(request.deadline),
        "outcome": request.outcome.value if request.outcome is not None else None,
        "outcome_label": OUTCOME_LABELS[request.outcome] if request.outcome is not None else None,
        "rulings": [r.as_json() for r in request.rulings],
        "decided_on": day(request.decided_on),
        "decided_by": request.decided_by,
        "answered_on": day(request.answered_on),
        "lifted_on": day(request.lifted_on),
        "lifted_by": request.lifted_by,
        "lift_told_on": day(request.lift_told_on),
        "lift_reason": request.lift_reason,
    }


_RIGHTS = (*RIGHT_LABELS.values(), "droit à la portabilité (traitements fondés sur le consentement)")
_RIGHTS_JSON = encode(_RIGHTS)


@dataclass(frozen=True)
class AccessAnswer:
    """An access (or information) answer, gathered once and given as data (`content`, for the letters) or as
    JSON (`json`, for the API and the command line): the same keys in the same order, the register's accounts
    taken already encoded."""

    person: dict[str, Any]
    processings: list[tuple[Account, list[dict[str, Any]]]]  # each account with the person's records under it
    accesses: list[dict[str, Any]]
    with_records: bool

    def content(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "processings": [
                dict(account.data) | {"records": held if self.with_records else [], "records_held": len(held)}
                for account, held in self.processings
            ],
            "accesses": self.accesses,
            "rights": list(_RIGHTS),
        }

    def json(self) -> str:
        shown = self.with_records
        processings = ",".join(
            f'{account.head},"records":{encode(held) if held and shown else "[]"},"records_held":{len(held)}}}'
            for account, held in self.processings
        )
        person, accesses = encode(self.person), encode(self.accesses)
        return f'{{"person":{person},"processings":[{processings}],"accesses":{accesses},"rights":{_RIGHTS_JSON}}}'


def gather_access(
    register: Register, keyring: Keyring, everything: Everything, *, with_records: bool = True
) -> AccessAnswer:
    """Everything held on the person, per processing, decrypted, with the register's account of each and the
    accesses made (an access request; without the records, an information request)."""
    view = everything.view
    by_processing: dict[str, list[dict[str, Any]]] = {}
    for record in view.records:
        by_processing.setdefault(record.processing, []).append(
            {
                "id": record.id,
                "category": record.category,
                "category_label": _category(record.category),
                "recorded_on": record.recorded_on.isoformat(),
                "payload": record.payload,
            }
        )
    processings = []
    for processing, account in _accounts_for(register, view.kind):
        held = by_processing.get(processing.id, [])
        if account is None and not held:
            continue
        processings.append((account or _described(register, processing, []), held))
    person = {"subject": view.subject_id, "kind": view.kind.value, "identity": view.identity if with_records else {}}
    return AccessAnswer(person, processings, accesses(keyring, everything.accesses, everything.agents), with_records)


def access_answer(
    register: Register, keyring: Keyring, everything: Everything, *, with_records: bool = True
) -> dict[str, Any]:
    """`gather_access` as data."""
    return gather_access(register, keyring, everything, with_records=with_records).content()


__all__ = [
    "AccessAnswer",
    "Account",
    "access_answer",
    "accesses",
    "agent_pseudonym",
    "describe",
    "encode",
    "gather_access",
    "request_json",
]
