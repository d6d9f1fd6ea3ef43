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
"""

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
