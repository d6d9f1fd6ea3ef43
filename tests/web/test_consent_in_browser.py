"""The cookie banner in a real browser (Debian's Chromium, Playwright) against a real server: what the browser
stores and which requests it makes, before a choice, after accepting, refusing, customising, once the choice
expired and once the policy changed; the public pages pass axe-core. Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from vigie.clock import Clock, FixedClock
from vigie.consent import ConsentService, cookie_policy


class Site(Protocol):
    """What the `site` fixture of tests/web/conftest.py gives: a running service, its application and clock."""

    url: str
    app: FastAPI
    clock: Clock


SITE_START = datetime.fromisoformat("2026-11-28T10:00:00+01:00")  # as tests/web/conftest.py starts it
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
THIRD_PARTY_HOSTS = ("googletagmanager.com", "player.vimeo.com", "facebook.net", "twitter.com", "linkedin.com")
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


@dataclass
class Visit:
    """One browser context on the site, with every request it made to another host (answered empty, offline)."""

    context: BrowserContext
    page: Page
    site: Site
    outside: list[str] = field(default_factory=list)

    def cookies(self) -> dict[str, dict[str, object]]:
        return {c["name"]: dict(c) for c in self.context.cookies()}

    def third_party(self) -> list[str]:
        return [url for url in self.outside if any(host in url for host in THIRD_PARTY_HOSTS)]


def _visit(browser: Browser, site: Site, *, javascript: bool = True) -> Visit:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=javascript)
    visit = Visit(context, context.new_page(), site)

    def answer(route: Route) -> None:
        if route.request.url.startswith(site.url.rstrip("/")):
            route.continue_()
        else:  # no network here: record the request, answer it empty
            visit.outside.append(route.request.url)
            route.fulfill(status=200, body="")

    context.route("**/*", answer)
    return visit


@pytest.fixture
def visit(browser: Browser, site: Site) -> Iterator[Visit]:
    """A fresh browser context on the module's service; the service's clock and consent policy are put back."""
    clock, consent = site.clock, site.app.state.consent
    assert isinstance(clock, FixedClock)
    made = _visit(browser, site)
    yield made
    made.context.close()
    clock.set(SITE_START)
    site.app.state.consent = consent


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the first screen: what a visitor sees first


def _banner_shown(page: Page) -> bool:
    return page.locator("section.cookie-banner").count() == 1


def _thirteen_months(cookie: dict[str, object]) -> bool:
    expires = datetime.fromtimestamp(float(str(cookie["expires"])))
    return timedelta(days=390) < expires - datetime.now() < timedelta(days=400)


def test_before_a_choice_both_answers_show_alike_and_nothing_is_stored_or_fetched(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.site.url + "politique-de-confidentialite")

    assert _banner_shown(page)
    refuse = page.get_by_role("button", name="Tout refuser").first
    accept = page.get_by_role("button", name="Tout accepter").first
    expect(refuse).to_be_in_viewport()
    expect(accept).to_be_in_viewport()
    box_r, box_a = refuse.bounding_box(), accept.bounding_box()
    assert box_r is not None and box_a is not None
    assert (box_r["width"], box_r["height"], box_r["y"]) == (box_a["width"], box_a["height"], box_a["y"])
    style = "e => [getComputedStyle(e).fontWeight, getComputedStyle(e).backgroundColor, getComputedStyle(e).fontSize]"
    assert refuse.evaluate(style) == accept.evaluate(style)
    expect(page.get_by_role("link", name="Gestion des cookies")).to_be_visible()
    assert set(visit.cookies()) == {"vigie_csrf"}  # strictly necessary (the form's protection), nothing else
    assert visit.outside == []
    _shot(page, "bandeau")


def test_refusing_is_remembered_for_thirteen_months_and_loads_nothing(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.site.url + "organismes")
    page.get_by_role("button", name="Tout refuser").first.click()

    page.wait_for_url("**/organismes")
    assert not _banner_shown(page)
    cookies = visit.cookies()
    assert "Cookie-agreed" in cookies and _thirteen_months(cookies["Cookie-agreed"])
    assert cookies["Cookie-agreed"]["httpOnly"] is True
    assert not {"atid", "atidx", "idrxvr"} & set(cookies)
    page.reload()
    page.goto(visit.site.url + "mentions-d-information")
    assert not _banner_shown(page)
    assert visit.outside == []


def test_accepting_by_keyboard_loads_the_accepted_services_and_sets_audience_cookies(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.site.url + "politique-de-confidentialite")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the banner's second button
    focused = page.evaluate("document.activeElement.textContent.trim()")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused == "Tout accepter" and outline == "solid"  # reachable by keyboard, focus visible
    page.keyboard.press("Enter")

    page.wait_for_url("**/politique-de-confidentialite")
    deadline = time.monotonic() + 10
    while "atid" not in visit.cookies():  # set by our first-party script once the page ran it
        assert time.monotonic() < deadline, "audience cookies never set"
        page.wait_for_timeout(50)
    assert not _banner_shown(page)
    hosts = {host for host in THIRD_PARTY_HOSTS if any(host in url for url in visit.third_party())}
    assert hosts == set(THIRD_PARTY_HOSTS)
    assert {"atid", "atidx", "idrxvr", "Cookie-agreed"} <= set(visit.cookies())


def test_customising_grants_only_the_ticked_service_and_withdrawing_stops_it(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.site.url + "politique-de-confidentialite")
    page.get_by_role("link", name="Personnaliser mes choix").click()
    audience = page.get_by_role("checkbox", name="Accepter tous les cookies de cette catégorie").first
    assert audience.is_checked()  # exempt audience measurement, objection possible: ticked until unticked
    audience.uncheck()
    assert not page.locator("#svc-atid").is_checked()  # our script unticks the category's services
    page.get_by_label("Vimeo").check()
    _shot(page, "gestion-des-cookies")
    page.get_by_role("button", name="Enregistrer mes choix").click()

    expect(page.get_by_role("status")).to_contain_text("Votre choix est enregistré")
    assert [url for url in visit.third_party() if "vimeo" not in url] == []
    assert any("player.vimeo.com" in url for url in visit.third_party())
    assert not {"atid", "atidx", "idrxvr"} & set(visit.cookies())

    page.get_by_role("link", name="Gestion des cookies").click()
    page.get_by_role("button", name="Tout refuser").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    page.wait_for_load_state("networkidle")
    visit.outside.clear()  # from here on, after the withdrawal
    page.goto(visit.site.url + "politique-de-confidentialite")
    page.wait_for_load_state("networkidle")
    assert visit.third_party() == []


def test_the_banner_returns_once_the_choice_is_thirteen_months_old(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.site.url + "politique-de-confidentialite")
    page.get_by_role("button", name="Tout accepter").first.click()
    page.wait_for_url("**/politique-de-confidentialite")
    page.wait_for_load_state("networkidle")
    assert not _banner_shown(page)

    clock = visit.site.clock
    assert isinstance(clock, FixedClock)
    clock.set(datetime.fromisoformat("2027-12-28T09:00:00+01:00"))
    visit.outside.clear()
    page.reload(wait_until="networkidle")

    assert _banner_shown(page)
    assert visit.third_party() == []  # an expired acceptance lets nothing in


def test_the_banner_returns_when_the_cookie_policy_changes(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.site.url + "politique-de-confidentialite")
    page.get_by_role("button", name="Tout accepter").first.click()
    page.wait_for_url("**/politique-de-confidentialite")
    page.wait_for_load_state("networkidle")

    old: ConsentService = visit.site.app.state.consent
    newer = cookie_policy(old.env.register, declared_version="nouvelle-version")
    visit.site.app.state.consent = ConsentService(old.env, old.writer, policy=newer)
    visit.outside.clear()
    page.reload(wait_until="networkidle")

    assert _banner_shown(page)
    assert visit.third_party() == []


def test_every_path_works_without_javascript(browser: Browser, site: Site) -> None:
    visit = _visit(browser, site, javascript=False)
    try:
        page = visit.page
        page.goto(site.url + "gestion-des-cookies")
        page.get_by_label("Facebook").check()
        page.get_by_role("button", name="Enregistrer mes choix").click()
        expect(page.get_by_role("status")).to_contain_text("Votre choix est enregistré")
        page.get_by_role("searchbox", name="Rechercher dans la politique").fill("opposition")
        page.get_by_role("button", name="Rechercher").first.click()
        expect(page.get_by_role("status")).to_contain_text("résultat")
    finally:
        visit.context.close()


PAGES = {
    "politique": "/politique-de-confidentialite",
    "gestion": "/gestion-des-cookies",
    "mentions": "/mentions-d-information",
    "recherche": "/recherche?q=cookies",
    "organismes": "/organismes",
    "404": "/page-inconnue",
}


def test_the_public_pages_pass_axe_core(visit: Visit) -> None:
    page = visit.page
    axe = Axe()
    for name, path in PAGES.items():
        response = page.goto(visit.site.url + path.lstrip("/"))
        assert response is not None and response.status == (404 if name == "404" else 200)
        assert page.evaluate("document.documentElement.lang") == "fr"

        results = axe.run(page, options=WCAG_AA)

        violations = [(v["id"], len(v["nodes"])) for v in results.response["violations"]]
        assert violations == [], f"{path}: {results.generate_report()}"
        _shot(page, f"page-{name}")
