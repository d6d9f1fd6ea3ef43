"""Cookie consent as a service: what a browser has agreed to, and recording a new choice with its proof.

A page asks `state(cookie)`: no database read, the signed cookie says it all. A choice is `record`ed: its proof
row (time, policy version, hash of the screen's text, choices, pseudonymous visitor) is committed through the
group-commit writer before the new cookie is handed back, so no browser holds a choice the DPO cannot prove.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from vigie.consent.choice import Choice, CookieCodec, Screen, StoredChoice, new_visitor
from vigie.consent.policy import CookiePolicy, cookie_policy
from vigie.consent.writer import ProofWriter
from vigie.crypto import derived_key
from vigie.environment import Environment


@dataclass(frozen=True)
class ConsentState:
    """What a page may load for this browser, and whether it must show the banner."""

    granted: frozenset[str]
    categories: frozenset[str]
    needs_banner: bool
    stored: StoredChoice | None

    def allows(self, service_or_category: str) -> bool:
        return service_or_category in self.granted or service_or_category in self.categories


@dataclass(frozen=True)
class Recorded:
    """A recorded choice: the cookie to set, until when, and what it grants."""

    cookie: str
    expires_on: date
    max_age: int
    state: ConsentState


def _timestamp(env: Environment) -> str:
    return env.clock.now().isoformat(timespec="microseconds")[:26] + "Z"


class ConsentService:
    """The banner's policy, the cookie's codec and the proof writer, built once per application."""

    def __init__(self, env: Environment, writer: ProofWriter, *, policy: CookiePolicy | None = None) -> None:
        self.env = env
        self.writer = writer
        self.policy = policy if policy is not None else cookie_policy(env.register)
        self.codec = CookieCodec(derived_key(env.keyring, "consent-cookie"))
        self._visitor_key = derived_key(env.keyring, "consent-visitor")
        self._hashes = {screen: self.policy.screen_hash(screen) for screen in Screen}

    def _granted_categories(self, granted: frozenset[str]) -> frozenset[str]:
        return frozenset(
            category.id for category in self.policy.asked if any(service.id in granted for service in category.services)
        )

    def state(self, cookie: str | None) -> ConsentState:
        """The choice in force for the browser holding `cookie`: none (banner) when absent, forged, of another
        policy version, or older than the register's duration (13 months)."""
        stored = self.codec.decode(self.policy, cookie)
        today = self.env.clock.today()
        if stored is None or stored.version != self.policy.version or today >= self.expiry(stored.given_on):
            return ConsentState(frozenset(), frozenset(), True, stored)
        return ConsentState(stored.granted, self._granted_categories(stored.granted), False, stored)

    def expiry(self, given_on: date) -> date:
        return self.policy.duration.after(given_on)

    def pseudonym(self, visitor: str) -> str:
        """How the proofs name a browser: a keyed hash of its random id (no address, nothing else)."""
        return hmac.new(self._visitor_key, visitor.encode(), hashlib.sha256).hexdigest()[:32]

    def _prepare(self, cookie: str | None, choice: Choice, screen: Screen) -> tuple[dict[str, object], Recorded]:
        previous = self.codec.decode(self.policy, cookie)
        visitor = previous.visitor if previous is not None else new_visitor()
        today = self.env.clock.today()
        expires_on = self.expiry(today)
        stored = StoredChoice(visitor, self.policy.version, today, choice.granted)
        refused = sorted(s.id for s in self.policy.services if s.id not in choice.granted)
        row: dict[str, object] = {
            "recorded_at": _timestamp(self.env),
            "visitor": self.pseudonym(visitor),
            "policy_version": self.policy.version,
            "screen": screen.value,
            "banner_hash": self._hashes[screen],
            "action": choice.action.value,
            "granted": ",".join(sorted(choice.granted)),
            "refused": ",".join(refused),
            "expires_on": expires_on,
        }
        max_age = (expires_on - today).days * 86400
        state = ConsentState(choice.granted, self._granted_categories(choice.granted), False, stored)
        return row, Recorded(self.codec.encode(self.policy, stored), expires_on, max_age, state)

    def record(self, cookie: str | None, choice: Choice, screen: Screen) -> Recorded:
        """Commit the proof of `choice`, then give the cookie that carries it (same visitor as `cookie`)."""
        row, recorded = self._prepare(cookie, choice, screen)
        self.writer.write(row)
        return recorded

    async def record_async(self, cookie: str | None, choice: Choice, screen: Screen) -> Recorded:
        """`record` for the web service's event loop."""
        row, recorded = self._prepare(cookie, choice, screen)
        await self.writer.write_async(row)
        return recorded
