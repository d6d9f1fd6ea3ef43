"""The cycle collector held while a command's modules load, then told to leave them alone for good.

Loading a command (SQLAlchemy, the vault, the journal...) allocates some hundred thousand objects that live as
long as the process. Python's cycle collector scans them again and again while they pile up, and once more at
every full collection during the command: a tenth of what `vigie access check` cost (0.025 s). The `vigie` entry
point holds the collector until the command's module is loaded, then freezes what is there (`gc.freeze`):
those objects are never scanned again, and the collector works as usual on what the command allocates.

Only the entry point does this; `run`, which the tests call many times in one process, leaves the collector
as Python sets it.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Hold the collector until `loaded` (the `vigie` entry point, before it parses the command line)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def loaded() -> None:
    """The command's modules are loaded: freeze them and let the collector run again, if `hold` held it."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


__all__ = ["hold", "loaded"]
