"""Verification and proofs, from the outside: who verified is traced, every entry can be proved, the JSON a
verifier receives is enough to check a proof with SHA-256 alone, and refusals say exactly what is wrong.

Added for what mutation testing (scripts/mutation.sh) showed no other test noticed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from vigie.audit import AuditAction, Journal, check, checkpoint, consistency, prove, purge_before, tail, verify
from vigie.audit.events import GENESIS_HASH, AuditEvent
from vigie.audit.testing import RecordingJournal
from vigie.crypto import Keyring
from vigie.errors import InvalidInput, NotFound, TamperedJournal
from vigie.store import migrate, open_database
from vigie.store.schema import audit_checkpoints, audit_entries

Fill = Callable[[int], list[int]]


def _last_row(engine: Engine) -> Any:
    with engine.connect() as connection:
        return connection.execute(select(audit_entries).order_by(audit_entries.c.seq.desc()).limit(1)).one()


def test_a_verification_is_traced_through_the_journal_given_with_who_and_from_where(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(5)
    recording = RecordingJournal()
    assert verify(engine, keyring, journal=recording, agent_id="dpo-1", source="10.1.1.1").ok
    (event,) = recording.events
    assert (event.action, event.allowed, event.agent_id, event.source) == (
        AuditAction.AUDIT_READ,
        True,
        "dpo-1",
        "10.1.1.1",
    )
    assert event.reason == "vérification du journal d'audit : intègre"


def test_the_trace_of_a_verification_says_what_was_found_altered(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(5)
    tamper.execute("UPDATE audit_entries SET reason = 'rien à signaler' WHERE seq = 3")
    report = verify(engine, keyring, agent_id="dpo-2")
    assert not report.ok
    row = _last_row(engine)
    assert (row.seq, row.action, row.agent_id) == (6, "audit_read", "dpo-2")
    assert row.reason == (
        "vérification du journal d'audit : altéré (entrée 3 modifiée : son empreinte ne correspond plus)"
    )


def test_the_verification_report_as_json_names_each_problem_by_entry(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(6)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_entries SET agent_id = 'intrus' WHERE seq = 4")
    data = check(engine, keyring).to_dict()
    assert data["ok"] is False and data["first_bad_seq"] == 4 and data["entries_checked"] == 6
    assert data["head_seq"] == 6 and data["checkpoints_checked"] == 1 and data["purged_through"] == 0
    assert {"seq": 4, "message": "entrée 4 modifiée : son empreinte ne correspond plus"} in data["problems"]
    assert data["reason"] == data["problems"][0]["message"]


def test_the_first_and_the_last_entries_can_be_proved(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(6)
    for seq in (1, 6):
        proof = prove(engine, keyring, seq)
        assert proof.verified, proof.reason
        assert proof.seq == seq and proof.checkpoint.tree_size == 6


def test_a_proof_reuses_the_latest_checkpoint_when_it_covers_the_entry_exactly(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(5)
    signed = checkpoint(engine, keyring)
    proof = prove(engine, keyring, 5)
    assert proof.verified and proof.checkpoint.number == signed.number
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(audit_checkpoints)) == 1


def _rfc9162_root(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2, written here apart from vigie's own code."""
    fn, sn, node = index, size - 1, leaf
    for sibling in path:
        if fn & 1 or fn == sn:
            node = hashlib.sha256(b"\x01" + sibling + node).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = hashlib.sha256(b"\x01" + node + sibling).digest()
        fn, sn = fn >> 1, sn >> 1
    return node


def test_a_proof_as_json_is_enough_to_check_it_with_sha256_alone(engine: Engine, keyring: Keyring) -> None:
    with Journal(engine, keyring) as journal:
        for i in range(7):
            journal.append(_event(i))
    data = prove(engine, keyring, 5).to_dict()
    entry = data["entry"]
    assert (data["seq"], data["leaf_index"], entry["seq"]) == (5, 4, 5)
    assert entry["action"] == "read" and entry["agent_id"] == "agent-4" and entry["purpose"] == "rights_benefits"
    assert entry["categories"] == ["contact", "nir"] and entry["allowed"] is True
    assert entry["reason"] == "consultation 4" and entry["recipient"] is None and entry["source"] == "10.0.0.4"
    assert entry["subject_ref"] is not None and entry["at"].endswith("Z")
    leaf = hashlib.sha256(b"\x00" + bytes.fromhex(entry["entry_hash"])).digest()
    assert data["leaf_hash"] == leaf.hex()
    path = [bytes.fromhex(node) for node in data["path"]]
    assert (
        _rfc9162_root(leaf, data["leaf_index"], data["checkpoint"]["tree_size"], path).hex()
        == (data["checkpoint"]["root_hash"])
    )
    assert data["verified"] is True and "preuve vérifiée" in data["reason"]
    assert len(bytes.fromhex(entry["prev_hash"])) == 32
    signed = data["checkpoint"]
    assert signed["number"] == 1 and signed["tree_size"] == 7
    assert signed["chain_hash"] == prove(engine, keyring, 7).to_dict()["entry"]["entry_hash"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", signed["signed_at"])
    public = keyring.signing_key().public_key()
    public.verify(bytes.fromhex(signed["signature"]), prove(engine, keyring, 5).checkpoint.text())


def test_an_entry_whose_categories_were_rewritten_shows_them_as_stored(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(3)
    checkpoint(engine, keyring)
    tamper.execute("""UPDATE audit_entries SET categories = '["b", "a"]' WHERE seq = 2""")
    proof = prove(engine, keyring, 2)
    assert not proof.verified
    assert proof.to_dict()["entry"]["categories"] == '["b", "a"]'


def test_refusals_to_prove_say_exactly_what_is_wrong(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(8)
    purge_before(engine, keyring, 4)
    cases: list[tuple[int, type[Exception], str]] = [
        (0, InvalidInput, "numéro d'entrée « 0 » invalide : entier positif attendu"),
        (99, NotFound, "entrée du journal d'audit introuvable : « 99 »"),
        (3, InvalidInput, "numéro d'entrée « 3 » invalide : entrée purgée : le journal commence à l'entrée 4"),
    ]
    for seq, error, message in cases:
        with pytest.raises(error) as caught:
            prove(engine, keyring, seq)
        assert str(caught.value) == message
    assert prove(engine, keyring, 4).verified


def test_consistency_accepts_every_size_from_the_start_to_the_head(
    engine: Engine, keyring: Keyring, fill: Fill
) -> None:
    fill(8)
    assert consistency(engine, keyring, 0, 8) == []
    assert consistency(engine, keyring, 8, 8) == []
    assert consistency(engine, keyring, 3, 3) == []
    assert len(consistency(engine, keyring, 3, 8)) > 0
    with pytest.raises(InvalidInput) as caught:
        consistency(engine, keyring, 5, 9)
    assert str(caught.value) == "tailles « 5 → 9 » invalide : attendu 0 ≤ ancienne ≤ nouvelle ≤ 8"


def test_consistency_from_before_a_purge_is_refused(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(8)
    purge_before(engine, keyring, 4)  # entries 1 to 3 are gone; the purge itself is entry 9
    assert len(consistency(engine, keyring, 3, 9)) > 0  # from the purge point itself
    with pytest.raises(InvalidInput) as caught:
        consistency(engine, keyring, 2, 9)
    assert str(caught.value) == "tailles « 2 → 9 » invalide : attendu 3 ≤ ancienne ≤ nouvelle ≤ 9"


def test_consistency_over_missing_entries_names_the_range(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(8)
    tamper.execute("DELETE FROM audit_entries WHERE seq = 5")
    with pytest.raises(NotFound) as caught:
        consistency(engine, keyring, 2, 6)
    assert str(caught.value) == "entrées du journal d'audit introuvable : « 1 à 6 »"


def _event(i: int) -> Any:
    from datetime import UTC, datetime, timedelta

    from vigie.audit import AuditEvent, subject_pseudonym

    return AuditEvent(
        action=AuditAction.READ,
        allowed=True,
        reason=f"consultation {i}",
        at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(seconds=i),
        agent_id=f"agent-{i}",
        subject_ref=subject_pseudonym(Keyring.generate(), 1000 + i),
        purpose="rights_benefits",
        categories=("contact", "nir"),
        recipient=None,
        source=f"10.0.0.{i}",
    )


def test_a_proof_is_traced_with_who_asked_and_from_where(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(4)
    recording = RecordingJournal()
    assert prove(engine, keyring, 2, journal=recording, agent_id="dpo-1", source="10.1.1.2").verified
    (event,) = recording.events
    assert (event.action, event.agent_id, event.source) == (AuditAction.AUDIT_READ, "dpo-1", "10.1.1.2")
    assert event.reason == "preuve d'inclusion de l'entrée 2"


def test_a_proof_against_a_checkpoint_with_a_forged_signature_does_not_verify(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(6)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_checkpoints SET signature = :s", s=bytes(64))
    proof = prove(engine, keyring, 3)
    assert not proof.verified
    assert proof.reason == "point de contrôle n°1 ou ancre de purge : signature invalide"


def test_one_tampering_of_the_last_entry_gives_one_report(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    """The walk and the signed head both see entry 5 changed: it is reported once, not twice."""
    fill(5)
    tamper.execute("UPDATE audit_entries SET entry_hash = :h WHERE seq = 5", h=bytes(32))
    report = check(engine, keyring)
    assert [(p.seq, p.message) for p in report.problems] == [
        (5, "entrée 5 modifiée : son empreinte ne correspond plus")
    ]


@pytest.mark.parametrize(
    ("entries", "checkpoints", "reason"),
    [
        (1, 1, "journal intègre : 1 entrée vérifiée, 1 point de contrôle recalculé"),
        (2, 2, "journal intègre : 2 entrées vérifiées, 2 points de contrôle recalculés"),
    ],
)
def test_the_all_clear_counts_in_correct_french(
    engine: Engine, keyring: Keyring, fill: Fill, entries: int, checkpoints: int, reason: str
) -> None:
    for _ in range(checkpoints):
        fill(entries // checkpoints)
        checkpoint(engine, keyring)
    assert check(engine, keyring).reason == reason


def test_a_hundred_problems_at_most_are_listed(engine: Engine, keyring: Keyring, fill: Fill, tamper: Any) -> None:
    fill(103)
    tamper.execute("UPDATE audit_entries SET reason = 'effacé'")
    report = check(engine, keyring)
    assert len(report.problems) == 100 and report.first_bad_seq == 1


def test_a_checkpoint_is_refused_when_the_last_entries_are_gone(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(5)
    tamper.execute("DELETE FROM audit_entries WHERE seq > 3")
    with pytest.raises(TamperedJournal) as caught:
        checkpoint(engine, keyring)
    assert str(caught.value) == "journal d'audit altéré : entrées 4 à 5 manquantes"


def test_a_checkpoint_covers_the_signed_head_and_ignores_a_row_forged_after_it(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(4)
    forged = tamper.row(4)
    tamper.insert({**forged, "seq": 5})
    assert checkpoint(engine, keyring).tree_size == 4
    assert not check(engine, keyring).ok  # verification, not checkpointing, reports the forgery


def test_checkpointing_without_a_head_or_with_a_forged_head_is_refused(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(3)
    tamper.execute("UPDATE audit_head SET signature = :s", s=bytes(64))
    with pytest.raises(TamperedJournal) as caught:
        checkpoint(engine, keyring)
    assert str(caught.value) == "journal d'audit altéré : la tête du journal n'a pas une signature valide"
    tamper.execute("DELETE FROM audit_head")
    with pytest.raises(TamperedJournal) as caught:
        checkpoint(engine, keyring)
    assert str(caught.value) == "journal d'audit altéré : tête du journal absente"


def test_checkpointing_after_a_purge_with_a_forged_anchor_is_refused(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(6)
    purge_before(engine, keyring, 4)
    fill(2)
    tamper.execute("UPDATE audit_anchor SET signature = :s", s=bytes(64))
    with pytest.raises(TamperedJournal) as caught:
        checkpoint(engine, keyring)
    assert str(caught.value) == "journal d'audit altéré : l'ancre de purge n'a pas une signature valide"


def test_a_head_reset_to_genesis_after_a_checkpoint_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    """Rolling the journal back to empty once it has been signed is tampering, not a fresh start."""
    fill(3)
    checkpoint(engine, keyring)
    tamper.execute("DELETE FROM audit_entries")
    tamper.execute("UPDATE audit_head SET seq = 0, entry_hash = :h, signature = NULL", h=GENESIS_HASH)
    messages = [p.message for p in check(engine, keyring).problems]
    assert "tête du journal remise à zéro alors que le journal a déjà été signé" in messages


def test_a_missing_head_is_reported(engine: Engine, keyring: Keyring, fill: Fill, tamper: Any) -> None:
    fill(2)
    tamper.execute("DELETE FROM audit_head")
    report = check(engine, keyring)
    assert not report.ok and "tête du journal absente" in [p.message for p in report.problems]


def test_a_purge_exactly_at_a_checkpoint_still_verifies(engine: Engine, keyring: Keyring, fill: Fill) -> None:
    fill(5)
    checkpoint(engine, keyring)
    purge_before(engine, keyring, 6)
    report = check(engine, keyring)
    assert report.ok, report.reason
    assert report.purged_through == 5


def test_the_reason_given_first_is_an_entrys_problem_before_a_checkpoints(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(4)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_checkpoints SET signature = :s", s=bytes(64))
    tamper.execute("UPDATE audit_entries SET reason = 'effacé' WHERE seq = 2")
    report = check(engine, keyring)
    assert report.reason == "entrée 2 modifiée : son empreinte ne correspond plus"
    seqs = [p.seq for p in report.problems]
    assert seqs[0] == 2 and None in seqs and seqs.index(None) > 0
    assert "point de contrôle n°1 : signature invalide" in [p.message for p in report.problems]


def test_a_link_rewritten_as_text_on_sqlite_shows_as_missing(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    """SQLite stores any type in any column: a text where a hash belongs is shown as no hash, not as a crash."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL types its columns: a hash column cannot hold text")
    fill(3)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_entries SET prev_hash = 'pas un hash' WHERE seq = 2")
    proof = prove(engine, keyring, 2)
    assert not proof.verified and proof.leaf_hash is None
    entry = proof.to_dict()["entry"]
    assert entry["prev_hash"] is None and len(bytes.fromhex(entry["entry_hash"])) == 32


def test_an_empty_journal_verifies(engine: Engine, keyring: Keyring) -> None:
    report = check(engine, keyring)
    assert report.ok, report.reason
    assert (report.entries_checked, report.head_seq, report.checkpoints_checked) == (0, 0, 0)
    assert report.reason == "journal intègre : 0 entrée vérifiée, 0 point de contrôle recalculé"


@pytest.mark.parametrize(("seq", "entry_hash"), [(3, "last"), (0, "last")])
def test_an_unsigned_head_is_accepted_only_for_an_empty_journal(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any, seq: int, entry_hash: str
) -> None:
    """Only the genesis head (number 0, hash of zeros) may go unsigned; any other unsigned head is forged."""
    fill(3)
    last = tamper.row(3)["entry_hash"]
    tamper.execute("UPDATE audit_head SET seq = :n, entry_hash = :h, signature = NULL", n=seq, h=last)
    messages = [p.message for p in check(engine, keyring).problems]
    assert "tête du journal : signature invalide" in messages


@pytest.mark.parametrize("column", ["agent_id", "subject_ref", "purpose", "recipient", "source"])
def test_a_text_field_rewritten_as_bytes_on_sqlite_is_reported_not_a_crash(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any, column: str
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL types its columns: a text column cannot hold bytes")
    fill(2)
    tamper.execute(f"UPDATE audit_entries SET {column} = X'6f7574696c' WHERE seq = 1")
    report = check(engine, keyring)
    assert report.reason == "entrée 1 modifiée : son empreinte ne correspond plus"


def test_a_checkpoint_whose_entries_changed_says_its_root_no_longer_matches(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(4)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_entries SET reason = 'effacé' WHERE seq = 2")
    messages = [p.message for p in check(engine, keyring).problems]
    assert (
        "point de contrôle n°1 (4 entrées) : sa racine signée ne correspond plus aux entrées "
        "(une entrée a été modifiée, insérée ou supprimée)"
    ) in messages


def test_a_purge_anchor_with_a_garbled_frontier_is_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(6)
    purge_before(engine, keyring, 4)
    tamper.execute("UPDATE audit_anchor SET frontier = :f", f=b"\x01" * 5)
    messages = [p.message for p in check(engine, keyring).problems]
    assert "ancre de purge : signature invalide" in messages


def test_proving_an_entry_deleted_under_a_checkpoint_says_it_is_not_found(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(4)
    checkpoint(engine, keyring)
    tamper.execute("DELETE FROM audit_entries WHERE seq = 3")
    with pytest.raises(NotFound) as caught:
        prove(engine, keyring, 3)
    assert str(caught.value) == "entrée du journal d'audit introuvable : « 3 »"


@pytest.mark.parametrize("stored", ["[1]", '["contact",2]'])
def test_categories_rewritten_as_numbers_are_reported_and_shown_as_stored(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any, stored: str
) -> None:
    fill(3)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_entries SET categories = :c WHERE seq = 2", c=stored)
    assert check(engine, keyring).reason == "entrée 2 modifiée : son empreinte ne correspond plus"
    proof = prove(engine, keyring, 2)
    assert not proof.verified and proof.leaf_hash is None
    assert proof.to_dict()["entry"]["categories"] == stored


def test_a_link_cut_short_is_reported_and_gives_no_leaf(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(3)
    checkpoint(engine, keyring)
    tamper.execute("UPDATE audit_entries SET prev_hash = :h WHERE seq = 2", h=bytes(31))
    assert check(engine, keyring).reason == "entrée 2 déplacée ou insérée : elle ne suit pas l'entrée 1"
    proof = prove(engine, keyring, 2)
    assert not proof.verified and proof.leaf_hash is None


def test_entries_deleted_under_a_checkpoint_at_the_head_are_reported_missing_and_nothing_more(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    fill(20)
    checkpoint(engine, keyring)
    tamper.execute("DELETE FROM audit_entries WHERE seq >= 18")
    assert [p.message for p in check(engine, keyring).problems] == ["entrées 18 à 20 manquantes"]


def test_an_entry_hash_rewritten_as_text_on_sqlite_is_shown_as_none_not_a_crash(
    tmp_path: Path, keyring: Keyring, make_event: Callable[[int], AuditEvent]
) -> None:
    """SQLite stores any type in any column (PostgreSQL types its hash column, so this is SQLite's case only)."""
    engine = open_database(f"sqlite:///{tmp_path / 'journal.db'}")
    migrate(engine)
    with Journal(engine, keyring) as journal:
        journal.append_many(make_event(i) for i in range(3))
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_entries SET entry_hash = 'pas un hash' WHERE seq = 2"))
    shown = [entry.to_dict() for entry in tail(engine, keyring, 3)]
    engine.dispose()
    assert [entry["entry_hash"] is None for entry in shown] == [False, True, False]


def test_problems_are_listed_in_entry_order_even_when_found_out_of_it(
    engine: Engine, keyring: Keyring, fill: Fill, tamper: Any
) -> None:
    """A row forged past the head is met during the walk, the entries missing before the head only at its end:
    the report still lists them by entry, and its reason is the first."""
    fill(5)
    forged = tamper.row(5)
    tamper.execute("DELETE FROM audit_entries WHERE seq >= 4")
    tamper.insert({**forged, "seq": 7})
    report = check(engine, keyring)
    assert [(p.seq, p.message) for p in report.problems] == [
        (4, "entrées 4 à 5 manquantes"),
        (7, "entrée 7 déplacée ou insérée : elle suit la tête signée du journal"),
    ]
    assert report.reason == "entrées 4 à 5 manquantes"
