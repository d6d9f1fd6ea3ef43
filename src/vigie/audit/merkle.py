"""Merkle tree hashing and proofs exactly as RFC 9162 (Certificate Transparency v2) defines them.

Pure functions over leaf hashes, so that any outside verifier implementing the RFC can check vigie's proofs.
Leaves and nodes are domain-separated (0x00 / 0x01 prefixes) so that a node can never pass for a leaf.
Indices are 0-based as in the RFC. Proof generation takes a `subtree(start, end)` callback, which lets the
journal answer from a purged prefix's frontier plus the remaining leaves instead of the whole history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()

Subtree = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class CompactRange:
    """The perfect subtrees covering leaves [0, size), largest first: enough to extend the tree and get its root.

    It holds at most log2(size) hashes, which is what a purge keeps of the leaves it removes.
    """

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a frontier of {size} leaves has {size.bit_count()} hashes, not {len(hashes)}")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash, merging equal-sized subtrees as the binary counter carries."""
        hashes = self.hashes
        hashes.append(leaf)
        size = self.size
        while size & 1:
            right = hashes.pop()
            hashes[-1] = node_hash(hashes[-1], right)
            size >>= 1
        self.size += 1

    def root(self) -> bytes:
        """MTH of the leaves so far: the subtrees folded from the right, as the RFC's split rule implies."""
        if not self.hashes:
            return EMPTY_ROOT
        result = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            result = node_hash(left, result)
        return result

    def blocks(self) -> dict[tuple[int, int], bytes]:
        """Each subtree hash keyed by its leaf range (start, end)."""
        out: dict[tuple[int, int], bytes] = {}
        start = 0
        index = 0
        for bit in reversed(range(self.size.bit_length())):
            if self.size >> bit & 1:
                out[(start, start + (1 << bit))] = self.hashes[index]
                start += 1 << bit
                index += 1
        return out

    def copy(self) -> CompactRange:
        return CompactRange(self.size, self.hashes)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (not leaf data)."""
    tree = CompactRange()
    for leaf in leaves:
        tree.append(leaf)
    return tree.root()


def over(leaves: Sequence[bytes]) -> Subtree:
    """The `subtree` callback for a tree whose leaf hashes are all in memory."""
    return lambda start, end: root(leaves[start:end])


def prefixed(prefix: CompactRange, leaves: Sequence[bytes]) -> Subtree:
    """The `subtree` callback for a tree whose first `prefix.size` leaves are gone, known only by their frontier.

    Every node a proof needs inside the gone prefix is one of the frontier's subtrees (nodes straddling the cut
    are rebuilt from their children), so proofs for leaves at or after the cut still work after a purge.
    """
    cut = prefix.size
    blocks = prefix.blocks()

    def subtree(start: int, end: int) -> bytes:
        if start >= cut:
            return root(leaves[start - cut : end - cut])
        known = blocks.get((start, end))
        if known is not None:
            return known
        if end - start == 1:
            raise IndexError(f"leaf {start} was purged")
        k = split_point(end - start)
        return node_hash(subtree(start, start + k), subtree(start + k, end))

    return subtree


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 section 2.1.3.1: the sibling hashes from the leaf up to the root."""
    if not 0 <= index < size:
        raise IndexError(f"leaf {index} outside a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start += k
    path.reverse()
    return path


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The inclusion proof of leaf `index` in the tree of all `leaves`."""
    return inclusion_path(index, len(leaves), over(leaves))


def consistency_path(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 section 2.1.4.1: proves that the first m leaves are unchanged in the n-tree."""
    if not 0 <= old_size <= new_size:
        raise IndexError(f"no consistency proof from {old_size} to {new_size} leaves")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    m, start, end, whole = old_size, 0, new_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(subtree(start + k, end))
            end = start + k
        else:
            proof.append(subtree(start, start + k))
            m -= k
            start += k
            whole = False
    if not whole:
        proof.append(subtree(start, end))
    proof.reverse()
    return proof


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """The consistency proof from the first `old_size` leaves to all `leaves`."""
    return consistency_path(old_size, len(leaves), over(leaves))


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: does `proof` place `leaf` at `index` of the `size`-leaf tree with this root?"""
    if not 0 <= index < size:
        return False
    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == expected_root


def verify_consistency(old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes) -> bool:
    """RFC 9162 section 2.1.4.2: is the `new_size` tree an append-only extension of the `old_size` one?"""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first = node_hash(node, first)
            second = node_hash(node, second)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            second = node_hash(second, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and first == old_root and second == new_root
