"""What an outsider checks the journal with: the verifier key, C2SP checkpoint notes, consistency proofs."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from vigie.audit import TamperedJournal, checkpoint, consistency
from vigie.audit.merkle import consistency_proof as consistency_proof_of
from vigie.audit.merkle import leaf_hash, verify_consistency
from vigie.audit.notes import TreeHead, open_note
from vigie.audit.transparency import consistency_proof, signed_checkpoint, verifier_key
from vigie.crypto import Keyring
from vigie.errors import InvalidInput, NotFound

Fill = Callable[[int], list[int]]
ORIGIN = "cnam.example/vigie-audit"


def test_a_checkpoint_note_opens_with_the_published_key_and_carries_the_signed_root(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(9)
    made = checkpoint(engine, keyring)
    exported = signed_checkpoint(engine, keyring, ORIGIN)
    text = open_note(exported.note, verifier_key(keyring, ORIGIN))
    head = TreeHead.parse(text)
    assert (head.origin, head.size, head.root) == (ORIGIN, 9, made.root_hash)
    assert text == f"{ORIGIN}\n9\n{base64.b64encode(made.root_hash).decode()}\n"
    assert signed_checkpoint(engine, keyring, ORIGIN).note == exported.note  # deterministic


def test_an_older_checkpoint_is_exported_by_its_size_and_a_missing_one_is_not_found(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    with pytest.raises(NotFound, match="point de contrôle signé introuvable"):
        signed_checkpoint(engine, keyring, ORIGIN)
    fill(3)
    checkpoint(engine, keyring)
    fill(2)
    checkpoint(engine, keyring)
    assert signed_checkpoint(engine, keyring, ORIGIN, 3).head.size == 3
    assert signed_checkpoint(engine, keyring, ORIGIN).head.size == 5
    with pytest.raises(NotFound):
        signed_checkpoint(engine, keyring, ORIGIN, 4)


def test_a_checkpoint_row_forged_in_the_database_is_never_signed_into_a_note(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(4)
    checkpoint(engine, keyring)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_checkpoints SET root_hash = chain_hash")
    with pytest.raises(TamperedJournal, match="point de contrôle n°1 n'a pas une signature valide"):
        signed_checkpoint(engine, keyring, ORIGIN)


def test_a_consistency_proof_links_two_exported_checkpoints(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(6)
    checkpoint(engine, keyring)
    fill(7)
    checkpoint(engine, keyring)
    key = verifier_key(keyring, ORIGIN)
    old = TreeHead.parse(open_note(signed_checkpoint(engine, keyring, ORIGIN, 6).note, key))
    new = TreeHead.parse(open_note(signed_checkpoint(engine, keyring, ORIGIN, 13).note, key))
    proof = consistency_proof(engine, keyring, 6, 13)
    assert proof.verified is True
    nodes = [base64.b64decode(node) for node in proof.to_dict()["proof"]]
    assert verify_consistency(6, 13, nodes, old.root, new.root)  # what a client does with the three documents
    assert not verify_consistency(6, 13, nodes[:-1], old.root, new.root)
    assert consistency_proof(engine, keyring, 5, 13).verified is None  # no checkpoint of 5 entries to check with


@pytest.mark.parametrize(("old", "new"), [(5, 4), (0, 99), (2**63, 2**64), (-1, 3)])
def test_sizes_outside_the_journal_are_bad_input_before_any_query(
    engine: Engine, keyring: Keyring, fill: Fill, old: int, new: int
) -> None:
    fill(5)
    with pytest.raises(InvalidInput, match=r"tailles .* invalide : attendu 0 ≤ ancienne ≤ nouvelle ≤ 5"):
        consistency_proof(engine, keyring, old, new)


def test_a_proof_from_a_checkpointed_size_reads_only_the_entries_added_since_and_is_the_same_proof(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    """The old tree's nodes come from its signed frontier: deleting the entries before it changes nothing."""
    fill(23)
    checkpoint(engine, keyring)
    fill(18)
    leaves = [leaf_hash(h) for h in entry_hashes(engine)]
    expected = {new: consistency_proof_of(leaves[:new], 23) for new in (23, 24, 32, 41)}
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM audit_entries WHERE seq <= 23")  # gone, yet not needed
    for new, proof in expected.items():
        assert consistency(engine, keyring, 23, new) == proof
    with pytest.raises(NotFound):
        consistency(engine, keyring, 22, 41)  # no checkpoint of 22 entries: the deleted leaves would be needed


def entry_hashes(engine: Engine) -> list[bytes]:
    with engine.connect() as connection:
        return [row[0] for row in connection.exec_driver_sql("SELECT entry_hash FROM audit_entries ORDER BY seq")]
