"""Inclusion and consistency proofs against signed checkpoints, for entries still in the journal.

After a purge, proofs are only given for entries after the purge point, against checkpoints that cover them:
the purged prefix survives as the anchor's frontier, which supplies every node a proof needs from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from vigie.audit import queries
from vigie.audit.chain import Entry
from vigie.audit.checkpoints import Base, Checkpoint, anchor_base, checkpoint, latest_checkpoint, public_key
from vigie.audit.journal import AuditSink, record_read
from vigie.audit.merkle import consistency_path, inclusion_path, leaf_hash, prefixed, verify_inclusion
from vigie.crypto import Keyring
from vigie.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class InclusionProof:
    """Entry `seq` is leaf `seq - 1` of the checkpoint's tree: `path` leads from its leaf hash to the root."""

    seq: int
    entry: Entry
    checkpoint: Checkpoint
    leaf_hash: bytes | None
    path: tuple[bytes, ...]
    verified: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "leaf_index": self.seq - 1,
            "leaf_hash": self.leaf_hash.hex() if self.leaf_hash is not None else None,
            "path": [node.hex() for node in self.path],
            "checkpoint": self.checkpoint.to_dict(),
            "verified": self.verified,
            "reason": self.reason,
            "entry": self.entry.to_dict(),
        }


def _leaves(base: Base, hashes: list[tuple[int, bytes]], tree_size: int) -> list[bytes] | None:
    """Leaf hashes of entries (base, tree_size], or None when some are missing."""
    if [seq for seq, _ in hashes] != list(range(base.seq + 1, tree_size + 1)):
        return None
    return [leaf_hash(entry_hash) for _, entry_hash in hashes]


def _check_seq(seq: int, head_seq: int, base: Base) -> None:
    if seq < 1:
        raise InvalidInput("numéro d'entrée", str(seq), "entier positif attendu")
    if seq > head_seq:
        raise NotFound("entrée du journal d'audit", str(seq))
    if seq <= base.seq:
        raise InvalidInput(
            "numéro d'entrée", str(seq), f"entrée purgée : le journal commence à l'entrée {base.seq + 1}"
        )


def prove(
    engine: Engine,
    keyring: Keyring,
    seq: int,
    *,
    journal: AuditSink | None = None,
    agent_id: str | None = None,
    source: str | None = None,
) -> InclusionProof:
    """The inclusion proof of entry `seq` against the latest checkpoint (signed now if none covers it)."""
    key = public_key(keyring)
    with queries.snapshot(engine) as connection:
        head = queries.read_head(connection)
        base, _ = anchor_base(connection, key)
        latest = latest_checkpoint(connection)
    _check_seq(seq, head.seq if head is not None else 0, base)
    cp = latest if latest is not None and latest.tree_size >= seq else checkpoint(engine, keyring)
    with queries.snapshot(engine) as connection:
        base, anchor_ok = anchor_base(connection, key)
        _check_seq(seq, cp.tree_size, base)
        entry = queries.entry(connection, seq)
        hashes = queries.entry_hashes(connection, base.seq, cp.tree_size)
    if entry is None:
        raise NotFound("entrée du journal d'audit", str(seq))
    leaves = _leaves(base, hashes, cp.tree_size)
    path = inclusion_path(seq - 1, cp.tree_size, prefixed(base.tree, leaves)) if leaves is not None else []
    computed = entry.computed_hash()
    leaf = leaf_hash(computed) if computed is not None else None
    signed = cp.signature_ok(key) and anchor_ok
    included = leaf is not None and verify_inclusion(leaf, seq - 1, cp.tree_size, path, cp.root_hash)
    if not signed:
        reason = f"{cp.label} ou ancre de purge : signature invalide"
    elif computed != entry.entry_hash:
        reason = f"entrée {seq} modifiée : son empreinte ne correspond plus"
    elif leaves is None:
        reason = f"des entrées manquent avant le {cp.label} : preuve impossible"
    elif not included:
        reason = f"la preuve ne mène pas à la racine signée du {cp.label} : le journal a été modifié"
    else:
        reason = f"l'entrée {seq} figure dans le {cp.label} ({cp.tree_size} entrées) : preuve vérifiée"
    record_read(
        engine, keyring, f"preuve d'inclusion de l'entrée {seq}", journal=journal, agent_id=agent_id, source=source
    )
    return InclusionProof(seq, entry, cp, leaf, tuple(path), signed and included, reason)


def _signed_frontier(connection: Any, key: Any, size: int) -> Base | None:
    """Where a proof from `size` can start: the stored checkpoint of that size, if its signature holds and its
    frontier folds to its signed root."""
    row = queries.checkpoint_row(connection, size)
    if row is None:
        return None
    made = Checkpoint.from_row(row)
    tree = made.tree()
    if tree is None or not made.signature_ok(key):
        return None
    return Base(size, made.chain_hash, tree)


def consistency(engine: Engine, keyring: Keyring, old_size: int, new_size: int) -> list[bytes]:
    """The RFC 9162 consistency proof between two tree sizes, both at or after the purge point.

    Every node a proof takes from the old tree is one of its frontier's subtrees: when the old size has a signed
    checkpoint (what a witness last saw), only the entries added since are read, not the whole journal."""
    key = public_key(keyring)
    with queries.snapshot(engine) as connection:
        base, _ = anchor_base(connection, key)
        head = queries.read_head(connection)
        head_seq = head.seq if head is not None else 0
        if not base.seq <= old_size <= new_size <= head_seq:  # checked before a size reaches SQL
            raise InvalidInput(
                "tailles", f"{old_size} → {new_size}", f"attendu {base.seq} ≤ ancienne ≤ nouvelle ≤ {head_seq}"
            )
        start = _signed_frontier(connection, key, old_size)  # at the base's own size: the base's frontier again
        if start is not None:
            hashes = queries.entry_hashes(connection, start.seq, new_size)
            leaves = _leaves(start, hashes, new_size)
            if leaves is not None:
                return consistency_path(old_size, new_size, prefixed(start.tree, leaves))
        hashes = queries.entry_hashes(connection, base.seq, new_size)
    leaves = _leaves(base, hashes, new_size)
    if leaves is None:
        raise NotFound("entrées du journal d'audit", f"{base.seq + 1} à {new_size}")
    return consistency_path(old_size, new_size, prefixed(base.tree, leaves))
