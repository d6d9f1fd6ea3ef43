"""The texts that vigie signs with its Ed25519 key: the chain head, checkpoints and the purge anchor.

Each text starts with its own label, so that a signature made for one kind can never be replayed as another.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def head_text(seq: int, entry_hash: bytes) -> bytes:
    """What the writer signs after each group: the last entry's number and hash."""
    return f"vigie-audit-head/v1\nseq={seq}\nhash={entry_hash.hex()}\n".encode("ascii")


def checkpoint_text(tree_size: int, root_hash: bytes, chain_hash: bytes, signed_at: str) -> bytes:
    """A signed tree head: the Merkle root over the first `tree_size` entries and the chain hash there."""
    return (
        f"vigie-audit-checkpoint/v1\ntree_size={tree_size}\nroot={root_hash.hex()}\n"
        f"chain={chain_hash.hex()}\nsigned_at={signed_at}\n"
    ).encode("ascii")


def anchor_text(seq: int, entry_hash: bytes, frontier: Sequence[bytes], signed_at: str) -> bytes:
    """Where the journal restarts after a purge: the last purged entry's hash and the purged tree's frontier."""
    hashes = ",".join(h.hex() for h in frontier)
    return (
        f"vigie-audit-anchor/v1\nseq={seq}\nhash={entry_hash.hex()}\nfrontier={hashes}\nsigned_at={signed_at}\n"
    ).encode("ascii")


def signature_valid(public_key: Ed25519PublicKey, signature: bytes | None, text: bytes) -> bool:
    """True when `signature` is vigie's signature of `text`."""
    if not isinstance(signature, bytes):
        return False
    try:
        public_key.verify(signature, text)
    except InvalidSignature:
        return False
    return True


def join_hashes(hashes: Sequence[bytes]) -> bytes:
    """A frontier as stored in its column: the 32-byte hashes end to end."""
    return b"".join(hashes)


def split_hashes(blob: bytes) -> list[bytes]:
    """Inverse of `join_hashes`; a length that is not a multiple of 32 raises ValueError."""
    if not isinstance(blob, bytes) or len(blob) % 32:
        raise ValueError("frontière illisible")
    return [blob[i : i + 32] for i in range(0, len(blob), 32)]
