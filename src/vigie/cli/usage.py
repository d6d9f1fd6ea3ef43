"""French wording for the parser's usage errors (the parser itself speaks English).

Errors are read by their fields where they have some (the option, the parameter, the validation error
behind a bad value); the remaining English sentences are matched by pattern.
"""

from __future__ import annotations

import re
from typing import Any

from vigie.cli.help import option_names, value_metavar

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"No such command '(.+?)'\.?"), r"commande inconnue « \1 »"),
    (re.compile(r"No such option: (\S+)"), r"option inconnue : \1"),
    (re.compile(r"Missing command\.?"), r"commande manquante"),
    (re.compile(r"Missing argument '(.+?)'\.?"), r"argument manquant : \1"),
    (re.compile(r"Missing option '(.+?)'\.?"), r"option obligatoire manquante : \1"),
    (re.compile(r"Option '(.+?)' requires an argument\.?"), r"l'option \1 attend une valeur"),
    (re.compile(r"Option '(.+?)' requires (\d+) arguments\.?"), r"l'option \1 attend \2 valeurs"),
    (re.compile(r"Option '(.+?)' does not take a value\.?"), r"l'option \1 ne prend pas de valeur"),
    (re.compile(r"Got unexpected extra arguments? ?(?:\(s\))? \((.+?)\)"), r"argument en trop : \1"),
    (re.compile(r"Argument '(.+?)' takes (\d+) values\.?"), r"l'argument \1 attend \2 valeurs"),
    (
        re.compile(r"(?:Value error, )?'(.+?)' is not one of (.+?)\.?$"),
        r"« \1 » n'est pas une valeur admise (valeurs admises : \2)",
    ),
    (re.compile(r"Value '?(.+?)'? is not a valid (\w+)\.?"), r"valeur « \1 » invalide"),
)

# Pydantic validation errors behind typer's conversions, by their stable type code.
_PYDANTIC: dict[str, str] = {
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu (avec un point décimal, par exemple 2.5)",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu",
    "bool_parsing": "oui ou non attendu (true, false, 1, 0, yes, no)",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être au moins {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être au plus {le}",
    "enum": "valeurs admises : {expected}",
    "literal_error": "valeurs admises : {expected}",
    "string_too_long": "au plus {max_length} caractères",
    "string_too_short": "au moins {min_length} caractères",
    "path_type": "chemin invalide",
}


def _pattern(message: str) -> str:
    for pattern, replacement in _PATTERNS:
        if pattern.search(message):
            return re.sub(r"'([^' ]+)'", r"\1", pattern.sub(replacement, message))
    return message


def _param_label(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        return value_metavar(param)
    return option_names(param)


def _validation_reason(error: BaseException) -> str | None:
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return None
    details = errors()
    if not details:
        return None
    first = details[0]
    template = _PYDANTIC.get(first.get("type", ""))
    if template is None:
        return None
    context = {key: str(value).replace("'", "") for key, value in (first.get("ctx") or {}).items()}
    try:
        return template.format(**context)
    except KeyError:
        return template.split(":")[0]


def french_usage(error: BaseException) -> str:
    """A usage error in French: which option or argument, and what is wrong with it."""
    kind = type(error).__name__
    param = getattr(error, "param", None)
    if kind == "NoSuchOption":
        text = f"option inconnue : {getattr(error, 'option_name', '')}"
        possibilities = getattr(error, "possibilities", None)
        if possibilities:
            text += f" (options possibles : {', '.join(sorted(possibilities))})"
        return text
    if kind == "MissingParameter" and param is not None:
        if getattr(param, "param_type_name", "") == "argument":
            return f"argument manquant : {_param_label(param)}"
        return f"option obligatoire manquante : {_param_label(param)}"
    message = str(getattr(error, "message", error))
    if kind == "BadParameter" and param is not None:
        reason = _validation_reason(error) or _pattern(message)
        return f"valeur invalide pour {_param_label(param)} : {reason}"
    return _pattern(message)
