"""A witness: remembers, outside the database, the last signed checkpoint it accepted, and refuses to go back.

Restoring the whole database to an earlier state (entries, head, checkpoints, every signature genuine) passes
`verify`: nothing in it is forged. Only someone who remembers a later signed state can see it. The witness keeps,
in a directory of its own (best on another machine or medium than the database and its backups), the verifier
key it trusts and the last checkpoint note it accepted. A new checkpoint must be signed by that key, be at least
as large, have the same root at the same size, and be proven consistent with the last one (RFC 9162);
otherwise the witness refuses it with `TamperedJournal`, and its state is left as it was.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import stat
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from vigie.audit.checkpoints import checkpoint
from vigie.audit.merkle import verify_consistency
from vigie.audit.notes import TreeHead, VerifierKey, open_note
from vigie.audit.proofs import consistency
from vigie.audit.transparency import signed_checkpoint, verifier_key
from vigie.crypto import Keyring
from vigie.errors import ConfigurationError, InvalidInput, StorageError, TamperedJournal

KEY_FILE = "verifier-key"
CHECKPOINT_FILE = "checkpoint"
REMOTE_TIMEOUT = 10.0
REMOTE_MAX_BYTES = 65_536

Prover = Callable[[int, int], Sequence[bytes]]


def _os_error(path: Path, error: OSError) -> ConfigurationError:
    return ConfigurationError(f"état du témoin inaccessible ({path}) : {error.strerror or error}")


class WitnessStore:
    """The witness's directory: `verifier-key` and `checkpoint`, each replaced atomically, mode 0600."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _check_private(self) -> None:
        """Others must not be able to replace the witness's files: its directory is nobody else's to write."""
        try:
            mode = self.directory.stat().st_mode
        except FileNotFoundError:
            return
        except OSError as error:
            raise _os_error(self.directory, error) from error
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise ConfigurationError(f"dossier du témoin modifiable par d'autres utilisateurs : {self.directory}")

    def _read(self, name: str) -> str | None:
        self._check_private()
        path = self.directory / name
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IWGRP | stat.S_IWOTH):
                raise ConfigurationError(f"état du témoin modifiable par d'autres utilisateurs : {path}")
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as error:
            raise ConfigurationError(f"état du témoin illisible (UTF-8 attendu) : {path}") from error
        except OSError as error:
            raise _os_error(path, error) from error

    def key(self) -> VerifierKey | None:
        text = self._read(KEY_FILE)
        if text is None:
            return None
        try:
            return VerifierKey.parse(text)
        except InvalidInput as error:
            raise ConfigurationError(f"clé du témoin illisible ({self.directory / KEY_FILE}) : {error}") from error

    def last_note(self) -> str | None:
        return self._read(CHECKPOINT_FILE)

    def write(self, name: str, text: str) -> None:
        """Write a file whole or not at all: a temporary file, fsync, rename, fsync of the directory."""
        path = self.directory / name
        temporary = self.directory / f".{name}.{os.getpid()}.tmp"
        self._check_private()
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(descriptor, text.encode("utf-8"))
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            temporary.replace(path)
            directory = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise _os_error(path, error) from error


@dataclass(frozen=True)
class Observation:
    """What the witness accepted: the new tree head, the previous one if any, and whether the key was pinned now."""

    current: TreeHead
    previous: TreeHead | None
    key: VerifierKey
    pinned_now: bool
    note: str

    @property
    def message(self) -> str:
        size = self.current.size
        if self.previous is None:
            seen = f"premier point de contrôle retenu par le témoin : {size} entrées"
        elif self.previous.size == size:
            seen = f"point de contrôle inchangé depuis le dernier passage : {size} entrées"
        else:
            seen = f"le journal prolonge le dernier point vu : {self.previous.size} → {size} entrées, cohérence prouvée"
        pinned = f" ; clé « {self.key.name} » retenue" if self.pinned_now else ""
        return seen + pinned

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "tree_size": self.current.size,
            "previous_tree_size": self.previous.size if self.previous is not None else None,
            "verifier_key": self.key.text(),
            "key_pinned_now": self.pinned_now,
            "message": self.message,
            "note": self.note,
        }


def _open(note: str, key: VerifierKey, what: str) -> TreeHead:
    try:
        head = TreeHead.parse(open_note(note, key))
    except InvalidInput as error:
        raise TamperedJournal(f"{what} refusé par le témoin : {error.reason}") from error
    if head.origin != key.name:
        raise TamperedJournal(f"{what} refusé par le témoin : origine « {head.origin[:80]} » et non « {key.name} »")
    return head


def observe(store: WitnessStore, note: str, offered: VerifierKey, prove: Prover) -> Observation:
    """Accept `note` if it extends what the witness saw last; otherwise TamperedJournal and nothing is written.

    The key pinned at the first run is the one trusted from then on; `offered` is only used to pin one.
    """
    pinned = store.key()
    key = pinned or offered
    current = _open(note, key, "point de contrôle")
    last = store.last_note()
    previous = None
    if last is not None:
        try:
            previous = TreeHead.parse(open_note(last, key))
        except InvalidInput as error:
            raise ConfigurationError(f"dernier point de contrôle du témoin illisible : {error.reason}") from error
    if previous is not None:
        if current.size < previous.size:
            raise TamperedJournal(
                f"retour en arrière : le témoin a vu {previous.size} entrées signées, le journal n'en présente plus "
                f"que {current.size} (base restaurée à un état antérieur ?)"
            )
        if current.size == previous.size and current.root != previous.root:
            raise TamperedJournal(
                f"le point de contrôle de {current.size} entrées n'a plus la racine que le témoin a vue : "
                "le journal a été réécrit"
            )
        if current.size > previous.size:
            path = prove(previous.size, current.size)
            if not verify_consistency(previous.size, current.size, path, previous.root, current.root):
                raise TamperedJournal(
                    f"le journal de {current.size} entrées ne prolonge pas celui de {previous.size} entrées que le "
                    "témoin a vu : il a été réécrit ou restauré puis complété"
                )
    if pinned is None:
        store.write(KEY_FILE, key.text() + "\n")
    store.write(CHECKPOINT_FILE, note)
    return Observation(current, previous, key, pinned is None, note)


def witness(
    engine: Engine, keyring: Keyring, origin: str, directory: Path, *, key: VerifierKey | None = None
) -> Observation:
    """Sign a checkpoint of the journal as it stands, and have the witness in `directory` accept it."""
    store = WitnessStore(directory)
    pinned = store.key()
    if key is not None and pinned is not None and pinned.text() != key.text():
        raise ConfigurationError(f"la clé donnée n'est pas celle que le témoin a retenue : {pinned.text()}")
    made = checkpoint(engine, keyring)
    note = signed_checkpoint(engine, keyring, origin, made.tree_size).note
    offered = key if key is not None else verifier_key(keyring, origin)
    return observe(store, note, offered, lambda old, new: consistency(engine, keyring, old, new))


class RemoteLog:
    """A vigie service seen from outside, over its public endpoints only: no database, no key file."""

    def __init__(self, base_url: str) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InvalidInput("adresse du service", base_url[:80], "URL http:// ou https:// attendue")
        self.base_url = base_url.rstrip("/")

    def _get(self, path: str, **params: int) -> str:
        url = f"{self.base_url}/api/audit/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=REMOTE_TIMEOUT) as answer:  # noqa: S310 - scheme checked
                body: bytes = answer.read(REMOTE_MAX_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise StorageError(f"le service a répondu {error.code} à {url}") from error
        except (urllib.error.URLError, OSError) as error:
            raise StorageError(f"service injoignable ({url}) : {getattr(error, 'reason', error)}") from error
        if len(body) > REMOTE_MAX_BYTES:
            raise StorageError(f"réponse trop longue de {url}")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise StorageError(f"réponse illisible de {url} (UTF-8 attendu)") from error

    def key(self) -> VerifierKey:
        return VerifierKey.parse(self._get("key"))

    def checkpoint_note(self) -> str:
        return self._get("checkpoint")

    def consistency(self, old: int, new: int) -> list[bytes]:
        try:
            nodes = json.loads(self._get("consistency", old=old, new=new))["proof"]
            return [base64.b64decode(node, validate=True) for node in nodes]
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise TamperedJournal(f"preuve de cohérence illisible de {old} à {new} entrées") from error


def witness_remote(base_url: str, directory: Path, *, key: VerifierKey | None = None) -> Observation:
    """Have the witness in `directory` accept the latest checkpoint a service publishes at `base_url`.

    The key pinned at the first run is `key` if given, else the one the service publishes then (trust on first
    use: give `--cle` to pin a key obtained another way)."""
    log = RemoteLog(base_url)
    store = WitnessStore(directory)
    pinned = store.key()
    if key is not None and pinned is not None and pinned.text() != key.text():
        raise ConfigurationError(f"la clé donnée n'est pas celle que le témoin a retenue : {pinned.text()}")
    offered = pinned or key or log.key()
    return observe(store, log.checkpoint_note(), offered, log.consistency)
