"""Accounts in a real browser (Debian's Chromium through Playwright) against a real server: a weak or personal
password refused at sign-up with the French message next to the field (with and without script), the lock
after repeated failures, and an agent's sign-in with TOTP. Screenshots go to `test-artifacts/` (git-ignored)."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from vigie import vault
from vigie.accounts import Accounts
from vigie.audit import Journal
from vigie.bootstrap import prepare
from vigie.clock import FixedClock
from vigie.environment import Environment
from vigie.settings import Settings
from vigie.store import connect
from vigie.taxonomy import SubjectKind

sys.path.insert(0, str(Path(__file__).parent.parent / "accounts"))
from account_world import FAST_HASH, GOOD_PASSWORD, NIR

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AGENT_PASSWORD = "Gardien#Secret-2026"


@dataclasses.dataclass
class Site:
    url: str
    clock: FixedClock
    totp: pyotp.TOTP


@pytest.fixture
def site(tmp_path: Path, serve: Callable[[Environment], AbstractContextManager[Any]]) -> Iterator[Site]:
    """The service with a clock the test moves, an insured woman in the vault, and `paris-dpo` with a password
    and a second factor."""
    clock = FixedClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    env = prepare(Settings(data_dir=tmp_path / "data", demo=True, **FAST_HASH), create_keys=True, clock=clock)
    with connect(env.engine) as connection:
        vault.add_subject(
            connection,
            env.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Dupont"},
            created_on=date(2020, 1, 1),
            nir=NIR,
        )
    with Journal(env.engine, env.keyring) as journal:
        accounts = Accounts(env, journal)
        accounts.set_agent_password("paris-dpo", AGENT_PASSWORD)
        uri = accounts.set_agent_totp("paris-dpo")
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    try:
        with serve(env) as served:
            yield Site(served.url.rstrip("/"), clock, pyotp.TOTP(secret))
    finally:
        env.engine.dispose()


@pytest.fixture
def browser(chromium_args: list[str]) -> Iterator[Browser]:
    chromium = os.environ.get("VIGIE_TEST_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"Chromium absent ({chromium}) : installez-le (apt-get install chromium) ou lancez scripts/test.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=chromium_args)
        try:
            yield launched
        finally:
            launched.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _fill_sign_up(page: Page, password: str) -> None:
    page.get_by_label("Numéro de sécurité sociale (15 caractères) ou SIRET (14 chiffres)").fill(NIR)
    page.get_by_label("Nom", exact=True).fill("Dupont")
    page.get_by_label("Prénom").fill("Élodie")
    page.get_by_label("Date de naissance").fill("12/03/1975")
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_label("Confirmation du mot de passe").fill(password)


def test_sign_up_refuses_a_personal_password_next_to_the_field_without_script(site: Site, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/compte/inscription")
    _fill_sign_up(page, "Dupont12031975!")
    page.get_by_role("button", name="Créer mon compte").click()
    errors = page.locator("#password-erreurs")
    expect(errors).to_contain_text("Il ne doit contenir ni votre nom ni votre prénom.")
    expect(errors).to_contain_text("date de naissance")
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Nom", exact=True)).to_have_value("Dupont")  # what was typed stays, but no password
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_value("")
    _shot(page, "inscription-mot-de-passe-personnel")
    _fill_sign_up(page, GOOD_PASSWORD)  # and the form works without script
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Mon compte")).to_be_visible()
    context.close()


def test_the_feedback_shows_as_one_types_a_weak_password(site: Site, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(site.url + "/compte/inscription")
    _fill_sign_up(page, "azerty123")
    feedback = page.locator("#avis-mot-de-passe")
    expect(feedback).to_be_visible()
    expect(feedback).to_contain_text("Mot de passe refusé")
    expect(feedback).to_contain_text("mots de passe les plus courants")
    _shot(page, "inscription-avis-en-direct")
    page.get_by_label("Mot de passe", exact=True).fill(GOOD_PASSWORD)
    expect(feedback).to_contain_text("Mot de passe accepté.")


def test_repeated_failures_slow_down_then_lock_the_account(site: Site, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(site.url + "/compte/inscription")
    _fill_sign_up(page, GOOD_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("button", name="Se déconnecter").click()
    messages = []
    for _ in range(10):
        page.get_by_label("Numéro de sécurité sociale ou SIRET").fill(NIR)
        page.get_by_label("Mot de passe").fill("Pas-le-bon-1!")
        page.get_by_role("button", name="Se connecter").click()
        alert = page.get_by_role("alert")
        messages.append(alert.inner_text())
        site.clock.set(site.clock.now() + timedelta(minutes=10))  # past any delay
    assert all(m == "Identifiant ou mot de passe incorrect." for m in messages[:4])
    assert "réessayez dans 30 s" in messages[4]
    assert messages[9].startswith("Compte verrouillé après 10 échecs")
    _shot(page, "connexion-compte-verrouille")
    page.get_by_label("Numéro de sécurité sociale ou SIRET").fill(NIR)
    page.get_by_label("Mot de passe").fill(GOOD_PASSWORD)  # 10 failures from this address: it waits too
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Trop d'échecs d'authentification depuis cette adresse")


def test_an_agent_signs_in_with_password_and_totp_code(site: Site, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(site.url + "/agents/connexion")
    page.get_by_label("Identifiant d'agent").fill("paris-dpo")
    page.get_by_label("Mot de passe").fill(AGENT_PASSWORD)
    page.get_by_label("Code à 6 chiffres").fill("000000" if site.totp.at(site.clock.now()) != "000000" else "111111")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Identifiant, mot de passe ou code incorrect.")
    _shot(page, "agent-code-refuse")
    page.get_by_label("Mot de passe").fill(AGENT_PASSWORD)
    page.get_by_label("Code à 6 chiffres").fill(site.totp.at(site.clock.now()))
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Espace agent")).to_be_visible()
    expect(page.locator("main")).to_contain_text("paris-dpo")
    _shot(page, "agent-espace")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["vigie_session"]["httpOnly"] and cookies["vigie_session"]["sameSite"] == "Strict"
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion des agents")).to_be_visible()
