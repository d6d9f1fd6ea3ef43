"""Parsing at the edges: what a person types (on the command line or in a request) becomes typed values here,
or a clear `InvalidInput`, before anything else sees it. The web and the command line call the same functions,
so they accept and refuse exactly the same things.

Rules: ids are ASCII digits only and in range (`٤١`, `４１`, `+41`, `4_1` are not 41); text holds no NUL, lone
surrogate or control character; every field has a length limit, checked first; a category list that parses
to nothing is bad input (only an absent list means « every category of the processing »). Messages quote the
value cut short and made printable, so that an error message can always be shown and encoded.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from vigie.errors import InvalidInput
from vigie.ids import AgentId, ProcessingId, RecipientId, SubjectId
from vigie.taxonomy import Category

SUBJECT_ID_MAX: Final = 2**63 - 1  # the largest id a BIGINT column holds, on SQLite and PostgreSQL alike
LIMITS: Final = {
    "agent": 32,  # AGENT_ID_LENGTH
    "subject": 19,  # digits of SUBJECT_ID_MAX
    "purpose": 64,
    "category": 64,
    "categories": 1024,  # the whole list as typed
    "recipient": 64,
    "nir": 32,  # 15 characters, with spaces
    "token": 256,
    "text": 2000,  # free text (a motive, a comment)
    "date": 10,  # YYYY-MM-DD
    "record": 19,  # digits of a record id
}
MAX_CATEGORIES: Final = 32  # the taxonomy has fewer
SHOWN: Final = 40  # characters of a bad value quoted in a message

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CATEGORIES = frozenset(Category._value2member_map_)
_FIELD_NAMES = {
    "agent": "agent",
    "subject": "personne",
    "purpose": "traitement",
    "category": "catégorie",
    "categories": "catégories",
    "recipient": "destinataire",
    "nir": "NIR",
    "token": "jeton",
    "text": "texte",
    "date": "date",
    "record": "dossier",
}


def shown(value: str) -> str:
    """A value as a message may quote it: at most `SHOWN` characters, control characters and lone surrogates
    replaced by « � », so that it prints and encodes anywhere."""
    cut = value[:SHOWN]
    if _FORBIDDEN.search(cut):
        cut = _FORBIDDEN.sub("\ufffd", cut)
    return cut + "…" if len(value) > SHOWN else cut


def _bad(field: str, value: str, reason: str) -> InvalidInput:
    return InvalidInput(_FIELD_NAMES.get(field, field), shown(value), reason, typed=value)


def text(value: str, field: str = "text", *, limit: int | None = None) -> str:
    """`value` if it is text within the field's limit, with no NUL, control character or lone surrogate."""
    if value.__class__ is not str:
        raise _bad(field, repr(value), "texte attendu")
    most = limit if limit is not None else LIMITS[field]
    if len(value) > most:
        raise _bad(field, value, f"{len(value)} caractères, au plus {most} permis")
    found = _FORBIDDEN.search(value)
    if found is not None:
        char = found.group()
        what = "caractère nul" if char == "\x00" else "caractère de contrôle"
        if "\ud800" <= char <= "\udfff":
            what = "caractère invalide (demi-paire de substitution)"
        raise _bad(field, value, f"{what} en position {found.start() + 1}")
    return value


def _name(value: str, field: str) -> str:
    """A register name (processing, recipient): non-empty text without surrounding spaces."""
    text(value, field)
    if not value or value.strip() != value:
        raise _bad(field, value, "nom attendu, non vide et sans espace autour")
    return value


def subject_id(value: str | int) -> SubjectId:
    """A subject id: ASCII digits only, from 1 to 2^63 - 1."""
    if value.__class__ is int and not isinstance(value, bool):
        number = int(value)
        if 1 <= number <= SUBJECT_ID_MAX:
            return SubjectId(number)
        raise _bad("subject", str(value), f"identifiant hors limites (de 1 à {SUBJECT_ID_MAX})")
    raw = text(str(value), "subject", limit=LIMITS["subject"])
    if not (raw.isascii() and raw.isdigit()):
        raise _bad("subject", raw, "identifiant numérique attendu (chiffres 0 à 9 seulement)")
    number = int(raw)
    if not 1 <= number <= SUBJECT_ID_MAX:
        raise _bad("subject", raw, f"identifiant hors limites (de 1 à {SUBJECT_ID_MAX})")
    return SubjectId(number)


def day(value: str, field: str = "date") -> date:
    """A calendar date written YYYY-MM-DD (ISO 8601), nothing else."""
    raw = text(value, field, limit=LIMITS["date"])
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        raise _bad(field, raw, "date attendue au format AAAA-MM-JJ (par exemple 2026-11-28)")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad(field, raw, "date inexistante au calendrier") from None


def record_id(value: str) -> int:
    """A record id: ASCII digits only, from 1 to 2^63 - 1."""
    raw = text(value, "record")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= SUBJECT_ID_MAX:
        raise _bad("record", raw, f"numéro de dossier attendu (chiffres, de 1 à {SUBJECT_ID_MAX})")
    return int(raw)


def agent_id(value: str) -> AgentId:
    """An agent id as typed: non-empty text of at most 32 characters."""
    raw = text(value, "agent")
    if not raw or raw.strip() != raw:
        raise _bad("agent", raw, "identifiant attendu, non vide et sans espace autour")
    return AgentId(raw)


def purpose(value: str) -> ProcessingId:
    """A processing id as typed (whether the register knows it is the gate's decision)."""
    return ProcessingId(_name(value, "purpose"))


def recipient(value: str | None) -> RecipientId | None:
    """A recipient id as typed, or None when there is none."""
    return None if value is None else RecipientId(_name(value, "recipient"))


def parse_categories(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Categories as people type them (« contact, nir ») or as a list; None only when none were given at all,
    meaning every category the processing uses for the person's kind. A list that parses to nothing (« ,,, »,
    spaces, empty) is bad input, never « everything ». Each must be a category of the taxonomy."""
    if value is None:
        return None
    if isinstance(value, str):
        text(value, "categories")
        parts = [part.strip() for part in value.split(",")]
        typed = value
    else:
        if len(value) > MAX_CATEGORIES:
            raise _bad("categories", f"{len(value)} catégories", f"au plus {MAX_CATEGORIES} catégories")
        parts = [text(part, "category").strip() for part in value]
        typed = ",".join(value)
    wanted = tuple(dict.fromkeys(part for part in parts if part))
    if not wanted:
        raise _bad("categories", typed, "aucune catégorie : omettez le paramètre pour toutes celles du traitement")
    if len(wanted) > MAX_CATEGORIES:
        raise _bad("categories", typed, f"au plus {MAX_CATEGORIES} catégories")
    for category in wanted:
        text(category, "category")
        if category not in _CATEGORIES:
            raise _bad("category", category, "catégorie inconnue de la nomenclature")
    return wanted


__all__ = [
    "LIMITS",
    "MAX_CATEGORIES",
    "SUBJECT_ID_MAX",
    "agent_id",
    "day",
    "parse_categories",
    "purpose",
    "recipient",
    "record_id",
    "shown",
    "subject_id",
    "text",
]
