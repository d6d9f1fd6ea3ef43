"""Proofs from a purged prefix equal proofs from all leaves, over a tree small enough for mutation runs.

The same property as `test_proofs_from_a_purged_prefix_equal_proofs_from_all_leaves`, on 13 leaves instead of
70 (every cut, every size, every index): scripts/mutation.sh runs this one, which takes a second through
mutmut's trampolines where the large one takes minutes.
"""

from __future__ import annotations

import hashlib

from vigie.audit.merkle import (
    CompactRange,
    consistency_path,
    consistency_proof,
    inclusion_path,
    inclusion_proof,
    leaf_hash,
    prefixed,
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
