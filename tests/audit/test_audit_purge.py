"""Purging old entries keeps checkpoints and leaves the rest verifiable and provable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from vigie.audit import AuditAction, TamperedJournal, check, checkpoint, consistency, prove, purge_before, tail
from vigie.audit.merkle import verify_consistency
from vigie.crypto import Keyring
from vigie.errors import InvalidInput
from vigie.store.schema import audit_checkpoints, audit_entries

Fill = Callable[[int], list[int]]


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_a_purge_keeps_checkpoints_and_what_remains_still_verifies(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(30)
    checkpoint(engine, keyring)  # covers 1..30
    fill(10)
    assert purge_before(engine, keyring, 21) == 20
    fill(5)
    checkpoint(engine, keyring)
    report = check(engine, keyring)
    assert report.ok, report.reason
    assert report.purged_through == 20
    assert report.entries_checked == 41 - 20 + 5  # 40 + the purge's own trace, minus 20, plus 5
    assert count(engine, audit_checkpoints) == 2


def test_the_purge_is_itself_journaled(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(10)
    purge_before(engine, keyring, 6, agent_id="dpo-1")
    last = tail(engine, keyring, 1)[0]
    assert last.action == AuditAction.DESTROY and last.agent_id == "dpo-1"
    assert last.reason == "purge du journal d'audit : entrées 1 à 5 supprimées"


def test_successive_purges_extend_the_anchor(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(50)
    checkpoint(engine, keyring)
    purge_before(engine, keyring, 8)
    purge_before(engine, keyring, 33)
    assert purge_before(engine, keyring, 10) == 0  # already gone
    report = check(engine, keyring)
    assert report.ok, report.reason
    assert report.purged_through == 32


def test_entries_after_the_purge_are_still_provable_against_older_checkpoints(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(40)
    old = checkpoint(engine, keyring)
    purge_before(engine, keyring, 26)
    proof = prove(engine, keyring, 26)
    assert proof.verified, proof.reason
    assert proof.checkpoint == old
    assert prove(engine, keyring, 40).verified
    fill(9)
    new = checkpoint(engine, keyring)
    path = consistency(engine, keyring, old.tree_size, new.tree_size)
    assert verify_consistency(old.tree_size, new.tree_size, path, old.root_hash, new.root_hash)


def test_a_purged_entry_can_no_longer_be_proved(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(10)
    purge_before(engine, keyring, 5)
    with pytest.raises(InvalidInput, match="entrée purgée : le journal commence à l'entrée 5"):
        prove(engine, keyring, 4)


def test_a_purge_of_a_tampered_journal_is_refused(engine: Engine, keyring: Keyring, fill: Fill, tamper: Any) -> None:
    fill(10)
    tamper.execute("UPDATE audit_entries SET source = '10.9.9.9' WHERE seq = 2")
    with pytest.raises(TamperedJournal, match="entrée 2 modifiée"):
        purge_before(engine, keyring, 5)
    assert count(engine, audit_entries) == 10


def test_a_purge_beyond_the_last_entry_is_refused(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(3)
    with pytest.raises(InvalidInput, match="au-delà de la dernière entrée"):
        purge_before(engine, keyring, 10)


def test_deleting_entries_without_the_signed_anchor_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(10)
    tamper.execute("DELETE FROM audit_entries WHERE seq <= 4")
    report = check(engine, keyring)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 1, "entrées 1 à 4 manquantes")


def test_a_tampered_anchor_is_found(engine: Engine, keyring: Keyring, fill: Fill, tamper: Any) -> None:
    fill(10)
    purge_before(engine, keyring, 4)
    tamper.execute("DELETE FROM audit_entries WHERE seq <= 6")
    tamper.execute("UPDATE audit_anchor SET seq = 6, entry_hash = :h", h=b"\x07" * 32)
    report = check(engine, keyring)
    assert not report.ok
    assert "ancre de purge : signature invalide" in [p.message for p in report.problems]
