"""The Merkle tree follows RFC 9162: reference vectors, hand-built trees, and randomised proof round trips."""

from __future__ import annotations

import hashlib
import random

import pytest

from vigie.audit import merkle
from vigie.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_path,
    consistency_proof,
    inclusion_path,
    inclusion_proof,
    leaf_hash,
    node_hash,
    prefixed,
    root,
    verify_consistency,
    verify_inclusion,
)

# Certificate Transparency reference data (RFC 6962 / 9162 test vectors): leaf inputs and roots of each prefix.
CT_INPUTS = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                       "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_LEAVES = [leaf_hash(data) for data in CT_INPUTS]
H = bytes.fromhex


def reference_mth(leaves: list[bytes]) -> bytes:
    """MTH written as the RFC's recursive definition, to check the iterative one against."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


def random_leaves(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [leaf_hash(rng.randbytes(rng.randrange(0, 40))) for _ in range(n)]


def test_empty_tree_root_is_the_hash_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_certificate_transparency_vectors(size: int) -> None:
    assert root(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]


def test_leaves_and_nodes_are_domain_separated() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    left, right = b"L" * 32, b"R" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert leaf_hash(left + right) != node_hash(left, right)


def test_small_trees_by_hand() -> None:
    a, b, c, d, e = CT_LEAVES[:5]
    assert root([a]) == a
    assert root([a, b]) == node_hash(a, b)
    assert root([a, b, c]) == node_hash(node_hash(a, b), c)
    assert root([a, b, c, d]) == node_hash(node_hash(a, b), node_hash(c, d))
    assert root([a, b, c, d, e]) == node_hash(node_hash(node_hash(a, b), node_hash(c, d)), e)


@pytest.mark.parametrize(
    ("index", "size", "expected"),
    [
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        (0, 1, []),
    ],
)  # fmt: skip
def test_inclusion_proofs_match_the_reference_vectors(index: int, size: int, expected: list[str]) -> None:
    proof = inclusion_proof(CT_LEAVES[:size], index)
    assert [node.hex() for node in proof] == expected
    assert verify_inclusion(CT_LEAVES[index], index, size, proof, H(CT_ROOTS[size - 1]))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        (3, 8, ["0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
                "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    ],
)  # fmt: skip
def test_consistency_proofs_match_the_reference_vectors(old: int, new: int, expected: list[str]) -> None:
    proof = consistency_proof(CT_LEAVES[:new], old)
    assert [node.hex() for node in proof] == expected
    assert verify_consistency(old, new, proof, H(CT_ROOTS[old - 1]), H(CT_ROOTS[new - 1]))


@pytest.mark.parametrize("seed", range(3))
def test_compact_range_root_equals_the_recursive_definition_for_every_size(seed: int) -> None:
    leaves = random_leaves(200, seed)
    tree = CompactRange()
    for size, leaf in enumerate(leaves, start=1):
        tree.append(leaf)
        assert len(tree.hashes) == size.bit_count()
        assert tree.root() == reference_mth(leaves[:size])


def test_every_inclusion_proof_verifies_and_tampered_ones_do_not() -> None:
    rng = random.Random(7)
    for size in list(range(1, 65)) + [rng.randrange(65, 201) for _ in range(8)]:
        leaves = random_leaves(size, size)
        expected = reference_mth(leaves)
        for index in range(size):
            proof = inclusion_proof(leaves, index)
            assert verify_inclusion(leaves[index], index, size, proof, expected)
            assert not verify_inclusion(leaves[index], index, size * 2, proof, expected)
            if index < size // 2:
                assert not verify_inclusion(leaves[index], index, size // 2, proof, expected)
            assert not verify_inclusion(leaf_hash(b"autre"), index, size, proof, expected)
            if size > 1:
                assert not verify_inclusion(leaves[index], (index + 1) % size, size, proof, expected)
                broken = list(proof)
                broken[rng.randrange(len(broken))] = EMPTY_ROOT
                assert not verify_inclusion(leaves[index], index, size, broken, expected)
                assert not verify_inclusion(leaves[index], index, size, [*proof, expected], expected)


def test_every_consistency_proof_between_small_trees_verifies() -> None:
    leaves = random_leaves(48, 99)
    roots = [reference_mth(leaves[:n]) for n in range(len(leaves) + 1)]
    for new in range(len(leaves) + 1):
        for old in range(new + 1):
            proof = consistency_proof(leaves[:new], old)
            assert verify_consistency(old, new, proof, roots[old], roots[new]), (old, new)
            if 0 < old < new:
                assert not verify_consistency(old, new, proof, roots[old], roots[new - 1])
                assert not verify_consistency(old, new, proof, leaf_hash(b"x"), roots[new])
                assert not verify_consistency(old, new, proof[:-1], roots[old], roots[new])
                if old + 1 < new:
                    assert not verify_consistency(old + 1, new, proof, roots[old + 1], roots[new])


def test_random_consistency_proofs_up_to_two_hundred_leaves() -> None:
    rng = random.Random(2024)
    leaves = random_leaves(200, 5)
    for _ in range(300):
        new = rng.randrange(1, 201)
        old = rng.randrange(0, new + 1)
        proof = consistency_proof(leaves[:new], old)
        assert verify_consistency(old, new, proof, reference_mth(leaves[:old]), reference_mth(leaves[:new]))


def test_degenerate_consistency_cases() -> None:
    a, b = CT_LEAVES[:2]
    assert verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    assert verify_consistency(0, 2, [], EMPTY_ROOT, root([a, b]))
    assert not verify_consistency(0, 2, [a], EMPTY_ROOT, root([a, b]))
    assert verify_consistency(2, 2, [], root([a, b]), root([a, b]))
    assert not verify_consistency(2, 2, [], root([a, b]), a)
    assert not verify_consistency(2, 1, [], a, a)
    assert not verify_consistency(1, 2, [], a, root([a, b]))


def test_proofs_refuse_indices_outside_the_tree() -> None:
    with pytest.raises(IndexError):
        inclusion_proof(CT_LEAVES[:2], 2)
    with pytest.raises(IndexError):
        consistency_proof(CT_LEAVES[:2], 3)
    assert not verify_inclusion(CT_LEAVES[0], 0, 0, [], EMPTY_ROOT)


def test_proofs_from_a_purged_prefix_equal_proofs_from_all_leaves() -> None:
    """After a purge only the frontier of the first `cut` leaves is kept; proofs after the cut are unchanged."""
    leaves = random_leaves(70, 3)
    for cut in range(0, 40):
        prefix = CompactRange()
        for leaf in leaves[:cut]:
            prefix.append(leaf)
        for size in range(max(cut, 1), 70, 3):
            subtree = prefixed(prefix, leaves[cut:size])
            for index in range(cut, size):
                assert inclusion_path(index, size, subtree) == inclusion_proof(leaves[:size], index)
            for old in range(cut, size + 1):
                assert consistency_path(old, size, subtree) == consistency_proof(leaves[:size], old)


def test_a_purged_leaf_cannot_be_proved() -> None:
    prefix = CompactRange()
    for leaf in CT_LEAVES[:5]:
        prefix.append(leaf)
    with pytest.raises(IndexError):
        inclusion_path(2, 8, prefixed(prefix, CT_LEAVES[5:8]))


def test_a_frontier_with_the_wrong_number_of_hashes_is_refused() -> None:
    with pytest.raises(ValueError, match="frontier"):
        CompactRange(3, [CT_LEAVES[0]])
    assert merkle.split_point(5) == 4 and merkle.split_point(8) == 4 and merkle.split_point(2) == 1
