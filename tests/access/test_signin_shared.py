"""The sign-in guard's address windows, shared by the password forms: a failure the caller journaled is counted
but not written again, and the closing count leaves it out."""

from __future__ import annotations

from vigie.access.signin import SignInGuard
from vigie.audit import AuditAction
from vigie.audit.testing import RecordingJournal
from vigie.environment import Environment


def test_failures_journaled_by_the_caller_count_towards_the_limit_without_being_written_twice(
    environment: Environment,
) -> None:
    journal = RecordingJournal()
    guard = SignInGuard(environment, journal, limit=3, window=60)
    for _ in range(3):
        assert guard.throttled("192.0.2.5") is None
        guard.note_failure("192.0.2.5", "mot de passe incorrect", journaled=True)
    assert journal.events == []
    assert guard.throttled("192.0.2.5") is not None  # the 4th attempt waits, and is counted as blocked
    assert guard.throttled("192.0.2.6") is None
    assert guard.flush(everything=True) == 1
    (count,) = journal.events
    assert count.action is AuditAction.LOGIN_FAILED and count.source == "192.0.2.5"
    assert "1 autre échec" in count.reason and "dont 1 bloqué" in count.reason


def test_failures_the_caller_did_not_journal_are_written_as_the_guard_s_own(environment: Environment) -> None:
    journal = RecordingJournal()
    guard = SignInGuard(environment, journal, limit=10, window=60)
    guard.note_failure("192.0.2.7", "identifiant inconnu ou sans compte")
    guard.note_failure("192.0.2.7", "identifiant inconnu ou sans compte")
    assert [e.reason for e in journal.events] == ["authentification refusée : identifiant inconnu ou sans compte"]
    guard.flush(everything=True)
    assert "1 autre échec" in journal.events[-1].reason
