"""What people type about rights requests, parsed strictly at the edges (the CLI and the API call these)."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from vigie import inputs
from vigie.errors import InvalidInput
from vigie.register import Register
from vigie.rights.model import Channel, RequestKind

E = TypeVar("E", bound=StrEnum)
REQUEST_ID_MAX = 2**63 - 1
MAX_PROCESSINGS = 64


class ExtensionReason(StrEnum):
    """Why a deadline is extended: the two reasons GDPR 12(3) admits."""

    COMPLEXITY = "complexity"
    NUMBER = "number"


EXTENSION_LABELS = {
    ExtensionReason.COMPLEXITY: "la complexité de la demande",
    ExtensionReason.NUMBER: "le nombre de demandes reçues",
}


def choice(enum: type[E], value: str, field: str) -> E:
    """A member of `enum` named by its value, or InvalidInput listing the accepted values."""
    raw = inputs.text(value, "text", limit=32)
    try:
        return enum(raw)
    except ValueError:
        accepted = ", ".join(member.value for member in enum)
        raise InvalidInput(
            field, inputs.shown(raw), f"valeur inconnue (valeurs admises : {accepted})", typed=raw
        ) from None


def kind(value: str) -> RequestKind:
    return choice(RequestKind, value, "type de demande")


def channel(value: str) -> Channel:
    return choice(Channel, value, "canal")


def extension_reason(value: str) -> ExtensionReason:
    return choice(ExtensionReason, value, "motif de prolongation")


def day(value: str, field: str) -> date:
    """A calendar date written AAAA-MM-JJ; an impossible one (31 avril, 29 février 2027) is refused."""
    raw = inputs.text(value, "text", limit=10)
    parts = raw.split("-")
    if len(parts) != 3 or [len(p) for p in parts] != [4, 2, 2] or not all(p.isascii() and p.isdigit() for p in parts):
        raise InvalidInput(field, inputs.shown(raw), "date attendue au format AAAA-MM-JJ", typed=raw)
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise InvalidInput(field, inputs.shown(raw), "date impossible (ce jour n'existe pas)", typed=raw) from None


def lift_reason(value: str) -> str:
    """Why a limitation is lifted (the letter quotes it): non-empty text, at most 2,000 characters."""
    raw = inputs.text(value, "text", limit=2000)
    if not raw.strip():
        raise InvalidInput("motif de la levée", "", "motif attendu : il figure dans la lettre à la personne", typed=raw)
    return raw.strip()


def request_id(value: str | int) -> int:
    """A request number: ASCII digits, from 1."""
    raw = inputs.text(str(value), "text", limit=19)
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= REQUEST_ID_MAX:
        raise InvalidInput(
            "demande", inputs.shown(raw), "numéro de demande attendu (chiffres, à partir de 1)", typed=raw
        )
    return int(raw)


def processings(register: Register, value: str | list[str] | None) -> tuple[str, ...] | None:
    """The processings a request names (« rights_benefits, fraud_control »), or None for all of them."""
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    if len(parts) > MAX_PROCESSINGS:
        raise InvalidInput("traitements", f"{len(parts)} traitements", f"au plus {MAX_PROCESSINGS}")
    named = tuple(dict.fromkeys(inputs.purpose(part.strip()) for part in parts if part.strip()))
    if not named:
        raise InvalidInput("traitements", inputs.shown(str(value)), "aucun traitement : omettez l'option pour tous")
    for name in named:
        if name not in register.processings or name == "rights_requests":
            raise InvalidInput("traitement", inputs.shown(name), "traitement inconnu du registre", typed=name)
    return named


def rectification(record: str | None, value: str | None) -> tuple[int, dict[str, Any]] | None:
    """The record to correct and its correct content (a JSON object), given together or not at all."""
    if record is None and value is None:
        return None
    if record is None or value is None:
        raise InvalidInput("rectification", "(incomplète)", "donnez la donnée (--record) et sa valeur (--value)")
    raw = inputs.text(record, "text", limit=19)
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise InvalidInput("donnée", inputs.shown(raw), "numéro de donnée attendu (chiffres)", typed=raw)
    text = inputs.text(value)
    try:
        payload = json.loads(text)
    except ValueError:
        raise InvalidInput("valeur", inputs.shown(text), "JSON illisible", typed=text) from None
    if not isinstance(payload, dict) or not payload:
        raise InvalidInput("valeur", inputs.shown(text), "objet JSON non vide attendu", typed=text)
    return int(raw), payload


def months(value: int) -> int:
    if not 1 <= value <= 2:
        raise InvalidInput("prolongation", str(value), "de 1 à 2 mois seulement (RGPD, art. 12(3))")
    return value


__all__ = [
    "EXTENSION_LABELS",
    "ExtensionReason",
    "channel",
    "choice",
    "day",
    "extension_reason",
    "kind",
    "months",
    "processings",
    "rectification",
    "request_id",
]
