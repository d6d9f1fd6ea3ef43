"""The compiled register, kept between start-ups so that a command need not parse and validate the YAML again.

Parsing the register (YAML, then pydantic models) and compiling it cost more than the rest of
`vigie access check` together. What a start-up needs from it is plain data: the compiled policy and the
organisations' rows. That is cached in one file of the data directory, written whole or not at all (mode
0600), and used only when all of these hold:

- it was made from the same register files: the SHA-256 of their names and bytes is in the file, and is
  checked against the files read now;
- by the same code: vigie's version, Python's, the bytes of the modules that compile the register and define
  what the file holds (a fix to the compiler is never masked by an old cache), and the installed files of
  the libraries that parse and validate it (pydantic, PyYAML: an upgrade rewrites them);
- it carries a valid HMAC-SHA256, under a key derived from the master key, over all of the above.

Anything else (no file, another register, other code, a bad MAC, a file cut short) is ignored, and the
register is compiled again and the file rewritten. So a cache file cannot change the policy: forging one
takes the master key, which opens every personal datum anyway. Nothing is unpickled before its MAC is
checked, and the unpickler then accepts only the classes a compiled register is made of.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.util
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import vigie
from vigie.crypto import Keyring, derived_key
from vigie.organisations import OrganisationRow
from vigie.register.policy import Policy

CACHE_NAME = "register.cache"
MAGIC = b"vigie-register-cache/v1\n"
_DIGEST = hashlib.sha256().digest_size

# The modules whose code decides what a compiled register is, relative to the package: the compiler and
# everything its output is made of, and this file.
_CODE = (
    "register",
    "taxonomy.py",
    "durations.py",
    "decision.py",
    "organisations.py",
    "bootstrap/_policy_cache.py",
)

# The libraries that parse and validate the register: their installed files, by path, size and time.
_LIBRARIES = ("pydantic", "pydantic_core", "yaml")

# What a compiled register is made of: the unpickler refuses any other class.
_ALLOWED_MODULES = frozenset(
    {
        "vigie.bootstrap._policy_cache",
        "vigie.decision",
        "vigie.durations",
        "vigie.register.policy",
        "vigie.register.sources",
        "vigie.taxonomy",
    }
)


@dataclass(frozen=True)
class CompiledRegister:
    """What a start-up needs from the register: its compiled policy and the organisations' rows."""

    policy: Policy
    organisations: tuple[OrganisationRow, ...]


def _frozen_mapping(items: dict[Any, Any]) -> Mapping[Any, Any]:
    """A read-only mapping again, when a cached policy is read back (the policy's tables are read-only)."""
    return MappingProxyType(items)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is MappingProxyType:
            return _frozen_mapping, (dict(obj),)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module not in _ALLOWED_MODULES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a compiled register")
        return super().find_class(module, name)


@cache
def code_fingerprint() -> bytes:
    """What identifies the code that compiles the register: versions and the bytes of its modules."""
    root = Path(vigie.__file__).parent
    hashed = hashlib.sha256(f"{vigie.__version__}|{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    for entry in _CODE:
        path = root / entry
        for source in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            hashed.update(str(source.relative_to(root)).encode() + b"\0")
            with contextlib.suppress(OSError):
                hashed.update(source.read_bytes())
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)  # finds it without importing it
        origin = spec.origin if spec is not None else None
        hashed.update(f"{library}|{origin}".encode())
        with contextlib.suppress(OSError, TypeError):
            status = Path(str(origin)).stat()
            hashed.update(f"|{status.st_size}|{status.st_mtime_ns}".encode())
    return hashed.digest()


def _key(register_digest: str) -> bytes:
    return hashlib.sha256(bytes.fromhex(register_digest) + code_fingerprint()).digest()


def _mac(keyring: Keyring, key: bytes, payload: bytes) -> bytes:
    return hmac.new(derived_key(keyring, "register-cache"), MAGIC + key + payload, hashlib.sha256).digest()


def load_compiled(path: Path, register_digest: str, keyring: Keyring) -> CompiledRegister | None:
    """The cached compiled register for these register files and this code, if the file holds it and its MAC
    is right; None otherwise (the caller compiles the register again)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    key = _key(register_digest)
    head = len(MAGIC)
    if data[:head] != MAGIC or data[head : head + _DIGEST] != key:
        return None
    mac, payload = data[head + _DIGEST : head + 2 * _DIGEST], data[head + 2 * _DIGEST :]
    if not hmac.compare_digest(mac, _mac(keyring, key, payload)):
        return None
    try:
        compiled = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # a file that authenticates but does not load (never written so): compile again
        return None
    return compiled if isinstance(compiled, CompiledRegister) else None


def store_compiled(path: Path, register_digest: str, keyring: Keyring, compiled: CompiledRegister) -> bool:
    """Write the cache file whole or not at all, readable by its owner only; only into an existing directory,
    and never failing the start-up: say whether it was written."""
    if not path.parent.is_dir():
        return False
    memos = {f.name: f.default_factory() for f in fields(Policy) if not f.compare and f.default_factory is not MISSING}
    empty = CompiledRegister(replace(compiled.policy, **memos), compiled.organisations)  # memos start empty
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(empty)
    payload = buffer.getvalue()
    key = _key(register_digest)
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:  # mkstemp creates it with mode 0600
            handle.write(MAGIC + key + _mac(keyring, key, payload) + payload)
        Path(temporary).replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        return False
    return True


__all__ = ["CACHE_NAME", "CompiledRegister", "code_fingerprint", "load_compiled", "store_compiled"]
