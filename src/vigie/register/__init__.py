"""The register of processing activities, as data: loading, validation, the compiled policy, rendering.

Each name is imported from its module on first use (PEP 562): the compiled policy needs neither YAML nor
pydantic, which loading and validating the register does.
"""

from __future__ import annotations

import importlib
import typing

if typing.TYPE_CHECKING:
    from vigie.register.loader import load_register, shipped_register_dir
    from vigie.register.policy import Policy
    from vigie.register.register import Register

_WHERE = {
    "Policy": "vigie.register.policy",
    "Register": "vigie.register.register",
    "load_register": "vigie.register.loader",
    "shipped_register_dir": "vigie.register.loader",
}


def __getattr__(name: str) -> typing.Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["Policy", "Register", "load_register", "shipped_register_dir"]
