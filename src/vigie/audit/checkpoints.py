"""Signed checkpoints: the Merkle root over the first n entries, signed with the organisation's Ed25519 key.

The tree's leaves are the entries' chain hashes: leaf = SHA-256(0x00 || entry_hash). Tying the tree to the chain
this way makes a checkpoint authenticate every prev_hash link too (including where the chain restarts after a
purge), and a leaf costs one short hash whatever the entry's size.

A checkpoint is what an outside party keeps: with it and an inclusion proof they can check that an entry is in
the journal, and that later checkpoints only extend it. Checkpoints are incremental: each stores its tree's
frontier (at most log2 n hashes, checked against its signed root before use), so the next one only reads the
entries added since. A checkpoint is refused when the entries it would cover do not verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine

from vigie.audit import queries
from vigie.audit.chain import ChainChecker
from vigie.audit.events import GENESIS_HASH, parse_timestamp, timestamp_text
from vigie.audit.merkle import CompactRange
from vigie.audit.signing import anchor_text, checkpoint_text, head_text, join_hashes, signature_valid, split_hashes
from vigie.clock import SYSTEM_CLOCK
from vigie.crypto import Keyring
from vigie.errors import TamperedJournal
from vigie.store import connect


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head: `tree_size` entries, their Merkle root and the chain hash of the last one."""

    number: int
    tree_size: int
    root_hash: bytes
    chain_hash: bytes
    signed_at: str
    signature: bytes
    frontier: bytes

    @classmethod
    def from_row(cls, row: Any) -> Checkpoint:
        return cls(row.id, row.tree_size, row.root_hash, row.chain_hash, row.signed_at, row.signature, row.frontier)

    @property
    def label(self) -> str:
        return f"point de contrôle n°{self.number}"

    def text(self) -> bytes:
        return checkpoint_text(self.tree_size, self.root_hash, self.chain_hash, self.signed_at)

    def signature_ok(self, public_key: Ed25519PublicKey) -> bool:
        return signature_valid(public_key, self.signature, self.text())

    def tree(self) -> CompactRange | None:
        """The stored frontier, only if it really folds to the signed root."""
        try:
            tree = CompactRange(self.tree_size, split_hashes(self.frontier))
        except ValueError:
            return None
        return tree if tree.root() == self.root_hash else None

    def to_row(self) -> dict[str, Any]:
        """The column values (all but the number, which the database assigns)."""
        fields = ("tree_size", "root_hash", "chain_hash", "signed_at", "signature", "frontier")
        return {name: getattr(self, name) for name in fields}

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "chain_hash": self.chain_hash.hex(),
            "signed_at": self.signed_at,
            "signature": self.signature.hex(),
        }

    @property
    def signed_at_datetime(self) -> datetime:
        return parse_timestamp(self.signed_at)


@dataclass(frozen=True)
class Base:
    """Where a walk over the stored entries starts: genesis, the purge anchor, or a checkpoint."""

    seq: int
    entry_hash: bytes
    tree: CompactRange


def public_key(keyring: Keyring) -> Ed25519PublicKey:
    return keyring.signing_key().public_key()


def anchor_base(connection: Connection, key: Ed25519PublicKey) -> tuple[Base, bool]:
    """The purge anchor (or genesis) and whether its signature holds."""
    row = queries.anchor_row(connection)
    if row is None:
        return Base(0, GENESIS_HASH, CompactRange()), True
    try:
        frontier = split_hashes(row.frontier)
        tree = CompactRange(row.seq, frontier)
    except ValueError:
        return Base(row.seq, row.entry_hash, CompactRange()), False
    signed = signature_valid(key, row.signature, anchor_text(row.seq, row.entry_hash, frontier, row.signed_at))
    return Base(row.seq, row.entry_hash, tree), signed


def head_signature_ok(key: Ed25519PublicKey, seq: int, entry_hash: bytes, signature: bytes | None) -> bool:
    """The head is signed after every group; only the genesis head (nothing written yet) is unsigned."""
    if signature is None:
        return seq == 0 and entry_hash == GENESIS_HASH
    return signature_valid(key, signature, head_text(seq, entry_hash))


def all_checkpoints(connection: Connection) -> list[Checkpoint]:
    return [Checkpoint.from_row(row) for row in queries.checkpoint_rows(connection)]


def latest_checkpoint(connection: Connection) -> Checkpoint | None:
    row = queries.latest_checkpoint_row(connection)
    return Checkpoint.from_row(row) if row is not None else None


def _base(connection: Connection, key: Ed25519PublicKey, latest: Checkpoint | None) -> Base:
    anchor, anchor_ok = anchor_base(connection, key)
    if not anchor_ok:
        raise TamperedJournal("l'ancre de purge n'a pas une signature valide")
    if latest is None or latest.tree_size < anchor.seq:
        return anchor
    tree = latest.tree()
    if not latest.signature_ok(key) or tree is None:
        raise TamperedJournal(f"le {latest.label} n'a pas une signature ou une frontière valide")
    return Base(latest.tree_size, latest.chain_hash, tree)


def checkpoint(engine: Engine, keyring: Keyring, *, at: datetime | None = None) -> Checkpoint:
    """Sign the journal as it stands (or return the latest checkpoint when nothing was added since)."""
    key = public_key(keyring)
    with connect(engine) as connection:
        head = queries.lock_head(connection)
        if head is None:
            raise TamperedJournal("tête du journal absente")
        if not head_signature_ok(key, head.seq, head.entry_hash, head.signature):
            raise TamperedJournal("la tête du journal n'a pas une signature valide")
        latest = latest_checkpoint(connection)
        if latest is not None and latest.tree_size == head.seq:
            return latest
        if latest is not None and latest.tree_size > head.seq:
            raise TamperedJournal(f"le {latest.label} couvre plus d'entrées que la tête du journal")
        base = _base(connection, key, latest)
        checker = ChainChecker(base.seq, base.entry_hash, base.tree.copy(), head.seq)
        for entry in queries.iter_entries(connection, after=base.seq, until=head.seq):
            checker.feed(entry)
        checker.finish(head.seq, head.entry_hash)
        if checker.problems:
            raise TamperedJournal(checker.problems[0].message)
        tree = checker.tree
        assert tree is not None and tree.size == head.seq
        signed_at = timestamp_text(at or SYSTEM_CLOCK.now())
        root = tree.root()
        signature = keyring.signing_key().sign(checkpoint_text(head.seq, root, head.entry_hash, signed_at))
        made = Checkpoint(0, head.seq, root, head.entry_hash, signed_at, signature, join_hashes(tree.hashes))
        values = made.to_row()
        number = queries.insert_checkpoint(connection, values)
    return Checkpoint(number, **values)
