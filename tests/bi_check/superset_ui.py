"""Superset's SQL Lab in headless Chromium: sign in, run a README query, keep a screenshot."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

from tests.bi_check.envs import debian_program
from tests.bi_check.superset_server import Superset
from tests.support import launch_chromium

# Superset renders its first page after login in seconds on a quiet machine, but took over 120 s
# on 2 cores under a load of 6 (4 Dec): a timeout is for a hang, not for a slow machine.
TIMEOUT_MS = 300_000


def sqllab_screenshot(
    server: Superset, *, database_id: int, sql: str, expect_text: str, out: Path
) -> None:
    """Open SQL Lab on ``sql`` (run on load), wait for ``expect_text`` in the results, shoot."""
    debian_program("chromium", "chromium")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{server.url}/login/", timeout=TIMEOUT_MS)
            page.fill("[data-test=username-input]", server.username, timeout=TIMEOUT_MS)
            page.fill("[data-test=password-input]", server.password)
            page.click("[data-test=login-button]")
            page.wait_for_url("**/superset/welcome/**", timeout=TIMEOUT_MS)
            query = {"dbid": database_id, "sql": sql, "name": "Top gainers", "autorun": "true"}
            page.goto(f"{server.url}/sqllab/?{urlencode(query)}", timeout=TIMEOUT_MS)
            page.get_by_text(expect_text, exact=True).first.wait_for(timeout=TIMEOUT_MS)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()
