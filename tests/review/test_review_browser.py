"""The review step in Debian Chromium on a real scan (hn-dev 08.pdf, OCR'd once): the document is
"cần kiểm tra", the crops load, the văn thư corrects the date, fills what was not read and
confirms the rest in one submit; the mark is gone. Screenshots of the form at 1366 and 390 px go
to ``artifacts/screenshots/`` (git-ignored)."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from vbweb_helpers import PASSWORDS, TODAY

from vanban.store import Archive
from vanban.web import WebConfig, create_app
from vanban.web.demo import setup

CHROMIUM = Path("/usr/bin/chromium")
HN_DEV = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "hn-dev"
SCAN = HN_DEV / "08.pdf"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.ocr,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed"),
    pytest.mark.skipif(not SCAN.exists(), reason=f"hn-dev scan missing: {SCAN}"),
]


def _gold() -> dict[str, str]:
    for line in (HN_DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if g.get("file") == SCAN.name:
            return {
                "number": g["number"],
                "doc_type": g["doc_type"],
                "issuer": g["issuer"],
                "signer-name": g["signer"]["name"],
            }
    raise AssertionError("no gold record for 08.pdf")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    import uvicorn

    arc = Archive.open(tmp_path / "home")
    setup(arc, [], PASSWORDS)
    assert arc.add_file(SCAN).document_id == 1  # OCR, once
    app = create_app(WebConfig(home=arc.home, today=lambda: TODAY), arc)
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(5)
    arc.close()


def test_review_a_scan(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    gold = _gold()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            page = ctx.new_page()
            page.goto(f"{server}/login")
            page.fill("input[name=username]", "vanthu")
            page.fill("input[name=password]", PASSWORDS["vanthu"])
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto(f"{server}/review/fields")
            page.click("#review-queue a")
            page.wait_for_selector("#field-review")
            assert page.locator("#needs-review").is_visible()
            assert "Cần kiểm tra" in page.inner_text("#needs-review")
            # the crops are rendered from the original and load
            page.wait_for_function(
                "() => { const all = [...document.querySelectorAll('img.review-crop')];"
                " return all.length >= 5 && all.every(i => i.complete && i.naturalWidth > 50); }",
                timeout=120_000,
            )
            assert page.locator("#review-date img.review-crop").count() == 1
            assert "nguyên vẹn" in page.inner_text("#signatures")
            assert "chưa xác minh" in page.inner_text("#signatures")
            page.locator("#field-review").screenshot(path=str(ARTIFACTS / "field-review-1366.png"))
            page.set_viewport_size({"width": 390, "height": 844})
            page.locator("#field-review").screenshot(path=str(ARTIFACTS / "field-review-390.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= 392  # no sideways scroll
            page.set_viewport_size({"width": 1366, "height": 900})
            # one submit: the date corrected, what was not read filled in, the rest as proposed
            page.fill("#f-date", "03/08/2020")
            for field, value in gold.items():
                if not page.input_value(f"#f-{field}"):
                    page.fill(f"#f-{field}", value)
            page.click(".review-actions button[name=save]")
            page.wait_for_selector("#field-review")
            assert page.locator("#needs-review").count() == 0
            assert page.input_value("#f-date") == "03/08/2020"
            assert "03/08/2020" in page.inner_text("dl.rec")
            assert page.locator("#review-date .badge.confirmed").count() == 1
            page.click("#field-review summary")  # closed once nothing is left to check
            assert "03/08/2020" in page.inner_text(".review-history")
            page.locator("#field-review").screenshot(path=str(ARTIFACTS / "field-review-done-1366.png"))
            page.goto(f"{server}/review/fields")
            assert "Không còn văn bản nào cần kiểm tra." in page.inner_text("main")
        finally:
            browser.close()
