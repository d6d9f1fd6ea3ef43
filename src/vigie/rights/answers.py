"""The content of an answer: everything held on the person, per processing, with what the register says of it,
and the accesses made to the person's data, agents pseudonymised (GDPR 15). Built as JSON-able data, rendered
by `letters` as HTML and PDF.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


_DESCRIBED: dict[tuple[int, str, tuple[str, ...]], dict[str, Any]] = {}
# Per register and kind of person: each processing with its account for that kind (None when it uses nothing of
# that kind), built once, so that an answer walks a ready list; its values are tuples, shared read-only.
_BY_KIND: dict[tuple[int, SubjectKind], tuple[tuple[Processing, dict[str, Any] | None], ...]] = {}


def _accounts_for(register: Register, kind: SubjectKind) -> tuple[tuple[Processing, dict[str, Any] | None], ...]:
    key = (id(register), kind)
    found = _BY_KIND.get(key)
    if found is None:
        built = []
        for processing in register.processings.values():
            if processing.id == "rights_requests":
                continue
            used = [c.value for c in processing.categories(kind)]
            account = _describe(register, processing, used) if used else None
            frozen = {k: tuple(v) if isinstance(v, list) else v for k, v in account.items()} if account else None
            built.append((processing, frozen))
        found = _BY_KIND[key] = tuple(built)
    return found


def describe(register: Register, processing: Processing, categories: Iterable[str]) -> dict[str, Any]:
    """What the register says of a processing, in French, for one answer (built once per register, processing
    and categories: the register is immutable; callers get their own copy)."""
    key = (id(register), processing.id, tuple(categories))
    found = _DESCRIBED.get(key)
    if found is None:
        found = _DESCRIBED[key] = _describe(register, processing, key[2])
    return {name: list(value) if isinstance(value, list) else value for name, value in found.items()}


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


def access_answer(
    register: Register, keyring: Keyring, everything: Everything, *, with_records: bool = True
) -> dict[str, Any]:
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
        entry = dict(account) if account is not None else describe(register, processing, [])
        entry["records"] = held if with_records else []
        entry["records_held"] = len(held)
        processings.append(entry)
    return {
        "person": {
            "subject": view.subject_id,
            "kind": view.kind.value,
            "identity": view.identity if with_records else {},
        },
        "processings": processings,
        "accesses": accesses(keyring, everything.accesses, everything.agents),
        "rights": [label for label in RIGHT_LABELS.values()]
        + ["droit à la portabilité (traitements fondés sur le consentement)"],
    }


__all__ = ["access_answer", "accesses", "agent_pseudonym", "describe", "request_json"]
