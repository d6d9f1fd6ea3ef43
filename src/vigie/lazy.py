"""Names a package exports, imported from their modules on first use (PEP 562).

A command that needs one name of a package then pays for that name's module only: `vigie access check`
appends a journal entry without importing the witness, the proofs or YAML.
"""

from __future__ import annotations

import importlib
import sys
import typing
from collections.abc import Callable, Mapping


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], typing.Any]:
    """The package's module-level `__getattr__`: `where` maps each exported name to its module.

    The name is bound in the package once imported, so the next use is a plain attribute read.
    """

    def __getattr__(name: str) -> typing.Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
