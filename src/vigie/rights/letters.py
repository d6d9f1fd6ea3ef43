"""Letters in French, as HTML (Jinja2, everything escaped) and PDF (WeasyPrint, imported only when asked)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from vigie import jinja
from vigie.register import Register
from vigie.rights.model import CHANNEL_LABELS, KIND_LABELS, OUTCOME_LABELS, Request
from vigie.rights.parsing import EXTENSION_LABELS, ExtensionReason

TEMPLATES = Path(__file__).parent / "templates"


_environment = jinja.environment(TEMPLATES)


def plain(value: object, nested: bool = False) -> str:
    """A held value as a letter shows it: « clé : valeur ; … » for an object, an address's parts side by side."""
    if isinstance(value, dict):
        if nested:
            return " ".join(plain(v, True) for v in value.values())
        return " ; ".join(f"{k.replace('_', ' ')} : {plain(v, True)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain(v, True) for v in value)
    return "" if value is None else str(value)


_environment.filters["plain"] = plain


def french_date(value: date | None) -> str:
    """« 28/02/2027 »."""
    return value.strftime("%d/%m/%Y") if value is not None else ""


def answer_html(
    register: Register,
    request: Request,
    answered_on: date,
    *,
    content: dict[str, Any] | None = None,
    portable: dict[str, Any] | None = None,
    addressee: str | None = None,
) -> str:
    """The answer to a decided request: organisation and DPO, decision and grounds, deadline met, the data (for
    access), and the complaint route to the Cnil with its address."""
    organisation = register.organisations[request.organisation]
    deadline = request.deadline
    titles = {p.id: p.title for p in register.processings.values()}
    rulings = [
        {
            "title": titles.get(r.processing, r.processing) if r.processing else "l'ensemble de la demande",
            "granted": r.granted,
            "ground": r.ground,
            "recipients": [register.recipients[x].name for x in r.recipients if x in register.recipients],
        }
        for r in request.rulings
    ]
    reason = request.extension_reason
    context = {
        "request": request,
        "organisation": organisation,
        "authority": register.supervisory_authority,
        "kind_label": KIND_LABELS[request.kind],
        "channel_label": CHANNEL_LABELS[request.channel],
        "received_on": french_date(request.received_on),
        "held": request.identity_confirmed_on not in (None, request.received_on),
        "confirmed_on": french_date(request.identity_confirmed_on),
        "due_on": french_date(request.due_on),
        "extended_to": french_date(request.extended_to),
        "extension_reason": EXTENSION_LABELS[ExtensionReason(reason)] if reason else "",
        "extension_told_on": french_date(request.extension_told_on),
        "answered_on": french_date(answered_on),
        "in_time": deadline is not None and answered_on <= deadline,
        "outcome_label": OUTCOME_LABELS[request.outcome] if request.outcome is not None else "",
        "rulings": rulings,
        "content": content,
        "portable": json.dumps(portable, ensure_ascii=False, indent=2) if portable else None,
        "addressee": addressee,
    }
    return _environment.get_template("reponse.html").render(context)


def lift_html(register: Register, request: Request) -> str:
    """The letter of a limitation lifted: when it was obtained, that the person was told before it is lifted
    (GDPR 18(3)), when and why it is lifted, what follows, and the Cnil complaint route."""
    assert request.lifted_on is not None and request.lift_told_on is not None
    context = {
        "request": request,
        "organisation": register.organisations[request.organisation],
        "authority": register.supervisory_authority,
        "received_on": french_date(request.received_on),
        "decided_on": french_date(request.decided_on),
        "told_on": french_date(request.lift_told_on),
        "lifted_on": french_date(request.lifted_on),
        "reason": request.lift_reason or "",
    }
    return _environment.get_template("levee.html").render(context)


def notice_html(context: dict[str, Any]) -> str:
    """An individual information notice (GDPR 14)."""
    return _environment.get_template("information.html").render(context)


def pdf(html: str) -> bytes:
    """The HTML rendered as PDF by WeasyPrint (no network: the letters use no external resource)."""
    import weasyprint

    document: bytes = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return document


__all__ = ["answer_html", "french_date", "lift_html", "notice_html", "pdf"]
