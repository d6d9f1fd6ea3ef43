"""The privacy policy in a real browser (Debian's Chromium driven by Playwright) against a real server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright


def test_the_policy_page_opens_in_chromium_and_its_table_of_contents_leads_to_each_section(
    base_url: str, tmp_path: Path, chromium_args: list[str]
) -> None:
    chromium = os.environ.get("VIGIE_TEST_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"Chromium absent ({chromium}) : installez-le (apt-get install chromium) ou lancez scripts/test.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(base_url)

            assert page.title() == "Politique de protection des données personnelles — Assurance Maladie"
            assert page.url.endswith("/politique-de-confidentialite")
            header = page.locator("header.site")
            assert header.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"  # CSS loaded

            heading = page.locator("#titre-theme-cookies")
            expect(heading).not_to_be_in_viewport()
            page.locator("nav.toc").get_by_role("link", name="Cookies du site ameli.fr").click()
            expect(heading).to_be_in_viewport()
            assert page.url.endswith("#theme-cookies")

            shot = tmp_path / "politique.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
