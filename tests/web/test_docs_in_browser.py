"""`/docs` in a real browser (Debian's Chromium via Playwright): the API documentation renders from this
service alone. No request leaves the service's address, and the page's Content-Security-Policy is never
violated (so it would also block a script that tried to reach elsewhere)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, expect, sync_playwright

from vigie.bootstrap import prepare
from vigie.settings import Settings
from vigie.web import create_app
from vigie.web.server import bind, make_server, url_of

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """`vigie serve`'s start-up on an SQLite file, served by uvicorn in a thread on a free port."""
    env = prepare(Settings(data_dir=tmp_path / "data"), create_keys=True)
    sock = bind("127.0.0.1", 0)
    server = make_server(create_app(env), log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        env.engine.dispose()


def test_the_api_documentation_renders_without_any_request_to_another_host(base_url: str) -> None:
    chromium = os.environ.get("VIGIE_TEST_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"Chromium absent ({chromium}) : installez-le (apt-get install chromium) ou lancez scripts/test.sh")
    own = urlsplit(base_url).netloc
    requested: list[str] = []
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
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
