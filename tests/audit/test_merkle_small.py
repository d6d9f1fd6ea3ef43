"""Proofs from a purged prefix equal proofs from all leaves, over a tree small enough for mutation runs.

The same property as `test_proofs_from_a_purged_prefix_equal_proofs_from_all_leaves`, on 13 leaves instead of
70 (every cut, every size, every index): scripts/mutation.sh runs this one, which takes a second through
mutmut's trampolines where the large one takes minutes. With it, the bounds of the verification and of the
purged prefix.
"""

from __future__ import annotations

import hashlib

import pytest

from vigie.audit.merkle import (
    CompactRange,
    consistency_path,
    consistency_proof,
    inclusion_path,
    inclusion_proof,
    leaf_hash,
    prefixed,
    root,
    verify_inclusion,
)

LEAVES = [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(13)]


def test_every_proof_after_a_purge_equals_the_proof_from_all_leaves() -> None:
    for cut in range(len(LEAVES)):
        prefix = CompactRange()
        for leaf in LEAVES[:cut]:
            prefix.append(leaf)
        for size in range(max(cut, 1), len(LEAVES) + 1):
            subtree = prefixed(prefix, LEAVES[cut:size])
            for index in range(cut, size):
                assert inclusion_path(index, size, subtree) == inclusion_proof(LEAVES[:size], index)
            for old in range(cut, size + 1):
                assert consistency_path(old, size, subtree) == consistency_proof(LEAVES[:size], old)


def test_an_inclusion_proof_for_an_index_past_the_last_leaf_never_verifies() -> None:
    """RFC 9162 2.1.3.2 step 1: the index must lie in the tree; a proof that would otherwise fold to the root
    (the 1-leaf tree's own leaf, the 2-leaf tree's left leaf with its sibling) is refused at index == size."""
    assert verify_inclusion(LEAVES[0], 0, 1, [], root(LEAVES[:1]))
    assert not verify_inclusion(LEAVES[0], 1, 1, [], root(LEAVES[:1]))
    assert verify_inclusion(LEAVES[0], 0, 2, [LEAVES[1]], root(LEAVES[:2]))
    assert not verify_inclusion(LEAVES[0], 2, 2, [LEAVES[1]], root(LEAVES[:2]))


def test_a_proof_that_needs_a_purged_leaf_says_so_whichever_leaf_it_is() -> None:
    """Callers check bounds first; a proof reaching into the purged prefix is an IndexError, not a crash."""
    prefix = CompactRange()
    for leaf in LEAVES[:3]:
        prefix.append(leaf)
    subtree = prefixed(prefix, LEAVES[3:5])
    for index, purged in ((0, 1), (1, 0)):  # each needs its sibling, gone with the prefix
        with pytest.raises(IndexError, match=f"leaf {purged} was purged"):
            inclusion_path(index, 5, subtree)
