"""Request validation errors said in French, each located (JSON pointer, parameter or header).

pydantic speaks English; this module turns each of its errors into a `FieldError` whose message is French and
never repeats the value received (it may be personal data: a NIR typed in the wrong field).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vigie.web.problems import FieldError

_LOCATIONS = {"path": "l'adresse", "query": "la requête", "header": "les en-têtes", "cookie": "les cookies"}

# pydantic error type -> French message; `{name}` placeholders come from the error's context.
_MESSAGES: dict[str, str] = {
    "missing": "obligatoire et absent",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "string_too_short": "trop court : au moins {min_length} caractère(s)",
    "string_too_long": "trop long : au plus {max_length} caractères",
    "string_pattern_mismatch": "format invalide",
    "string_unicode": "texte Unicode valide attendu",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_parsing_size": "nombre entier trop grand",
    "int_from_float": "nombre entier attendu, sans partie décimale",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "bool_type": "booléen attendu (true ou false)",
    "bool_parsing": "booléen attendu (true ou false)",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "finite_number": "nombre fini attendu",
    "list_type": "liste attendue",
    "too_short": "trop peu d'éléments : au moins {min_length}",
    "too_long": "trop d'éléments : au plus {max_length}",
    "dict_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "model_attributes_type": "objet JSON attendu",
    "enum": "valeur inconnue ; valeurs admises : {expected}",
    "literal_error": "valeur inconnue ; valeurs admises : {expected}",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "datetime_type": "date et heure attendues (ISO 8601)",
    "datetime_parsing": "date et heure attendues (ISO 8601)",
    "uuid_type": "UUID attendu",
    "uuid_parsing": "UUID attendu",
    "json_invalid": "JSON illisible",
    "json_type": "JSON attendu",
    "none_required": "doit être absent ou null",
    "query_repeated": "paramètre répété : donnez-le une seule fois",
    "query_unknown": "paramètre inconnu de cette adresse (voir /docs)",
    "cursor_invalid": "curseur invalide : reprenez celui que donne la page précédente, tel quel",
    "is_instance_of": "type de valeur inattendu",
}
_ENGLISH_PREFIXES = ("Value error, ", "Assertion failed, ")
_MAX_MESSAGE = 300


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # raised by our own validators, whose messages are French; pydantic prefixes them in English
        text = str(error.get("msg", ""))
        for prefix in _ENGLISH_PREFIXES:
            text = text.removeprefix(prefix)
        return text[:_MAX_MESSAGE] or "valeur invalide"
    template = _MESSAGES.get(kind)
    if template is None:
        return "valeur invalide"
    try:
        return template.format(**{k: str(v).replace(" or ", " ou ") for k, v in context.items()})
    except (KeyError, IndexError):
        return template.split(" ;", 1)[0].split(" :", 1)[0]


def field_error(error: Mapping[str, Any]) -> FieldError:
    """One pydantic error as a located French `FieldError`."""
    location: Sequence[Any] = tuple(error.get("loc", ()))
    where, path = (str(location[0]), location[1:]) if location else ("body", ())
    message = _message(error)
    if where == "body":
        if error.get("type") == "json_invalid":
            return FieldError(detail=f"corps de la requête : {message}", pointer="#")
        pointer = "#" + "".join("/" + _escape(str(part)) for part in path)
        shown = "le corps de la requête" if not path else f"« {'.'.join(str(p) for p in path)} »"
        return FieldError(detail=f"{shown} : {message}", pointer=pointer)
    name = str(path[0]) if path else ""
    place = _LOCATIONS.get(where, where)
    detail = f"« {name} » dans {place} : {message}"
    if where == "header":
        return FieldError(detail=detail, header=name)
    return FieldError(detail=detail, parameter=name)


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """Every error, in order."""
    return [field_error(error) for error in errors]


_MALFORMED = frozenset({"json_invalid", "query_repeated", "query_unknown", "cursor_invalid"})


def is_malformed(errors: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the request itself is malformed (unreadable JSON, a parameter repeated or unknown): a 400, where
    well-formed values that break the schema are a 422."""
    return any(error.get("type") in _MALFORMED for error in errors)
