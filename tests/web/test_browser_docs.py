"""Swagger UI at /api/docs works in Chromium under the app's own CSP, with no network (issue 16)."""

from __future__ import annotations

import pytest
from test_browser import ARGS, CHROMIUM, server  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
]


def test_swagger_ui_renders_the_api_offline(server: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            blocked: list[str] = []
            page.on(
                "console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None
            )
            outside: list[str] = []
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(server)
                    else (outside.append(route.request.url), route.abort())
                ),
            )
            page.goto(f"{server}/api/docs")
            page.wait_for_selector(".opblock-summary-path", timeout=20000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert any("/api/v1/jobs/{job_id}" in p.replace("\u200b", "") for p in paths), paths
            assert not outside, outside
            assert not blocked, blocked
        finally:
            browser.close()
