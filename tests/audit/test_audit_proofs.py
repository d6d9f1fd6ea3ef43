"""Signed checkpoints and inclusion / consistency proofs, checkable by an outsider with the public key only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from vigie.audit import TamperedJournal, check, checkpoint, consistency, prove
from vigie.audit.merkle import leaf_hash, root, verify_consistency, verify_inclusion
from vigie.audit.signing import signature_valid
from vigie.crypto import Keyring
from vigie.errors import InvalidInput, NotFound
from vigie.store.schema import audit_checkpoints, audit_entries

Fill = Callable[[int], list[int]]


def all_leaves(engine: Engine) -> list[bytes]:
    with engine.connect() as connection:
        hashes = connection.scalars(select(audit_entries.c.entry_hash).order_by(audit_entries.c.seq))
        return [leaf_hash(h) for h in hashes]


def test_a_checkpoint_signs_the_merkle_root_of_all_entries(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(37)
    made = checkpoint(engine, keyring)
    assert made.tree_size == 37
    assert made.root_hash == root(all_leaves(engine))
    assert signature_valid(keyring.signing_key().public_key(), made.signature, made.text())
    assert made.text().decode().startswith("vigie-audit-checkpoint/v1\ntree_size=37\n")


def test_checkpoints_are_incremental_and_agree_with_a_full_recomputation(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(5)
    first = checkpoint(engine, keyring)
    fill(60)
    second = checkpoint(engine, keyring)
    assert (first.tree_size, second.tree_size) == (5, 65)
    assert second.root_hash == root(all_leaves(engine))
    assert check(engine, keyring).ok


def test_a_checkpoint_with_nothing_new_is_the_previous_one(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(3)
    assert checkpoint(engine, keyring) == checkpoint(engine, keyring)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(audit_checkpoints)) == 1


def test_a_checkpoint_over_a_tampered_journal_is_refused(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(10)
    tamper.execute("UPDATE audit_entries SET reason = 'effacé' WHERE seq = 3")
    with pytest.raises(TamperedJournal, match="entrée 3 modifiée"):
        checkpoint(engine, keyring)


def test_a_tampered_checkpoint_frontier_is_refused_as_a_base(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(10)
    checkpoint(engine, keyring)
    fill(2)
    tamper.execute("UPDATE audit_checkpoints SET frontier = :f", f=b"\x05" * 64)
    with pytest.raises(TamperedJournal, match="frontière"):
        checkpoint(engine, keyring)


def test_an_inclusion_proof_verifies_with_the_public_key_alone(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(23)
    proof = prove(engine, keyring, 11)
    assert proof.verified, proof.reason
    assert proof.reason == "l'entrée 11 figure dans le point de contrôle n°1 (23 entrées) : preuve vérifiée"
    public = keyring.signing_key().public_key()
    assert signature_valid(public, proof.checkpoint.signature, proof.checkpoint.text())
    assert proof.leaf_hash is not None
    assert verify_inclusion(proof.leaf_hash, 10, 23, proof.path, proof.checkpoint.root_hash)


def test_proving_an_entry_after_the_latest_checkpoint_signs_a_new_one(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(4)
    checkpoint(engine, keyring)
    fill(4)
    proof = prove(engine, keyring, 7)
    assert proof.verified
    assert proof.checkpoint.number == 2 and proof.checkpoint.tree_size == 8


def test_a_proof_of_a_modified_entry_does_not_verify(engine: Engine, keyring: Keyring, fill: Fill, tamper: Any) -> None:
    fill(8)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_entries SET agent_id = 'quelqu-un' WHERE seq = 5")
    proof = prove(engine, keyring, 5)
    assert not proof.verified
    assert proof.reason == "entrée 5 modifiée : son empreinte ne correspond plus"


@pytest.mark.parametrize(
    ("seq", "error", "message"),
    [(0, InvalidInput, "entier positif"), (99, NotFound, "introuvable"), (-3, InvalidInput, "entier positif")],
)
def test_proving_an_unknown_entry_says_so_in_french(
    engine: Engine, keyring: Keyring, fill: Fill, seq: int, error: type[Exception], message: str
) -> None:
    fill(3)
    with pytest.raises(error, match=message):
        prove(engine, keyring, seq)


def test_consistency_proofs_link_successive_checkpoints(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(6)
    old = checkpoint(engine, keyring)
    fill(19)
    new = checkpoint(engine, keyring)
    proof = consistency(engine, keyring, old.tree_size, new.tree_size)
    assert verify_consistency(old.tree_size, new.tree_size, proof, old.root_hash, new.root_hash)
    with pytest.raises(InvalidInput):
        consistency(engine, keyring, 9, 5)
