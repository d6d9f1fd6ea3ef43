"""The register of processing activities, as data: loading, validation, the compiled policy, rendering.

Each name is imported from its module on first use (PEP 562): reading the register's files and using a
compiled policy need neither YAML nor pydantic, which parsing and validating the register does.
"""

from __future__ import annotations

import typing

from vigie.lazy import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from vigie.register.files import RegisterFiles, read_register_files, shipped_register_dir
    from vigie.register.loader import load_register, parse_register
    from vigie.register.policy import Policy
    from vigie.register.register import Register

_WHERE = {
    "Policy": "vigie.register.policy",
    "Register": "vigie.register.register",
    "RegisterFiles": "vigie.register.files",
    "load_register": "vigie.register.loader",
    "parse_register": "vigie.register.loader",
    "read_register_files": "vigie.register.files",
    "shipped_register_dir": "vigie.register.files",
}


__getattr__ = _lazy_exports(__name__, _WHERE)


__all__ = [
    "Policy",
    "Register",
    "RegisterFiles",
    "load_register",
    "parse_register",
    "read_register_files",
    "shipped_register_dir",
]
