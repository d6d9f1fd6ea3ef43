"""Parsing what people type, at the edges: the command line and the API read their input the same way.

Services take typed values; this module is where text becomes them, so that a rule about input (what an empty
list means, which characters an id may hold) is written once for every surface.
"""

from __future__ import annotations


def parse_categories(text: str | None) -> tuple[str, ...] | None:
    """Categories as people type them (« contact, nir »); None when none are given, meaning every category the
    processing uses for the person's kind."""
    if not text:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip()) or None


__all__ = ["parse_categories"]
