"""The register's documentation shows the shipped register, not invented values: each example is an excerpt."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from vigie.register import Register

DOC = Path(__file__).resolve().parents[2] / "docs" / "register.md"


def blocks() -> list[Any]:
    text = DOC.read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)]


def block_with(key: str, value: str) -> Any:
    for block in blocks():
        if isinstance(block, dict) and isinstance(block.get(key), dict) and block[key].get("id") == value:
            return block
    raise AssertionError(f"no example with {key}.id = {value}")


def contains(shipped: Any, excerpt: Any) -> bool:
    """Is `excerpt` a part of `shipped`: same scalars, sub-mappings, and list items each found in the list?"""
    if isinstance(excerpt, dict):
        return isinstance(shipped, dict) and all(k in shipped and contains(shipped[k], v) for k, v in excerpt.items())
    if isinstance(excerpt, list):
        if not isinstance(shipped, list):
            return False
        return all(any(contains(item, part) for item in shipped) for part in excerpt)
    if isinstance(excerpt, dt.date):
        return shipped == excerpt.isoformat()
    if isinstance(excerpt, str) and "…" in excerpt:
        return isinstance(shipped, str) and shipped.startswith(excerpt.split("…")[0].strip())
    return bool(shipped == excerpt)


def test_the_processing_example_is_an_excerpt_of_the_shipped_fraud_control(register: Register) -> None:
    example = block_with("theme", "fraud_control")
    (processing,) = example["processings"]
    shipped = register.processings["fraud_control"].model_dump(mode="json", by_alias=True)
    assert contains(shipped, processing)
    themes = {theme.value: info for theme, info in register.themes.items()}
    assert contains(themes["fraud_control"].model_dump(mode="json"), example["theme"])


def test_the_other_examples_are_excerpts_of_the_shipped_register(register: Register) -> None:
    shipped = {
        "controller": register.controller.model_dump(mode="json"),
        "organisations": [o.model_dump(mode="json") for o in register.organisations.values()],
        "recipients": [r.model_dump(mode="json") for r in register.recipients.values()],
        "roles": [r.model_dump(mode="json") for r in register.roles.values()],
        "policy_outline": [part.model_dump(mode="json") for part in register.outline],
        "cookies": [p.model_dump(mode="json")["cookies"] for p in register.processings.values() if p.cookies],
        "event_mapping": [m.model_dump(mode="json") for p in register.processings.values() for m in p.event_mapping],
        "archive": [p.archive.model_dump(mode="json") for p in register.processings.values() if p.archive],
    }
    checked = 0
    for block in blocks():
        if not isinstance(block, dict) or "theme" in block:
            continue
        for key, value in block.items():
            if key in ("cookies", "archive"):
                assert any(contains(item, value) for item in shipped[key]), key
            elif key in shipped:
                assert contains(shipped[key], value), key
            else:
                continue
            checked += 1
    assert checked >= 8
