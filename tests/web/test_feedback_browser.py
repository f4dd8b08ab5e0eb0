"""The citizen's path end to end in Debian Chromium: submit a phản ánh without an account → get
a code → the clerk classifies and assigns → the unit drafts → the leader approves and confirms
publication → the public index, the answer page and the Atom feed show the answer without the
citizen's name, phone or e-mail; the citizen's status page shows it too. Screenshots of the form,
the status page and the public index at 1366 px and 390 px go to ``artifacts/`` (git-ignored)."""

from __future__ import annotations

import pytest
from test_browser import ARGS, ARTIFACTS, CHROMIUM, _login, server  # noqa: F401  (server: a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
]

NAME, PHONE, EMAIL = "Phạm Thị Hoa", "0987 654 321", "hoa.pham@example.vn"
ANSWER = "Kính gửi bà Phạm Thị Hoa: Sở đã hướng dẫn bổ sung hồ sơ và trả kết quả ngày 30/10/2023."
SECRETS = ("Phạm Thị Hoa", "0987", "654 321", EMAIL, "example.vn")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def test_citizen_to_published_answer(server: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            citizen = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            page = citizen.new_page()
            page.goto(f"{server}/feedback/new")
            _shot(page, "feedback-form")
            page.fill("input[name=subject]", "Chậm trả kết quả đăng ký kinh doanh")
            page.fill(
                "textarea[name=content]",
                f"Tôi là {NAME}, điện thoại {PHONE}. Hồ sơ nộp ngày 02/10/2023 đến nay chưa có kết quả.",
            )
            page.select_option("select[name=about_type]", "procedure")
            page.fill("input[name=about]", "Đăng ký hộ kinh doanh")
            page.fill("input[name=name]", NAME)
            page.fill("input[name=contact]", EMAIL)
            page.check("input[name=consent_public]")
            page.click("#feedback-form button[type=submit]")
            page.wait_for_selector("#tracking-code")
            code = page.inner_text("#tracking-code").strip()
            assert code.startswith("PA-")
            assert page.get_attribute("#state", "data-state") == "new"
            _shot(page, "feedback-status")
            status_url = f"{server}/feedback/status/{code}"

            staff = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            sp = staff.new_page()
            _login(sp, server, "vanthu")
            sp.goto(f"{server}/feedback")
            sp.click(f'#feedback-items a:has-text("{code}")')
            sp.wait_for_selector("#assign-form")
            sp.select_option("#assign-form select[name=category]", "tthc")
            sp.select_option("#assign-form select[name=unit_id]", label="Sở Thông tin và Truyền thông")
            sp.click("#assign-form button")
            sp.wait_for_selector('#state[data-state="assigned"]')
            assert sp.inner_text("#due") == "15/11/2023"  # 15 working days from 25/10/2023
            item_url = sp.url
            staff.clear_cookies()

            _login(sp, server, "sotttt")
            sp.goto(item_url)
            sp.fill("#draft-form textarea[name=text]", ANSWER)
            sp.click("#draft-form button")
            sp.wait_for_selector('#state[data-state="drafted"]')
            staff.clear_cookies()

            _login(sp, server, "lanhdao")
            sp.goto(item_url)
            assert sp.is_checked("#approve-form input[name=public]")  # the citizen agreed
            sp.click('#approve-form button[value="approve"]')
            sp.wait_for_selector("#preview-answer")  # publishing asks for confirmation
            preview = sp.inner_text("main")
            assert "Sở đã hướng dẫn bổ sung hồ sơ" in preview
            assert not any(s in preview for s in SECRETS)
            sp.click("button[name=confirm]")
            sp.wait_for_selector('#state[data-state="answered"]')
            assert "Đã công khai" in sp.inner_text("#state")

            page.goto(status_url)
            assert page.get_attribute("#state", "data-state") == "answered"
            assert "Sở đã hướng dẫn bổ sung hồ sơ" in page.inner_text("#answer")
            page.goto(f"{server}/public")
            page.wait_for_selector("#public-answers a")
            _shot(page, "public-index")
            page.click("#public-answers a")
            page.wait_for_selector("#public-answer")
            shown = page.inner_text("main")
            assert "Sở đã hướng dẫn bổ sung hồ sơ" in shown and "[họ tên]" in shown
            assert not any(s in shown for s in SECRETS)
            feed = page.request.get(f"{server}/public/feed.xml").text()
            assert "Sở đã hướng dẫn bổ sung hồ sơ" in feed
            assert not any(s in feed for s in SECRETS)

            phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
            mp = phone.new_page()
            for url, name in (
                (f"{server}/feedback/new", "feedback-form"),
                (status_url, "feedback-status"),
                (f"{server}/public", "public-index"),
            ):
                mp.goto(url)
                # nothing wider than the phone's screen
                assert mp.evaluate("document.documentElement.scrollWidth") <= 390
                _shot(mp, name)
        finally:
            browser.close()
