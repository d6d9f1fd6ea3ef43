"""YAML reading that remembers where each value came from, so every problem names its file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vigie.errors import Problem

Path_ = tuple[str | int, ...]

# libyaml when available: parsed once, about 20 times faster than the pure-Python loader, which every
# command would otherwise pay at start-up. Both give the same nodes, line marks and data.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """One YAML file: its data and the line of every mapping key and sequence item in it."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest located ancestor."""
        for cut in range(len(path), -1, -1):
            found = self.lines.get(path[:cut])
            if found is not None:
                return found
        return None


def _index(node: yaml.Node, path: Path_, doc: Document, problems: list[Problem]) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                problems.append(
                    Problem(doc.file, key_node.start_mark.line + 1, key, "clé en double dans la même table")
                )
            seen.add(key)
            doc.lines[child] = key_node.start_mark.line + 1
            _index(value_node, child, doc, problems)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index(item, (*path, position), doc, problems)


def read_document(path: Path, display: str, problems: list[Problem]) -> Document | None:
    """Parse one file; syntax errors become problems (with line) instead of exceptions."""
    return parse_document(path.read_bytes(), display, problems)


def parse_document(content: bytes, display: str, problems: list[Problem]) -> Document | None:
    """Parse the bytes of one file; bad encoding and syntax errors become problems (with line)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(display, None, "", "fichier illisible : encodage UTF-8 attendu"))
        return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = error.problem or error.context or "structure invalide"
        problems.append(Problem(display, line, "", f"erreur de syntaxe YAML : {reason}"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(display, None, "", f"erreur de syntaxe YAML : {error}"))
        return None
    finally:
        loader.dispose()
    doc = Document(display, data)
    if node is not None:
        _index(node, (), doc, problems)
    return doc
