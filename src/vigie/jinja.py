"""One way to build a Jinja environment for our French pages and letters (the web service's and the rights
slice's): escaped, strict about missing values, without stray blank lines, with the `sentence` filter."""

from __future__ import annotations

from pathlib import Path

import jinja2


def sentence(text: str) -> str:
    """`text` with its first letter capitalised, the rest untouched (Jinja's `capitalize` lowers it)."""
    return text[:1].upper() + text[1:]


def environment(folder: Path) -> jinja2.Environment:
    """A Jinja environment reading the templates of `folder`."""
    built = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    built.filters["sentence"] = sentence
    return built


__all__ = ["environment", "sentence"]
