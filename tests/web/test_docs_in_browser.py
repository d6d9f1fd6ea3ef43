"""`/docs` in a real browser (Debian's Chromium via Playwright): the API documentation renders from this
service alone. No request leaves the service's address, and the page's Content-Security-Policy is never
violated (so it would also block a script that tried to reach elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, expect, sync_playwright


def test_the_api_documentation_renders_without_any_request_to_another_host(
    base_url: str, chromium_args: list[str]
) -> None:
    chromium = os.environ.get("VIGIE_TEST_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"Chromium absent ({chromium}) : installez-le (apt-get install chromium) ou lancez scripts/test.sh")
    own = urlsplit(base_url).netloc
    requested: list[str] = []
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=chromium_args)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))

            def on_console(message: ConsoleMessage) -> None:
                if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
                    violations.append(message.text)

            page.on("console", on_console)
            page.goto(base_url + "docs")

            expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
            assert page.locator(".opblock").count() >= 8  # every operation of the schema, rendered
            expect(page.get_by_text("Les traitements du registre, page par page")).to_be_visible()
            page.locator(".opblock-summary").first.click()  # opening an operation loads nothing more
            page.wait_for_load_state("networkidle")
        finally:
            browser.close()

    assert requested, "the browser made its requests"
    elsewhere = [url for url in requested if urlsplit(url).netloc != own and not url.startswith("data:")]
    assert elsewhere == []
    assert base_url + "openapi.json" in requested
    assert violations == []
