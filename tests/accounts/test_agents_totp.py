"""Agents sign in to the browser with a password and a TOTP code; a code is good once, near its time."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from vigie.accounts import Accounts, Credentials
from vigie.audit import AuditAction
from vigie.audit.testing import RecordingJournal
from vigie.clock import FixedClock
from vigie.errors import NotFound, SignInRefused, WeakPassword

AGENT_PASSWORD = "Gardien#Secret-2026"


def _agent(accounts: Accounts) -> pyotp.TOTP:
    accounts.set_agent_password("paris-dpo", AGENT_PASSWORD, source="cli")
    uri = accounts.set_agent_totp("paris-dpo", source="cli")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp" and parse_qs(parsed.query)["issuer"] == ["vigie"]
    return pyotp.TOTP(parse_qs(parsed.query)["secret"][0])


def test_an_agent_signs_in_with_password_and_current_code(
    accounts: Accounts, clock: FixedClock, journal: RecordingJournal
) -> None:
    generator = _agent(accounts)
    code = generator.at(clock.now())
    opened = accounts.agent_sign_in(Credentials("paris-dpo", AGENT_PASSWORD, code), source="192.0.2.7")
    assert opened.session.agent_id == "paris-dpo"
    assert journal.events[-1].action is AuditAction.LOGIN and journal.events[-1].agent_id == "paris-dpo"


def test_the_password_alone_or_a_wrong_or_stale_code_is_refused(accounts: Accounts, clock: FixedClock) -> None:
    generator = _agent(accounts)
    stale = generator.at(clock.now() - timedelta(minutes=2))
    for code in ("", "000000" if generator.at(clock.now()) != "000000" else "111111", stale):
        with pytest.raises(SignInRefused, match="identifiant, mot de passe ou code incorrect"):
            accounts.agent_sign_in(Credentials("paris-dpo", AGENT_PASSWORD, code))
    with pytest.raises(SignInRefused):  # the right code with a wrong password
        accounts.agent_sign_in(Credentials("paris-dpo", "Pas-le-bon-1!", generator.at(clock.now())))


def test_a_code_is_accepted_once_only(accounts: Accounts, clock: FixedClock) -> None:
    generator = _agent(accounts)
    code = generator.at(clock.now())
    accounts.agent_sign_in(Credentials("paris-dpo", AGENT_PASSWORD, code))
    with pytest.raises(SignInRefused):
        accounts.agent_sign_in(Credentials("paris-dpo", AGENT_PASSWORD, code))
    clock.set(clock.now() + timedelta(seconds=30))
    assert accounts.agent_sign_in(Credentials("paris-dpo", AGENT_PASSWORD, generator.at(clock.now())))


def test_an_agent_without_a_second_factor_cannot_sign_in_to_the_browser(accounts: Accounts) -> None:
    accounts.set_agent_password("paris-dpo", AGENT_PASSWORD)
    with pytest.raises(SignInRefused):
        accounts.agent_sign_in(Credentials("paris-dpo", AGENT_PASSWORD, "123456"))


def test_agent_passwords_follow_the_rules_and_unknown_agents_are_refused(accounts: Accounts) -> None:
    with pytest.raises(WeakPassword) as weak:
        accounts.set_agent_password("paris-dpo", "azerty123")
    assert any("courants" in problem for problem in weak.value.problems)
    with pytest.raises(NotFound):
        accounts.set_agent_totp("personne")
