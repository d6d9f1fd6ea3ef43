"""What an outside party needs to check the journal: the verifier key, signed checkpoints as C2SP notes, and
consistency proofs between two tree sizes. All of it is public: hashes, sizes and signatures, no entry.

A checkpoint note is signed when it is exported, after the stored checkpoint's own signature has been checked:
Ed25519 is deterministic, so the same checkpoint always gives the same note, and a row forged in the database
is never signed into a note.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from vigie.audit import queries
from vigie.audit.checkpoints import Checkpoint, public_key
from vigie.audit.merkle import verify_consistency
from vigie.audit.notes import TreeHead, VerifierKey, sign
from vigie.audit.proofs import consistency
from vigie.crypto import Keyring
from vigie.errors import NotFound, TamperedJournal


def verifier_key(keyring: Keyring, origin: str) -> VerifierKey:
    """The journal's public key under its origin name, as a verifier would configure it."""
    return VerifierKey(origin, public_key(keyring))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A stored checkpoint and its C2SP form: `note` is the tlog-checkpoint signed note."""

    checkpoint: Checkpoint
    head: TreeHead
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.head.origin,
            "tree_size": self.head.size,
            "root_hash": base64.b64encode(self.head.root).decode(),
            "signed_at": self.checkpoint.signed_at,
            "note": self.note,
        }


def signed_checkpoint(engine: Engine, keyring: Keyring, origin: str, size: int | None = None) -> SignedCheckpoint:
    """The latest stored checkpoint (or the one of `size` entries) as a signed note; it is never created here."""
    with queries.snapshot(engine) as connection:
        row = queries.latest_checkpoint_row(connection) if size is None else queries.checkpoint_row(connection, size)
    if row is None:
        raise NotFound("point de contrôle signé", "le plus récent" if size is None else f"{size} entrées")
    made = Checkpoint.from_row(row)
    if not made.signature_ok(public_key(keyring)):
        raise TamperedJournal(f"le {made.label} n'a pas une signature valide")
    head = TreeHead(origin, made.tree_size, made.root_hash)
    return SignedCheckpoint(made, head, sign(head.text(), origin, keyring.signing_key()))


@dataclass(frozen=True)
class ConsistencyProof:
    """RFC 9162 proof that the `new_size` tree extends the `old_size` one; `verified` when both sizes have a
    stored, correctly signed checkpoint whose roots the proof links."""

    old_size: int
    new_size: int
    path: tuple[bytes, ...]
    verified: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "proof": [base64.b64encode(node).decode() for node in self.path],
            "verified": self.verified,
        }


def consistency_proof(engine: Engine, keyring: Keyring, old_size: int, new_size: int) -> ConsistencyProof:
    """The consistency proof between two sizes, checked against the stored checkpoints of those sizes if any."""
    path = consistency(engine, keyring, old_size, new_size)
    key = public_key(keyring)
    with queries.snapshot(engine) as connection:
        rows = [queries.checkpoint_row(connection, size) for size in (old_size, new_size)]
    verified: bool | None = None
    if all(row is not None for row in rows):
        old, new = (Checkpoint.from_row(row) for row in rows)
        signed = old.signature_ok(key) and new.signature_ok(key)
        verified = signed and verify_consistency(old_size, new_size, path, old.root_hash, new.root_hash)
    return ConsistencyProof(old_size, new_size, tuple(path), verified)
