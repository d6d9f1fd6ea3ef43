"""The architecture as DESIGN.md draws it: layers checked by import-linter, packages that say what they export."""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import vigie

ROOT = Path(__file__).resolve().parent.parent


def test_imports_follow_the_layers_written_in_pyproject() -> None:
    """lint-imports keeps every contract of pyproject.toml: a wrong arrow (the gate importing bootstrap, the vault
    importing the gate, a surface importing the store) fails here."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command is not None, "import-linter is a test dependency: pip install -e '.[test]'"
    done = subprocess.run([command, "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _packages() -> list[str]:
    names = [vigie.__name__]
    for info in pkgutil.walk_packages(vigie.__path__, prefix="vigie."):
        if info.ispkg and ".migrations" not in info.name:
            names.append(info.name)
    return names


def _public_names(module: ModuleType) -> set[str]:
    """What a package's `__init__` brings in on purpose: public names that are not modules (its submodules and
    the standard library's are attributes too)."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and name != "annotations" and not isinstance(value, ModuleType)
    }


@pytest.mark.parametrize("name", _packages())
def test_each_package_exports_exactly_what_its_all_lists(name: str) -> None:
    """`__all__` names every public name the package's `__init__` brings in, and each of them exists."""
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    assert all(hasattr(module, item) for item in exported), f"{name}.__all__ names something it lacks"
    public = {item for item in exported if not item.startswith("__")}
    assert public == _public_names(module), f"{name}: __all__ differs from what __init__ exports"
