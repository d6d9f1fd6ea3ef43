"""The entry point holds the cycle collector while a command loads, then freezes what loaded and lets it run."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from vigie.cli import collection


@pytest.fixture(autouse=True)
def restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_held_while_loading_then_frozen_and_running_again() -> None:
    gc.unfreeze()
    collection.hold()
    assert not gc.isenabled()
    kept = [object() for _ in range(10)]
    collection.loaded()
    assert gc.isenabled()
    assert gc.get_freeze_count() > len(kept)


def test_a_collector_disabled_before_stays_disabled_and_nothing_is_frozen() -> None:
    gc.unfreeze()
    gc.disable()
    collection.hold()
    collection.loaded()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_loaded_without_hold_changes_nothing() -> None:
    gc.unfreeze()
    collection.loaded()
    assert gc.isenabled() and gc.get_freeze_count() == 0
