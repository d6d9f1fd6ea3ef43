"""The register's files as read from disk, and the digest of exactly those bytes.

Reading is kept apart from parsing so that a start-up can name the register it runs by its digest (and
find its compiled policy in a cache) without parsing YAML, and so that a register parsed later comes from
the very bytes the digest names, not from files edited in between.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from vigie.errors import Problem


def shipped_register_dir() -> Path:
    """The register that ships with the package."""
    return Path(str(files("vigie.register") / "data"))


@dataclass(frozen=True)
class RegisterFiles:
    """The YAML files of a register directory, by name in reading order, and what kept the directory from
    being read (no such directory, no YAML file in it)."""

    directory: Path
    contents: tuple[tuple[str, bytes], ...]
    problems: tuple[Problem, ...] = ()

    @property
    def digest(self) -> str:
        """SHA-256 of every file's name and bytes, each length-prefixed: two registers with the same digest
        are the same files, byte for byte."""
        hashed = hashlib.sha256(b"vigie/register-files/v1")
        for name, content in self.contents:
            encoded = name.encode()
            hashed.update(len(encoded).to_bytes(8, "big") + encoded)
            hashed.update(len(content).to_bytes(8, "big") + content)
        return hashed.hexdigest()


def read_register_files(directory: Path | None = None) -> RegisterFiles:
    """Read every `*.yaml` and `*.yml` file of a register directory (the shipped one by default)."""
    directory = directory if directory is not None else shipped_register_dir()
    if not directory.is_dir():
        return RegisterFiles(directory, (), (Problem(str(directory), None, "", "dossier du registre introuvable"),))
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not paths:
        return RegisterFiles(directory, (), (Problem(str(directory), None, "", "aucun fichier YAML dans ce dossier"),))
    return RegisterFiles(directory, tuple((path.name, path.read_bytes()) for path in paths))


__all__ = ["RegisterFiles", "read_register_files", "shipped_register_dir"]
