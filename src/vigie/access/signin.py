"""Authentication of agents by bearer token, with failed attempts throttled per source address and traced in
aggregate.

Why our own limiter rather than slowapi: what must be limited is *failed* authentications per address, and
what must be written is one signed journal entry per burst with its counts; slowapi counts every request of a
decorated route and knows nothing of the journal. The limiter here is a fixed window per address, in memory,
bounded in the number of addresses it tracks.

- The first failure from an address in a window is journaled at once (one failure is always traced).
- The next ones are counted; from the `limit`-th on, the address is throttled (429 with `Retry-After`) until
  its window ends, without the token even being looked up.
- When the window ends, one entry carries the counts (« 2 999 autres échecs, dont 2 990 bloqués »): a flood
  of 3,000 token-less requests writes two entries, not 3,000.
Counts are written on the next attempt after the window ends, and at shutdown (`flush(everything=True)`).

The web sign-in with a password (`vigie.accounts`) shares these windows: it asks `throttled` before checking
a password and reports each failure with `note_failure`, so that an address is limited across both doors.
A failure it has journaled itself (with the account it concerns) is counted here, not written twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from time import monotonic

from vigie import inputs
from vigie.agents import agent_for_token
from vigie.audit import AuditAction, AuditEvent, AuditSink
from vigie.environment import Environment
from vigie.errors import InvalidInput
from vigie.model import Agent
from vigie.store import connect

FAILURE_LIMIT = 10  # failed authentications per address and window before it is throttled
WINDOW_SECONDS = 60.0
MAX_SOURCES = 10_000  # addresses tracked at once; the oldest windows are closed (and journaled) beyond
_NO_SOURCE = "inconnue"
THROTTLED = "trop d'échecs d'authentification depuis cette adresse"


@dataclass
class _Window:
    """One address's failures since its first one."""

    opened: float
    first_at: datetime
    failures: int = 1
    throttled: int = 0
    silent: int = 0  # failures after the first that their caller journaled itself


@dataclass(frozen=True)
class SignIn:
    """The outcome of an authentication: the agent, or why not (and, when throttled, in how many seconds to
    retry)."""

    agent: Agent | None
    refusal: str | None = None
    retry_after: int | None = None


class SignInGuard:
    """Authenticates bearer tokens and keeps the per-address failure windows; one per service."""

    def __init__(
        self,
        env: Environment,
        journal: AuditSink,
        *,
        limit: int = FAILURE_LIMIT,
        window: float = WINDOW_SECONDS,
        max_sources: int = MAX_SOURCES,
    ) -> None:
        self.env = env
        self.journal = journal
        self.limit = limit
        self.window = window
        self.max_sources = max_sources
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()
        self._next_due = float("inf")

    def attempt(self, token: str | None, source: str | None) -> tuple[SignIn, Callable[[], None] | None]:
        """The agent behind `token`, or a refusal, in two parts: the answer, found without waiting for the journal,
        and the work left to count and trace a failure (or to journal ended windows) as the module says, which
        waits for the journal's commit; None when there is none. An event loop answers a good token in place and
        hands only that work to a thread; a caller that may block runs the work at once."""
        address = source or _NO_SOURCE
        now = monotonic()
        due = now >= self._next_due
        retry = self._throttled(address, now)
        if retry is not None:
            return SignIn(None, THROTTLED, retry), self._traced(due, None)
        agent, reason = self._look_up(token, self.env.clock.today())
        if agent is not None:
            return SignIn(agent), self._traced(due, None)
        return SignIn(None, reason), self._traced(due, lambda: self._failed(address, source, reason, now))

    def _traced(self, due: bool, failure: Callable[[], None] | None) -> Callable[[], None] | None:
        """The journal work of one attempt: the windows that ended (when due), then the failure, if any."""
        if not due:
            return failure

        def work() -> None:
            self.flush()
            if failure is not None:
                failure()

        return work

    def _throttled(self, address: str, now: float) -> int | None:
        with self._lock:
            window = self._windows.get(address)
            if window is not None and now - window.opened < self.window and window.failures >= self.limit:
                window.throttled += 1
                return max(1, int(window.opened + self.window - now + 0.999))
        return None

    def throttled(self, source: str | None) -> int | None:
        """Seconds before `source` may try again when it is over its failure limit (the attempt is counted as
        blocked), else None."""
        now = monotonic()
        if now >= self._next_due:
            self.flush()
        return self._throttled(source or _NO_SOURCE, now)

    def note_failure(self, source: str | None, reason: str, *, journaled: bool = False) -> None:
        """Count a failed sign-in from `source` made through another door (a password form); the guard traces
        it as its own failures unless the caller has already journaled it (`journaled`)."""
        self._failed(source or _NO_SOURCE, source, reason, monotonic(), journaled=journaled)

    def _look_up(self, token: str | None, today: date) -> tuple[Agent | None, str]:
        if token is None:
            return None, "jeton absent"
        try:
            inputs.text(token, "token")
        except InvalidInput:
            return None, "jeton malformé"
        with connect(self.env.engine) as connection:
            agent = agent_for_token(connection, token, today)
        return agent, "jeton inconnu ou expiré"

    def _failed(self, address: str, source: str | None, reason: str, now: float, *, journaled: bool = False) -> None:
        with self._lock:
            window = self._windows.get(address)
            if window is not None and now - window.opened < self.window:
                window.failures += 1
                window.silent += journaled
                return
            closed = [(address, window)] if window is not None else []
            if len(self._windows) >= self.max_sources:
                oldest = next(iter(self._windows))
                closed.append((oldest, self._windows.pop(oldest)))
            self._windows.pop(address, None)
            self._windows[address] = _Window(now, self.env.clock.now())
            self._next_due = min(self._next_due, now + self.window)
        self._write_counts(closed)
        if not journaled:
            self._append(f"authentification refusée : {reason}", source)

    def flush(self, *, everything: bool = False) -> int:
        """Journal the counts of the windows that ended (all of them with `everything`); returns how many
        entries were written."""
        now = monotonic()
        with self._lock:
            ended = [
                (address, window)
                for address, window in self._windows.items()
                if everything or now - window.opened >= self.window
            ]
            for address, _ in ended:
                del self._windows[address]
            self._next_due = min((w.opened + self.window for w in self._windows.values()), default=float("inf"))
        return self._write_counts(ended)

    def _write_counts(self, ended: list[tuple[str, _Window]]) -> int:
        written = 0
        for address, window in ended:
            others = window.failures - 1 - window.silent + window.throttled
            if others <= 0:
                continue
            since = window.first_at.strftime("%H:%M:%S")
            noun = "autre échec" if others == 1 else "autres échecs"
            blocked = "bloqué" if window.throttled < 2 else "bloqués"
            self._append(
                f"authentification refusée : {others} {noun} depuis {since} UTC "
                f"(dont {window.throttled} {blocked} après {self.limit} échecs en {int(self.window)} s)",
                None if address == _NO_SOURCE else address,
            )
            written += 1
        return written

    def _append(self, reason: str, source: str | None) -> None:
        self.journal.append(
            AuditEvent(
                action=AuditAction.LOGIN_FAILED, allowed=False, reason=reason, at=self.env.clock.now(), source=source
            )
        )
