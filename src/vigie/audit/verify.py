"""Verification of the whole journal, as stored, in one consistent snapshot.

It checks, and reports in French: the signature of the chain head (so a forged entry appended after it, or a
truncated tail, shows), the purge anchor and every checkpoint signature, every entry's hash and link, the
contiguity of the numbers, and each checkpoint's Merkle root recomputed from the entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from vigie.audit import queries
from vigie.audit.chain import AuditProblem, ChainChecker, RootCheck
from vigie.audit.checkpoints import all_checkpoints, anchor_base, head_signature_ok, public_key
from vigie.audit.journal import AuditSink, record_read
from vigie.crypto import Keyring


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of a verification: `reason` is the first problem (or the all-clear), in French."""

    ok: bool
    entries_checked: int
    first_bad_seq: int | None
    reason: str
    problems: tuple[AuditProblem, ...] = field(default=())
    head_seq: int = 0
    checkpoints_checked: int = 0
    purged_through: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries_checked": self.entries_checked,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
            "problems": [{"seq": p.seq, "message": p.message} for p in self.problems],
            "head_seq": self.head_seq,
            "checkpoints_checked": self.checkpoints_checked,
            "purged_through": self.purged_through,
        }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def check(engine: Engine, keyring: Keyring) -> VerifyReport:
    """Verify without leaving a trace (used before a purge); `verify` is the traced version."""
    key = public_key(keyring)
    early: list[AuditProblem] = []
    with queries.snapshot(engine) as connection:
        head = queries.read_head(connection)
        base, anchor_ok = anchor_base(connection, key)
        checkpoints = all_checkpoints(connection)
        if not anchor_ok:
            early.append(AuditProblem(None, "ancre de purge : signature invalide"))
        head_seq = head.seq if head is not None else None
        if head is None:
            early.append(AuditProblem(None, "tête du journal absente"))
        elif not head_signature_ok(key, head.seq, head.entry_hash, head.signature):
            early.append(AuditProblem(None, "tête du journal : signature invalide"))
        elif head.signature is None and (checkpoints or base.seq):
            early.append(AuditProblem(None, "tête du journal remise à zéro alors que le journal a déjà été signé"))
        for cp in checkpoints:
            if not cp.signature_ok(key):
                early.append(AuditProblem(None, f"{cp.label} : signature invalide"))
            elif cp.tree_size == base.seq and cp.root_hash != base.tree.root():
                early.append(AuditProblem(None, f"{cp.label} : sa racine ne correspond pas à l'ancre de purge"))
        checker = ChainChecker(base.seq, base.entry_hash, base.tree.copy(), head_seq)
        checker.expect_roots([RootCheck(cp.label, cp.tree_size, cp.root_hash) for cp in checkpoints])
        for entry in queries.iter_entries(connection):
            checker.feed(entry)
        checker.finish(head_seq, head.entry_hash if head is not None else None)
    problems = sorted(early + checker.problems, key=lambda p: (p.seq is None, p.seq or 0))
    if not problems:
        reason = (
            f"journal intègre : {_plural(checker.checked, 'entrée')} vérifiée{'s' if checker.checked > 1 else ''}, "
            f"{_plural(checker.roots_checked, 'point')} de contrôle recalculé{'s' if checker.roots_checked > 1 else ''}"
        )
    else:
        reason = problems[0].message
    seqs = [p.seq for p in problems if p.seq is not None]
    return VerifyReport(
        ok=not problems,
        entries_checked=checker.checked,
        first_bad_seq=min(seqs) if seqs else None,
        reason=reason,
        problems=tuple(problems),
        head_seq=head_seq or 0,
        checkpoints_checked=len(checkpoints),
        purged_through=base.seq,
    )


def verify(
    engine: Engine,
    keyring: Keyring,
    *,
    journal: AuditSink | None = None,
    agent_id: str | None = None,
    source: str | None = None,
) -> VerifyReport:
    """Verify the journal, then trace that it was read (action audit_read) with the outcome."""
    report = check(engine, keyring)
    outcome = "intègre" if report.ok else f"altéré ({report.reason})"
    reason = f"vérification du journal d'audit : {outcome}"
    record_read(engine, keyring, reason, journal=journal, agent_id=agent_id, source=source)
    return report
