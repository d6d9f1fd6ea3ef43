"""Checks every value typed on the command line before any command sees it.

An empty value is refused rather than silently replaced by a default (`--database ""` would otherwise
mean « the local database »); NUL characters, bytes that are not UTF-8 text and values longer than any
legitimate one are refused too, so that no service has to guard against them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import typer

MAX_VALUE_LENGTH = 4096  # longer than any path, URL or identifier vigie takes
JOURNALED = "_vigie_journaled"

F = TypeVar("F", bound=Callable[..., Any])


def journaled(*names: str) -> Callable[[F], F]:
    """Mark the options of a command that the gate parses itself (`Gate.admit`), so that an empty, NUL-bearing
    or over-long value there is journaled bad input like on the API, not a usage error that leaves no entry."""

    def mark(command: F) -> F:
        setattr(command, JOURNALED, frozenset(names))
        return command

    return mark


def journaled_names(command: Any) -> frozenset[str]:
    """The option names of a built command that `journaled` marked (none for an unmarked command)."""
    marked: frozenset[str] = getattr(getattr(command, "callback", None), JOURNALED, frozenset())
    return marked


def problem(value: str) -> str | None:
    """What is wrong with one typed value, in French, or None when it is acceptable."""
    if not value.strip():
        return "valeur vide (donnez une valeur ou omettez l'option)"
    if "\x00" in value:
        return "caractère NUL interdit"
    if any("\ud800" <= char <= "\udfff" for char in value):
        return "octets qui ne forment pas du texte UTF-8"
    if len(value) > MAX_VALUE_LENGTH:
        return f"valeur trop longue ({len(value)} caractères, au plus {MAX_VALUE_LENGTH})"
    return None


def empty_settings(environ: Mapping[str, str]) -> list[str]:
    """The `VIGIE_*` variables set to an empty value, which the settings would silently read as unset."""
    return sorted(name for name, value in environ.items() if name.startswith("VIGIE_") and not value.strip())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def guard(param: Any) -> None:
    """Make `param` refuse bad values before converting them (idempotent)."""
    if getattr(param, "_vigie_guarded", False):
        return
    convert: Callable[[Any, Any], Any] = param.process_value

    def checked(ctx: Any, value: Any) -> Any:
        for text in _strings(value):
            reason = problem(text)
            if reason is not None:
                raise typer.BadParameter(reason, ctx=ctx, param=param)
        return convert(ctx, value)

    param.process_value = checked
    param._vigie_guarded = True
