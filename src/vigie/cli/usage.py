"""French wording for the command-line parser's usage errors (the parser itself speaks English)."""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"No such command '(.+?)'\.?"), r"commande inconnue « \1 »"),
    (re.compile(r"No such option: (\S+)"), r"option inconnue : \1"),
    (re.compile(r"Missing argument '(.+?)'\.?"), r"argument manquant : \1"),
    (re.compile(r"Missing option '(.+?)'\.?"), r"option obligatoire manquante : \1"),
    (re.compile(r"Option '(.+?)' requires an argument\.?"), r"l'option \1 attend une valeur"),
    (re.compile(r"Got unexpected extra arguments? \((.+?)\)"), r"argument en trop : \1"),
    (
        re.compile(r"Invalid value for (.+?): (?:Value error, )?'(.+?)' is not one of (.+?)\.$"),
        r"valeur « \2 » invalide pour \1 (valeurs admises : \3)",
    ),
    (
        re.compile(r"Invalid value for (.+?): (?:Value error, )?'(.+?)' is not a valid integer.*"),
        r"valeur « \2 » invalide pour \1 : nombre entier attendu",
    ),
    (re.compile(r"Invalid value for (.+?): (.+)"), r"valeur invalide pour \1 : \2"),
)


def french_usage(message: str) -> str:
    """Translate a parser message when its form is known; otherwise keep it as it is."""
    for pattern, replacement in _PATTERNS:
        if pattern.search(message):
            return re.sub(r"'([^' ]+)'", r"\1", pattern.sub(replacement, message))
    return message
