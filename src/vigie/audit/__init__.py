"""The audit journal: every access and connection, hash-chained, group-committed, with signed checkpoints.

events       AuditEvent, AuditAction, subject_pseudonym, the canonical encoding
journal      Journal (group commit by one writer thread), Receipt, AuditSink
daemon       ProcessJournal (the same, written by a child process), open_journal
merkle       RFC 9162 tree hashes, inclusion and consistency proofs (pure)
checkpoints  signed checkpoints
verify       verification of everything stored, with a French report
proofs       inclusion / consistency proofs against checkpoints
purge        purge_before, keeping what remains verifiable
notes        C2SP signed notes and checkpoint texts, verifier keys (pure)
transparency the public exports: verifier key, checkpoint notes, consistency proofs
witness      the witness that remembers the last checkpoint outside the database
reads        tail (journaled reads)
testing      RecordingJournal, for other modules' tests

Each name is imported from its module on first use (PEP 562): a command that appends one entry needs neither
the witness (which brings an HTTP client) nor the proofs, notes and verification (0.015 s on a quiet
machine). Two of the names are also names of modules (`verify`, `witness`): as when they were imported up
front, `vigie.audit.verify` stays the function, never the module the import system would bind there.
"""

from __future__ import annotations

import sys
import types
import typing

from vigie.lazy import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from vigie.audit.chain import AuditProblem, Entry
    from vigie.audit.checkpoints import Checkpoint, checkpoint
    from vigie.audit.daemon import ProcessJournal, open_journal
    from vigie.audit.events import AuditAction, AuditEvent, subject_pseudonym
    from vigie.audit.journal import AuditSink, Journal, Receipt
    from vigie.audit.notes import TreeHead, VerifierKey
    from vigie.audit.proofs import InclusionProof, consistency, prove
    from vigie.audit.purge import purge_before
    from vigie.audit.reads import tail
    from vigie.audit.transparency import (
        ConsistencyProof,
        SignedCheckpoint,
        consistency_proof,
        signed_checkpoint,
        verifier_key,
    )
    from vigie.audit.verify import VerifyReport, check, verify
    from vigie.audit.witness import Observation, witness, witness_remote
    from vigie.errors import JournalError, TamperedJournal

_WHERE = {
    "AuditProblem": "vigie.audit.chain",
    "Entry": "vigie.audit.chain",
    "Checkpoint": "vigie.audit.checkpoints",
    "checkpoint": "vigie.audit.checkpoints",
    "ProcessJournal": "vigie.audit.daemon",
    "open_journal": "vigie.audit.daemon",
    "AuditAction": "vigie.audit.events",
    "AuditEvent": "vigie.audit.events",
    "subject_pseudonym": "vigie.audit.events",
    "AuditSink": "vigie.audit.journal",
    "Journal": "vigie.audit.journal",
    "Receipt": "vigie.audit.journal",
    "TreeHead": "vigie.audit.notes",
    "VerifierKey": "vigie.audit.notes",
    "InclusionProof": "vigie.audit.proofs",
    "consistency": "vigie.audit.proofs",
    "prove": "vigie.audit.proofs",
    "purge_before": "vigie.audit.purge",
    "tail": "vigie.audit.reads",
    "ConsistencyProof": "vigie.audit.transparency",
    "SignedCheckpoint": "vigie.audit.transparency",
    "consistency_proof": "vigie.audit.transparency",
    "signed_checkpoint": "vigie.audit.transparency",
    "verifier_key": "vigie.audit.transparency",
    "VerifyReport": "vigie.audit.verify",
    "check": "vigie.audit.verify",
    "verify": "vigie.audit.verify",
    "Observation": "vigie.audit.witness",
    "witness": "vigie.audit.witness",
    "witness_remote": "vigie.audit.witness",
    "JournalError": "vigie.errors",
    "TamperedJournal": "vigie.errors",
}


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and name in _WHERE:
            return  # the import system binding a submodule over an exported name of the same name
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__getattr__ = _lazy_exports(__name__, _WHERE)


__all__ = [
    "AuditAction",
    "AuditEvent",
    "AuditProblem",
    "AuditSink",
    "Checkpoint",
    "ConsistencyProof",
    "Entry",
    "InclusionProof",
    "Journal",
    "JournalError",
    "Observation",
    "ProcessJournal",
    "Receipt",
    "SignedCheckpoint",
    "TamperedJournal",
    "TreeHead",
    "VerifierKey",
    "VerifyReport",
    "check",
    "checkpoint",
    "consistency",
    "consistency_proof",
    "open_journal",
    "prove",
    "purge_before",
    "signed_checkpoint",
    "subject_pseudonym",
    "tail",
    "verifier_key",
    "verify",
    "witness",
    "witness_remote",
]
