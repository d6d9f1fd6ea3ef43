"""Errors of the audit journal, under the project's root (see vigie.errors for the tree).

StorageError
└── JournalError        an entry could not be recorded (journal closed, commit failed, no answer in time)
VigieError
└── TamperedJournal     an operation refused because the journal no longer verifies (carries the reason)
"""

from __future__ import annotations

from vigie.errors import StorageError, VigieError


class JournalError(StorageError):
    """The journal could not record an entry: the caller must not go on as if it had been traced."""


class TamperedJournal(VigieError):
    """The journal does not verify, so it is neither extended by a checkpoint nor purged."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"journal d'audit altéré : {reason}")
