"""The routing flow in Debian Chromium (Playwright), at a phone's width (390 px): the clerk
registers the seed from the entry filled from its record and sends it to the leader; the
leader's phiếu giải quyết names Sở Thông tin và Truyền thông to lead; that unit's member sees
the task and its notification."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vanban.store import Archive
from vanban.web import WebConfig, create_app

from .conftest import PASSWORDS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
]


@pytest.fixture
def server(office: Archive) -> Iterator[str]:
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(WebConfig(home=office.home), office)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(5)


def _login(page, base: str, user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_register_leader_assigns_unit_sees_task(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
            page = ctx.new_page()
            _login(page, server, "vanthu")
            page.goto(f"{server}/documents/1")
            page.click("#desk-link")
            page.wait_for_selector("#register-form")
            assert page.input_value("#register-form input[name=doc_number]") == "3241/UBND-KGVX"
            page.fill("#register-form input[name=deadline]", "2023-10-20")
            page.click("#register-form button")
            page.wait_for_selector("#entry-number")
            assert page.inner_text("#entry-number") == "1"
            page.select_option("#send-form select[name=leader_id]", label="Trần Văn Lãnh Đạo")
            page.click("#send-form button")
            page.wait_for_selector('#trail-table tr[data-action="send"]')
            # the page fits a phone: nothing wider than the viewport but the tables' own scroll
            assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            ctx.clear_cookies()

            _login(page, server, "lanhdao")
            page.goto(f"{server}/notifications")
            page.click("#leader-inbox a")
            page.wait_for_selector("#direct-form")
            page.fill("#direct-form textarea[name=opinion]", "Sở TT&TT chủ trì tuyên truyền Chỉ thị 24")
            page.select_option("#direct-form select[name=lead_unit_id]", label="Sở Thông tin và Truyền thông")
            page.select_option("#direct-form select[name=coordinate_ids]", label="Sở Văn hóa và Thể thao")
            page.click("#direct-form button")
            page.wait_for_selector('#trail-table tr[data-action="assign"]')
            assert page.locator('#trail-table tr[data-action="assign"]').count() == 2
            ctx.clear_cookies()

            _login(page, server, "sotttt")
            page.goto(f"{server}/tasks")
            assert "Sở TT&TT chủ trì tuyên truyền Chỉ thị 24" in page.inner_text("main")
            page.goto(f"{server}/notifications")
            assert "Nhiệm vụ mới từ văn bản 3241/UBND-KGVX" in page.inner_text("#notifications")
        finally:
            browser.close()
