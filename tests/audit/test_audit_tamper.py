"""Tampering done with SQL in the real database is found by `verify`, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from vigie.audit import TamperedJournal, check, checkpoint, verify
from vigie.audit.chain import Entry
from vigie.audit.events import chain_hash
from vigie.crypto import Keyring

Fill = Callable[[int], list[int]]

MODIFICATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "reason": ("UPDATE audit_entries SET reason = 'consultation légitime' WHERE seq = 7", {}),
    "allowed": ("UPDATE audit_entries SET allowed = NOT allowed WHERE seq = 7", {}),
    "action": ("UPDATE audit_entries SET action = 'decide' WHERE seq = 7", {}),
    "at": ("UPDATE audit_entries SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 7", {}),
    "agent_id": ("UPDATE audit_entries SET agent_id = 'agent-innocent' WHERE seq = 7", {}),
    "agent_id effacé": ("UPDATE audit_entries SET agent_id = NULL WHERE seq = 7", {}),
    "subject_ref": ("UPDATE audit_entries SET subject_ref = :v WHERE seq = 7", {"v": "0" * 32}),
    "purpose": ("UPDATE audit_entries SET purpose = 'statistiques' WHERE seq = 7", {}),
    "categories": ("UPDATE audit_entries SET categories = '[\"nir\"]' WHERE seq = 7", {}),
    "recipient": ("UPDATE audit_entries SET recipient = 'DGFiP' WHERE seq = 7", {}),
    "source": ("UPDATE audit_entries SET source = '192.0.2.1' WHERE seq = 7", {}),
    "entry_hash": ("UPDATE audit_entries SET entry_hash = :v WHERE seq = 7", {"v": b"\x01" * 32}),
}


@pytest.mark.parametrize("field", list(MODIFICATIONS))
def test_modifying_any_field_of_an_entry_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any, field: str
) -> None:
    fill(20)
    sql, params = MODIFICATIONS[field]
    tamper.execute(sql, **params)
    report = check(engine, keyring)
    assert not report.ok
    assert report.first_bad_seq == 7
    assert report.reason == "entrée 7 modifiée : son empreinte ne correspond plus"


def test_changing_the_link_to_the_previous_entry_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(20)
    tamper.execute("UPDATE audit_entries SET prev_hash = :v WHERE seq = 7", v=b"\x02" * 32)
    report = check(engine, keyring)
    assert (report.ok, report.first_bad_seq) == (False, 7)
    assert report.reason.startswith("entrée 7 déplacée ou insérée")


def test_deleting_an_entry_is_found(engine: Engine, keyring: Keyring, fill: Fill, tamper: Any) -> None:
    fill(20)
    tamper.execute("DELETE FROM audit_entries WHERE seq = 12")
    report = check(engine, keyring)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 12, "entrée 12 manquante")


def test_deleting_the_last_entries_is_found_through_the_signed_head(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(20)
    tamper.execute("DELETE FROM audit_entries WHERE seq >= 18")
    report = check(engine, keyring)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 18, "entrées 18 à 20 manquantes")


def test_rewinding_the_head_after_deleting_the_tail_breaks_its_signature(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(20)
    last = tamper.row(19)["entry_hash"]
    tamper.execute("DELETE FROM audit_entries WHERE seq = 20")
    tamper.execute("UPDATE audit_head SET seq = 19, entry_hash = :h", h=last)
    report = check(engine, keyring)
    assert not report.ok
    assert "tête du journal : signature invalide" in [p.message for p in report.problems]


def forged_after(previous: dict[str, Any], seq: int, reason: str) -> dict[str, Any]:
    """A well-formed entry chained on `previous`, as an attacker who knows the encoding would write it."""
    values = {**previous, "seq": seq, "reason": reason, "prev_hash": previous["entry_hash"]}
    entry = Entry(**{**values, "allowed": int(values["allowed"]), "entry_hash": b""})
    canonical = entry.canonical()
    assert canonical is not None
    return {**values, "entry_hash": chain_hash(values["prev_hash"], canonical)}


def test_appending_a_well_formed_forged_entry_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(20)
    tamper.insert(forged_after(tamper.row(20), 21, "accès autorisé par la direction"))
    report = check(engine, keyring)
    assert (report.ok, report.first_bad_seq) == (False, 21)
    assert report.reason == "entrée 21 déplacée ou insérée : elle suit la tête signée du journal"


def test_replacing_an_entry_by_a_well_formed_forgery_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(20)
    forged = forged_after(tamper.row(9), 10, "rien à signaler")
    tamper.execute("DELETE FROM audit_entries WHERE seq = 10")
    tamper.insert(forged)
    report = check(engine, keyring)
    assert not report.ok
    assert report.first_bad_seq == 11
    assert report.reason == "entrée 11 déplacée ou insérée : elle ne suit pas l'entrée 10"


def test_inserting_a_forged_entry_before_the_journal_start_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(5)
    tamper.insert({**tamper.row(1), "seq": 0})
    report = check(engine, keyring)
    assert (report.ok, report.first_bad_seq) == (False, 0)
    assert "déplacée ou insérée" in report.reason


@pytest.mark.parametrize(("first", "second"), [(4, 15), (8, 9)])
def test_reordering_entries_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any, first: int, second: int
) -> None:
    fill(20)
    tamper.swap_contents(first, second)
    report = check(engine, keyring)
    assert (report.ok, report.first_bad_seq) == (False, first)
    assert report.reason == f"entrée {first} déplacée ou insérée : elle ne suit pas l'entrée {first - 1}"


def test_rewriting_the_chain_after_a_change_is_found_by_the_checkpoint_and_the_head(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    """The chain alone is keyless; signed roots and the signed head are what an attacker cannot recompute."""
    fill(20)
    checkpoint(engine, keyring)
    previous = tamper.row(4)
    for seq in range(5, 21):
        row = tamper.row(seq)
        reason = "motif réécrit" if seq == 5 else row["reason"]
        rewritten = forged_after({**row, "entry_hash": previous["entry_hash"]}, seq, reason)
        tamper.execute(
            "UPDATE audit_entries SET reason = :r, prev_hash = :p, entry_hash = :h WHERE seq = :s",
            r=rewritten["reason"], p=rewritten["prev_hash"], h=rewritten["entry_hash"], s=seq,
        )  # fmt: skip
        previous = rewritten
    report = check(engine, keyring)
    assert not report.ok
    messages = [p.message for p in report.problems]
    assert "entrée 20 modifiée : la tête signée du journal ne la reconnaît plus" in messages
    assert any("point de contrôle n°1 (20 entrées) : sa racine signée ne correspond plus" in m for m in messages)


def test_a_forged_checkpoint_signature_is_found(engine: Engine, keyring: Keyring, fill: Fill, tamper: Any) -> None:
    fill(10)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_checkpoints SET signature = :s", s=bytes(64))
    report = check(engine, keyring)
    assert not report.ok
    assert report.first_bad_seq is None
    assert report.reason == "point de contrôle n°1 : signature invalide"


def test_a_checkpoint_signed_with_another_key_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(10)
    made = checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_checkpoints SET signature = :s", s=Keyring.generate().signing_key().sign(made.text()))
    assert check(engine, keyring).reason == "point de contrôle n°1 : signature invalide"


def test_checkpointing_with_another_key_is_refused(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(10)
    with pytest.raises(TamperedJournal, match="tête du journal"):
        checkpoint(engine, Keyring.generate())


def test_a_checkpoint_root_swapped_for_another_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(10)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_checkpoints SET root_hash = :r", r=b"\x03" * 32)
    report = check(engine, keyring)
    assert not report.ok
    assert report.reason == "point de contrôle n°1 : signature invalide"


def test_verify_reports_an_intact_journal_and_traces_its_own_read(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(15)
    report = verify(engine, keyring, agent_id="dpo-1")
    assert report.ok and report.entries_checked == 15
    assert report.reason == "journal intègre : 15 entrées vérifiées, 0 point de contrôle recalculé"
    again = check(engine, keyring)
    assert again.ok and again.entries_checked == 16
