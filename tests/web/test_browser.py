"""End to end in Debian Chromium (Playwright): the tracking scenario of issue 13 in a Hà Nội
tracker. Screenshots (1366 px and 390 px) go to ``artifacts/screenshots/`` (git-ignored)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from vbweb_helpers import PASSWORDS, SEED, TODAY

from vanban.store import Archive
from vanban.web import WebConfig, create_app
from vanban.web.demo import setup

CHROMIUM = Path("/usr/bin/chromium")
CT21 = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf" / "chi-thi-so-21-ct-ttg-469580.pdf"
REPORT_2024 = Path(__file__).resolve().parents[1] / "track" / "fixtures" / "bao_cao_stttt_2024.txt"
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


def _shots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshots of the current page at 1366 px and at 390 px (a phone), full page."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.wait_for_load_state()
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()


def _upload(page, base: str, *files: Path) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/upload")
    page.set_input_files("#files", [str(f) for f in files])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#results li")
    # each file is read in a background job: wait until every one has finished or failed
    page.wait_for_function(
        "() => [...document.querySelectorAll('#results li')].every("
        "li => li.classList.contains('error') || li.querySelector('a') || li.querySelector('p.error'))",
        timeout=240_000,
    )
    return page.inner_text("#results")


def test_the_scenario_in_chromium(server: str) -> None:
    """Upload 3241 and 21/CT-TTg → proposals that count nowhere → the review queue (edit one,
    confirm all, 21/CT-TTg's ministries addressed elsewhere) → the unit reports with its document
    dated 15/01/2024 → its tasks done on that date, no other unit's → the chain from 24-CT/TU;
    an empty upload shows the server's message; at 390 px the menu collapses, tables are cards."""
    from playwright.sync_api import sync_playwright

    if not CT21.exists():
        pytest.skip(f"corpus file missing: {CT21}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            page = ctx.new_page()
            _login(page, server, "vanthu")
            out = _upload(page, server, SEED, CT21)
            assert out.count("Đã xong") == 2 and "nhiệm vụ" in out, out
            page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
            empty = page.context.new_page()
            ARTIFACTS.joinpath("rong.txt").write_bytes(b"")
            _login(empty, server, "vanthu")
            assert _upload(empty, server, ARTIFACTS / "rong.txt").strip() == "Tệp rỗng."
            empty.close()

            # nothing counts before confirmation
            page.goto(f"{server}/dashboard")
            assert [page.inner_text(f'.tiles b[data-status="{st}"]') for st in ("open", "overdue")] == [
                "0",
                "0",
            ]
            assert "đề xuất chờ xác nhận" in page.inner_text("#pending-link")

            page.goto(f"{server}/review")
            assert page.locator("#review-queue tbody tr").count() == 2
            _shots(page, "review-queue")
            page.locator("#review-queue tr", has_text="21/CT-TTg").locator('a[href$="/review"]').click()
            page.wait_for_selector(".proposal-group")
            n21 = page.locator(".proposals tbody tr").count()
            assert 0 < n21 <= 12
            chosen = page.locator(".proposals tbody tr select[name=unit_id] option:checked").all_inner_texts()
            assert set(chosen) == {"Ủy ban nhân dân Thành phố Hà Nội"}
            assert "Bộ Nội vụ" in page.inner_text("#elsewhere") and "Bộ Công an" in page.inner_text(
                "#elsewhere"
            )
            page.goto(f"{server}/review")
            page.locator("#review-queue tr", has_text="3241/UBND-KGVX").locator('a[href$="/review"]').click()
            page.wait_for_selector(".proposal-group mark.hl-task")
            _shots(page, "review")
            # edit one proposal: Sở TT&TT leads item 2, due 31/03/2024
            row = page.locator("#item-1 .proposals tbody tr").first
            assert (
                row.locator("select[name=unit_id] option:checked").inner_text()
                == "Sở Thông tin và Truyền thông"
            )
            row.locator("select[name=role]").select_option("lead")
            row.locator("input[name=deadline]").fill("2024-03-31")
            row.locator("button.confirm").click()
            page.wait_for_selector("#confirm-all")
            assert page.locator("#item-1").count() == 0  # item 2 had one proposal, now a task
            page.locator("#item-3 .proposals tbody tr").first.locator("button.reject").click()  # a clerk's no
            page.wait_for_selector("#confirm-all")
            page.click("#confirm-all button")
            page.wait_for_selector("text=Không còn đề xuất nào chờ xác nhận")
            ctx.clear_cookies()

            # the unit reports with its document of 15/01/2024
            _login(page, server, "sotttt")
            page.goto(f"{server}/tasks")
            assert "Sở Văn hóa và Thể thao" not in page.inner_text("#task-list tbody")
            page.locator("#task-list a", has_text="Hướng dẫn").first.click()
            page.wait_for_selector("#report-form")
            task_url = page.url
            page.set_input_files("#report-form input[name=file]", str(REPORT_2024))
            page.click("#report-form button")
            page.wait_for_selector(".reports li b")
            main = page.inner_text("main")
            assert "Đã hoàn thành đúng hạn" in main and "15/01/2024" in main
            _shots(page, "task")
            ctx.clear_cookies()

            _login(page, server, "lanhdao")
            page.goto(f"{server}/dashboard")
            stttt = page.locator('#unit-counts tr[data-unit="Sở Thông tin và Truyền thông"]')
            assert stttt.locator('td[data-status="done_on_time"]').inner_text() == "2"
            vh = page.locator('#unit-counts tr[data-unit="Sở Văn hóa và Thể thao"]')
            assert vh.locator('td[data-status="done_on_time"]').inner_text() == "0"
            assert int(vh.locator('td[data-status="open"]').inner_text()) == 2
            _shots(page, "dashboard")
            # 390 px: the menu collapses behind its button, the tables are cards on screen
            page.set_viewport_size({"width": 390, "height": 844})
            page.reload()
            assert not page.locator("#menu").is_visible() and page.locator("#menu-toggle").is_visible()
            page.click("#menu-toggle")
            assert page.locator("#menu").is_visible()
            cell = page.locator(
                '#unit-counts tr[data-unit="Sở Thông tin và Truyền thông"] td[data-status="overdue"]'
            )
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            page.set_viewport_size({"width": 1366, "height": 900})

            # the chain from either end, and the audit log in sentences
            page.goto(f"{server}/directive?key=24-CT/TU")
            text = page.inner_text("main")
            assert "3241/UBND-KGVX" in text and "thực hiện" in text and "báo cáo hoàn thành" in text
            assert page.locator("svg.graph .node").count() >= 5
            page.screenshot(path=str(ARTIFACTS / "directive.png"), full_page=True)
            page.goto(task_url)
            assert "Sở Thông tin và Truyền thông" in page.inner_text("h1")
            ctx.clear_cookies()
            _login(page, server, "admin")
            page.goto(f"{server}/audit")
            log = page.inner_text("#audit-log")
            assert "Nguyễn Thị Văn Thư xác nhận nhiệm vụ" in log and "thời hạn: — → 31/03/2024" in log
            assert "\\u" not in log and "{" not in log
            page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
        finally:
            browser.close()
