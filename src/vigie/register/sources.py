"""Where each entry of the register comes from: a citation of the policy, or a decision where it is silent.

A citation names a part of the policy, a section of it and a paragraph (or a range), as the register's outline
of the policy numbers them: « Lutte contre les fraudes › Durées de conservation › 2 ». A decision starts with
`decision:` and gives the reason the register had to choose. An entry may carry several of either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SEPARATOR = " › "
DECISION_PREFIX = "decision:"
MAX_LENGTH = 600
_CITATION = re.compile(
    r"^(?P<theme>[^›\n]+?) › (?P<section>[^›\n]+?) › (?P<first>[1-9][0-9]{0,2})(?:-(?P<last>[1-9][0-9]{0,2}))?$"
)
_EXPECTED = (
    "attendu « partie › section › paragraphe » (ex. « Lutte contre les fraudes › Durées de conservation › 2 ») "
    "ou « decision: raison »"
)


@dataclass(frozen=True, slots=True)
class Citation:
    """Paragraphs `first` to `last` of a section of the policy."""

    theme: str
    section: str
    first: int
    last: int

    def __str__(self) -> str:
        paragraphs = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return SEPARATOR.join((self.theme, self.section, paragraphs))


@dataclass(frozen=True, slots=True)
class Decision:
    """A choice the register made where the policy is silent, with its reason."""

    reason: str

    def __str__(self) -> str:
        return f"{DECISION_PREFIX} {self.reason}"


@dataclass(frozen=True, slots=True)
class Source:
    """The grounds of one register entry: one or more citations and decisions."""

    refs: tuple[Citation | Decision, ...]

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(ref for ref in self.refs if isinstance(ref, Citation))

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return tuple(ref for ref in self.refs if isinstance(ref, Decision))

    def __str__(self) -> str:
        return " ; ".join(str(ref) for ref in self.refs)


def parse_ref(text: str) -> Citation | Decision:
    """One citation or decision; ValueError (French) when it is neither."""
    stripped = text.strip()
    if stripped.startswith(DECISION_PREFIX):
        reason = stripped[len(DECISION_PREFIX) :].strip()
        if len(reason) < 10:
            raise ValueError("décision sans raison : dire pourquoi le registre a dû choisir")
        return Decision(reason)
    found = _CITATION.match(stripped)
    if found is None:
        raise ValueError(f"source « {stripped[:80]} » illisible : {_EXPECTED}")
    first = int(found["first"])
    last = int(found["last"]) if found["last"] else first
    if last < first:
        raise ValueError(f"source « {stripped} » : la plage de paragraphes est à l'envers")
    return Citation(found["theme"].strip(), found["section"].strip(), first, last)


def parse_source(value: Any) -> Source:
    """A source as the YAML gives it: one text or a list of texts."""
    if isinstance(value, Source):
        return value
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ValueError(f"source manquante ou vide : {_EXPECTED}")
    refs: list[Citation | Decision] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError("une source est un texte")
        if len(item) > MAX_LENGTH or "\x00" in item:
            raise ValueError(f"source trop longue ou contenant un caractère nul (au plus {MAX_LENGTH} caractères)")
        refs.append(parse_ref(item))
    return Source(tuple(refs))


def serialise_source(source: Source) -> str | list[str]:
    """A source as the YAML writes it: one text, or a list of texts."""
    texts = [str(ref) for ref in source.refs]
    return texts[0] if len(texts) == 1 else texts
