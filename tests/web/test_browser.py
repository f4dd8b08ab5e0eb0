"""End to end in Debian Chromium (Playwright): upload the Hanoi seed → its four unit sections
become tasks → Sở Thông tin và Truyền thông reports with a document → the dashboard shows it
completed on time. Screenshots of the main pages go to ``artifacts/`` (git-ignored)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from vbweb_helpers import FIXTURES, PASSWORDS, SEED, TODAY

from vanban.store import Archive
from vanban.web import WebConfig, create_app
from vanban.web.demo import setup

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    import uvicorn

    arc = Archive.open(tmp_path / "home")
    setup(arc, [], PASSWORDS)  # registry and accounts; the seed is uploaded through the browser
    app = create_app(WebConfig(home=arc.home, today=lambda: TODAY), arc)
    port = _free_port()
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
    arc.close()


def _login(page, base: str, user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_upload_tasks_report_dashboard(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
            page = ctx.new_page()
            _login(page, server, "vanthu")
            page.goto(f"{server}/upload")
            page.set_input_files("#files", str(SEED))
            page.click("#upload-form button[type=submit]")
            page.wait_for_selector("#results li a")
            assert "nhiệm vụ" in page.inner_text("#results")
            page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
            page.click("#results li a")
            page.wait_for_selector("#doc-tasks")
            for i in range(4):  # the four unit sections are highlighted as tasks
                assert page.locator(f"#task-{i}").count() == 1
            assert page.locator(".hl-cite").count() >= 3
            page.screenshot(path=str(ARTIFACTS / "document.png"), full_page=False)
            rows = page.locator("#doc-tasks tbody tr")
            assert rows.count() >= 4
            # the clerk confirms the Sở TT&TT task
            page.locator("#doc-tasks a", has_text="Sở Thông tin và Truyền thông").first.click()
            page.wait_for_selector("#confirm-form")
            page.select_option("#confirm-form select[name=role]", "lead")
            page.click("#confirm-form button")
            page.wait_for_selector("text=Đã xác nhận")
            page.screenshot(path=str(ARTIFACTS / "task-clerk.png"), full_page=True)
            task_url = page.url
            ctx.clear_cookies()

            _login(page, server, "sotttt")
            page.goto(f"{server}/tasks")
            assert "Sở Văn hóa và Thể thao" not in page.inner_text("#task-list tbody")
            page.screenshot(path=str(ARTIFACTS / "unit-tasks.png"), full_page=True)
            page.goto(task_url)
            page.fill("#report-form textarea[name=note]", "Đã hướng dẫn các cơ quan báo chí.")
            page.set_input_files("#report-form input[name=file]", str(FIXTURES / "bao_cao_stttt.txt"))
            page.check("#report-form input[name=final]")
            page.click("#report-form button")
            page.wait_for_selector(".reports li b")
            assert "Đã hoàn thành đúng hạn" in page.inner_text("main")
            ctx.clear_cookies()

            _login(page, server, "lanhdao")
            page.goto(f"{server}/dashboard")
            row = page.locator('#unit-counts tr[data-unit="Sở Thông tin và Truyền thông"]')
            # the report answers Công văn 3241 as a whole: both of the unit's assignments in it
            # (section 1 through "Các Sở, ban, ngành", section 2 by name) are completed on time
            assert row.locator('td[data-status="done_on_time"]').inner_text() == "2"
            assert row.locator('td[data-status="open"]').inner_text() == "0"
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            page.goto(f"{server}/directive?key=24-CT/TU")
            assert page.locator("svg.graph .node").count() >= 5
            page.screenshot(path=str(ARTIFACTS / "directive.png"), full_page=True)
            page.goto(f"{server}/search?q=tuyên truyền")
            page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
        finally:
            browser.close()
