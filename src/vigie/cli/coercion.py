"""Text options and flags taken as typed, without the validator the parser would build for each of them.

The parser (typer) converts every value through a pydantic validator that it builds on first use, even for
plain text and flags, which need no conversion: that alone imports pydantic (0.06 s on a quiet machine) and
builds a schema per option, for a command that otherwise needs no pydantic at all. Text options (most of
vigie's: agents, purposes, paths, URLs) and flags (`--json`, `--help`) get a converter that returns the value
as given when it already has its type; any other value (bytes from an unusual shell, a flag given as a word),
and every other type (integers, dates, choices), keep the parser's own conversion.
"""

from __future__ import annotations

from typing import Any


class _AsTyped:
    """The converter of a text option or a flag: a value of its type, or none, passes as it is; anything else
    goes to the parser's own conversion."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or type(value) is self.kind:
            return value
        from typer._coercion import build_runtime_param

        return build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=ctx)


_AS_TYPED = {str: _AsTyped(str), bool: _AsTyped(bool)}


def takes_plain_values_as_typed(param: Any) -> bool:
    """Give `param` the light converter when it takes one text value or is a flag; say whether it was given."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not hasattr(param, "_runtime_param"):
        return False  # not a typer parameter as this version builds them: keep its conversion
    light = _AS_TYPED.get(descriptor.annotation)
    plain = (
        light is not None
        and descriptor.file_annotation is None
        and descriptor.parameter_info.parser is None
        and not param.multiple
        and param.nargs == 1
    )
    if plain and param._runtime_param is None:
        param._runtime_param = light
    return plain


__all__ = ["takes_plain_values_as_typed"]
