"""The audit journal: every access and connection, hash-chained, group-committed, with signed checkpoints.

events       AuditEvent, AuditAction, subject_pseudonym, the canonical encoding
journal      Journal (group commit by one writer thread), Receipt, AuditSink
daemon       ProcessJournal (the same, written by a child process), open_journal
merkle       RFC 9162 tree hashes, inclusion and consistency proofs (pure)
checkpoints  signed checkpoints
verify       verification of everything stored, with a French report
proofs       inclusion / consistency proofs against checkpoints
purge        purge_before, keeping what remains verifiable
reads        tail (journaled reads)
testing      RecordingJournal, for other modules' tests
"""

from vigie.audit.chain import AuditProblem, Entry
from vigie.audit.checkpoints import Checkpoint, checkpoint
from vigie.audit.daemon import ProcessJournal, open_journal
from vigie.audit.events import AuditAction, AuditEvent, subject_pseudonym
from vigie.audit.journal import AuditSink, Journal, Receipt
from vigie.audit.proofs import InclusionProof, consistency, prove
from vigie.audit.purge import purge_before
from vigie.audit.reads import tail
from vigie.audit.verify import VerifyReport, check, verify
from vigie.errors import JournalError, TamperedJournal

__all__ = [
    "AuditAction",
    "AuditEvent",
    "AuditProblem",
    "AuditSink",
    "Checkpoint",
    "Entry",
    "InclusionProof",
    "Journal",
    "JournalError",
    "ProcessJournal",
    "Receipt",
    "TamperedJournal",
    "VerifyReport",
    "check",
    "checkpoint",
    "consistency",
    "open_journal",
    "prove",
    "purge_before",
    "subject_pseudonym",
    "tail",
    "verify",
]
