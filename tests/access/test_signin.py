"""Bearer-token sign-in (`SignInGuard`): a good token names its agent; every failure is traced, the first at once
and the rest as one count per address and window; an address over its limit is throttled until its window ends,
without its tokens even being looked up. Time is the guard's monotonic clock, moved by the test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from vigie.access import signin
from vigie.access.signin import THROTTLED, SignIn, SignInGuard
from vigie.agents import issue_token
from vigie.audit import AuditAction
from vigie.audit.testing import RecordingJournal
from vigie.environment import Environment
from vigie.store import connect

EnvFactory = Callable[..., Environment]
ATTACKER, OTHER = "203.0.113.9", "198.51.100.4"


class Ticks:
    """The guard's monotonic clock, in seconds, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Door:
    env: Environment
    journal: RecordingJournal
    guard: SignInGuard
    ticks: Ticks
    token: str

    def attempt(self, token: str | None, source: str | None) -> SignIn:
        """One attempt, its journal work done at once (as a caller that may block does)."""
        signed_in, trace = self.guard.attempt(token, source)
        if trace is not None:
            trace()
        return signed_in

    def reasons(self) -> list[tuple[str | None, str]]:
        return [(e.source, e.reason) for e in self.journal.events]


@pytest.fixture
def door(make_env: EnvFactory, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Door:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        token = issue_token(connection, "paris-social", env.clock.today())
    ticks = Ticks()
    monkeypatch.setattr(signin, "monotonic", ticks)
    journal = RecordingJournal()
    return Door(env, journal, SignInGuard(env, journal, limit=3, window=60), ticks, token)


def test_a_good_token_names_its_agent_and_leaves_no_journal_work(door: Door) -> None:
    signed_in, trace = door.guard.attempt(door.token, ATTACKER)
    assert signed_in.agent is not None and signed_in.agent.id == "paris-social"
    assert (signed_in.refusal, signed_in.retry_after, trace) == (None, None, None)
    assert door.journal.events == []


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "jeton absent"),
        ("jeton\x00nul", "jeton malformé"),
        ("x" * 100_000, "jeton malformé"),
        ("x" * 257, "jeton malformé"),  # a token's limit, well under free text's
        ("inconnu", "jeton inconnu ou expiré"),
    ],
)
def test_each_failure_is_refused_with_its_reason_and_the_first_journaled_at_once(
    door: Door, token: str | None, reason: str
) -> None:
    signed_in = door.attempt(token, ATTACKER)
    assert signed_in == SignIn(None, reason)
    (event,) = door.journal.events
    assert (event.action, event.allowed, event.source) == (AuditAction.LOGIN_FAILED, False, ATTACKER)
    assert event.reason == f"authentification refusée : {reason}"


def test_a_token_thirty_one_days_old_is_refused_as_expired(door: Door) -> None:
    with connect(door.env.engine) as connection:
        old = issue_token(connection, "paris-social", date(2026, 10, 28))  # valid until 27 November
    assert door.attempt(old, ATTACKER) == SignIn(None, "jeton inconnu ou expiré")


def test_an_address_over_its_limit_waits_out_its_window_even_with_a_good_token(door: Door) -> None:
    for _ in range(3):
        assert door.attempt("inconnu", ATTACKER).refusal == "jeton inconnu ou expiré"
    door.ticks.now += 20.5
    assert door.attempt(door.token, ATTACKER) == SignIn(None, THROTTLED, 40)  # 39.5 s left, rounded up
    door.ticks.now += 39.4
    assert door.attempt(door.token, ATTACKER) == SignIn(None, THROTTLED, 1)
    assert door.attempt(door.token, OTHER).agent is not None  # another address is not held back
    assert len(door.journal.events) == 1  # the first failure only; the others are counted
    door.ticks.now += 0.1  # the window has ended: the good token passes, and the counts are written
    assert door.attempt(door.token, ATTACKER).agent is not None
    assert door.reasons() == [
        (ATTACKER, "authentification refusée : jeton inconnu ou expiré"),
        (ATTACKER, "authentification refusée : 4 autres échecs depuis 11:00:00 UTC (dont 2 bloqués après 3 échecs en 60 s)"),  # noqa: E501
    ]  # fmt: skip


def test_the_count_says_one_failure_and_one_blocked_in_the_singular(door: Door) -> None:
    for _ in range(3):
        door.attempt("inconnu", None)
    door.attempt("inconnu", None)  # blocked
    door.ticks.now += 60
    assert door.guard.flush() == 1
    assert door.reasons()[-1] == (
        None,
        "authentification refusée : 3 autres échecs depuis 11:00:00 UTC (dont 1 bloqué après 3 échecs en 60 s)",
    )
    door.attempt("inconnu", ATTACKER)
    door.attempt("inconnu", ATTACKER)
    assert door.guard.flush(everything=True) == 1
    assert door.reasons()[-1][1].startswith("authentification refusée : 1 autre échec depuis ")


def test_a_window_with_a_single_failure_writes_no_count(door: Door) -> None:
    door.attempt("inconnu", ATTACKER)
    door.ticks.now += 60
    assert door.guard.flush() == 0
    assert len(door.journal.events) == 1


def test_flush_writes_only_the_windows_that_ended_unless_asked_for_all(door: Door) -> None:
    door.attempt("inconnu", ATTACKER)
    door.attempt("inconnu", ATTACKER)
    door.ticks.now += 30
    door.attempt("inconnu", OTHER)
    door.attempt("inconnu", OTHER)
    door.ticks.now += 30  # the attacker's window ends now; the other's in 30 s
    assert door.guard.flush() == 1
    assert door.reasons()[-1][0] == ATTACKER
    assert door.guard.flush() == 0
    assert door.guard.flush(everything=True) == 1
    assert door.reasons()[-1][0] == OTHER


def test_an_attempt_after_a_window_ended_writes_its_counts_even_from_another_address(door: Door) -> None:
    door.attempt("inconnu", ATTACKER)
    door.attempt("inconnu", ATTACKER)
    door.ticks.now += 61
    signed_in, trace = door.guard.attempt(door.token, OTHER)
    assert signed_in.agent is not None and trace is not None  # a good token, but the ended window is due
    trace()
    assert door.reasons()[-1][0] == ATTACKER and "1 autre échec" in door.reasons()[-1][1]


def test_beyond_the_addresses_tracked_the_oldest_window_is_closed_and_counted(
    make_env: EnvFactory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = Ticks()
    monkeypatch.setattr(signin, "monotonic", ticks)
    journal = RecordingJournal()
    guard = SignInGuard(make_env(engine), journal, limit=10, window=60, max_sources=2)
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.3"):
        _, trace = guard.attempt(None, address)
        assert trace is not None
        trace()
    assert [(e.source, e.reason.split(" depuis")[0]) for e in journal.events] == [
        ("10.0.0.1", "authentification refusée : jeton absent"),
        ("10.0.0.2", "authentification refusée : jeton absent"),
        ("10.0.0.1", "authentification refusée : 1 autre échec"),  # closed to make room
        ("10.0.0.3", "authentification refusée : jeton absent"),
    ]
    assert guard.flush(everything=True) == 0  # the two left had one failure each


def test_a_password_door_failure_counts_towards_the_same_limit_with_its_source(door: Door) -> None:
    door.guard.note_failure(ATTACKER, "mot de passe incorrect")
    door.guard.note_failure(ATTACKER, "mot de passe incorrect", journaled=True)
    door.guard.note_failure(ATTACKER, "mot de passe incorrect")
    assert door.attempt(door.token, ATTACKER).refusal == THROTTLED
    assert door.guard.throttled(ATTACKER) == 60
    assert door.guard.throttled(OTHER) is None
    door.ticks.now += 60
    assert door.guard.throttled(ATTACKER) is None  # due: the ended window is written on the way
    assert door.reasons() == [
        (ATTACKER, "authentification refusée : mot de passe incorrect"),
        (ATTACKER, "authentification refusée : 3 autres échecs depuis 11:00:00 UTC (dont 2 bloqués après 3 échecs en 60 s)"),  # noqa: E501
    ]  # fmt: skip


def test_a_password_door_failure_as_its_window_ends_opens_a_new_one_and_writes_the_old_ones_counts(
    door: Door,
) -> None:
    """The password door does not flush first: the failure that finds its address's window ended closes it."""
    door.guard.note_failure(ATTACKER, "mot de passe incorrect")
    door.guard.note_failure(ATTACKER, "mot de passe incorrect")
    door.ticks.now += 60  # the window is over at exactly its length
    door.guard.note_failure(ATTACKER, "mot de passe incorrect")
    assert door.reasons() == [
        (ATTACKER, "authentification refusée : mot de passe incorrect"),
        (ATTACKER, "authentification refusée : 1 autre échec depuis 11:00:00 UTC (dont 0 bloqué après 3 échecs en 60 s)"),  # noqa: E501
        (ATTACKER, "authentification refusée : mot de passe incorrect"),
    ]  # fmt: skip


def test_a_good_token_leaves_no_journal_work_until_an_open_window_ends(door: Door) -> None:
    """Ended windows are looked for only once one may have ended: a good token meanwhile is answered in place."""
    door.attempt("inconnu", ATTACKER)
    door.ticks.now += 30
    assert door.guard.attempt(door.token, OTHER)[1] is None
    door.attempt("inconnu", OTHER)
    door.ticks.now += 30  # the attacker's window ends; the other's in 30 s
    signed_in, trace = door.guard.attempt(door.token, ATTACKER)
    assert signed_in.agent is not None and trace is not None
    trace()
    door.ticks.now += 1
    assert door.guard.attempt(door.token, ATTACKER)[1] is None


def test_every_ended_window_with_counts_is_written_past_one_without(door: Door) -> None:
    door.attempt("inconnu", None)  # one failure: nothing to count
    for address in (ATTACKER, OTHER):
        door.attempt("inconnu", address)
        door.attempt("inconnu", address)
    assert door.guard.flush(everything=True) == 2
    assert [source for source, _ in door.reasons()[-2:]] == [ATTACKER, OTHER]
