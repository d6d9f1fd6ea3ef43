"""The packages' lazy exports: a name is imported from its module on first use, then bound in the package."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

from vigie.lazy import lazy_exports


@pytest.fixture
def package() -> Iterator[types.ModuleType]:
    module = types.ModuleType("vigie_lazy_probe")
    module.__getattr__ = lazy_exports("vigie_lazy_probe", {"dedent": "textwrap", "nothing": "textwrap"})  # type: ignore[method-assign]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_a_name_comes_from_its_module_and_is_then_bound_in_the_package(package: types.ModuleType) -> None:
    import textwrap

    assert "dedent" not in vars(package)
    assert package.dedent is textwrap.dedent
    assert vars(package)["dedent"] is textwrap.dedent


def test_a_name_the_package_does_not_export_is_an_attribute_error_naming_both(package: types.ModuleType) -> None:
    with pytest.raises(AttributeError, match="'vigie_lazy_probe' has no attribute 'shorten'"):
        _ = package.shorten


def test_a_listed_name_its_module_lacks_is_an_attribute_error(package: types.ModuleType) -> None:
    with pytest.raises(AttributeError):
        _ = package.nothing
