"""Phản ánh, kiến nghị over HTTP: intake without an account (API and form with CSRF, honeypot,
attachments checked), the flood limit, a code showing only its item, handling by role, e-mail
to the citizen over SMTP, publication with personal data removed, feeds, commendations."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from vbweb_helpers import TODAY, csrf_of, login, token

from vanban.feedback.flood import IntakeHit
from vanban.feedback.mail import SmtpMailer
from vanban.feedback.models import Feedback
from vanban.store import Archive
from vanban.web import WebConfig, create_app

NAME, PHONE, EMAIL = "Nguyễn Văn An", "0912 345 678", "an.nguyen@example.com"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ITEM = {
    "name": NAME,
    "contact": EMAIL,
    "subject": "Chậm cấp giấy phép xây dựng",
    "content": f"Tôi là {NAME}, điện thoại {PHONE}, nộp hồ sơ từ tháng 8 chưa có kết quả.",
    "about_type": "procedure",
    "about": "Cấp giấy phép xây dựng",
    "consent_public": True,
}


def _submit(c: TestClient, **over: object) -> str:
    r = c.post("/api/v1/feedback", json={**ITEM, **over})
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    assert re.fullmatch(r"PA-[A-Z0-9]{5}-[A-Z0-9]{5}", code)
    return code


def _unit_id(c: TestClient, h: dict[str, str], name: str) -> int:
    return next(u["id"] for u in c.get("/api/v1/units", headers=h).json() if u["name"] == name)


SO_TTTT = "Sở Thông tin và Truyền thông"


def _answered(app, c: TestClient, code: str) -> None:  # type: ignore[no-untyped-def]
    clerk, member, leader = token(app, "vanthu"), token(app, "sotttt"), token(app, "lanhdao")
    uid = _unit_id(c, clerk, SO_TTTT)
    assert (
        c.post(
            f"/api/v1/feedback/{code}/assign", headers=clerk, json={"category": "tthc", "unit_id": uid}
        ).status_code
        == 200
    )
    answer = f"Kính gửi ông {NAME} ({EMAIL}): Sở đã cấp giấy phép ngày 20/10/2023."
    assert c.post(f"/api/v1/feedback/{code}/draft", headers=member, json={"text": answer}).status_code == 200
    assert c.post(f"/api/v1/feedback/{code}/approve", headers=leader).status_code == 200


def test_a_code_shows_its_item_and_nothing_else(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    a = _submit(c)
    b = _submit(c, name="Lê Thị Bích", contact="0987654321", subject="Đường ngập nước", content="Ngõ 5 ngập.")
    va, vb = c.get(f"/api/v1/feedback/{a}").json(), c.get(f"/api/v1/feedback/{b}").json()
    assert va["code"] == a and va["subject"] == ITEM["subject"] and va["state"] == "new"
    assert vb["subject"] == "Đường ngập nước"
    for view, other in ((va, "Đường ngập nước"), (vb, ITEM["subject"])):
        text = str(view)
        assert other not in text
        assert not {"name", "contact", "email", "phone", "content", "address"} & set(view)
        assert NAME not in text and "Bích" not in text and EMAIL not in text and "0987654321" not in text
    page = c.get(f"/feedback/status/{b}").text
    assert "Đường ngập nước" in page and ITEM["subject"] not in page and "Bích" not in page
    near = a[:-1] + ("X" if a[-1] != "X" else "Y")  # a near miss: one character off
    assert c.get(f"/api/v1/feedback/{near}").status_code == 404
    assert c.get("/api/v1/feedback/PA-AAAAA-AAAAA").status_code == 404
    assert c.get("/api/v1/feedback/../../tasks").status_code == 404
    assert c.get("/feedback/status/not-a-code").status_code == 404
    assert c.get("/api/v1/feedback").status_code == 401  # the list is for staff only


def test_flood_limit_per_client(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    for _ in range(5):
        _submit(c)
    r = c.post("/api/v1/feedback", json=ITEM)
    assert r.status_code == 429 and "quá nhiều" in r.json()["detail"]
    assert r.headers["retry-after"] == "60"
    token_ = re.search(r'name="csrf" value="([^"]+)"', c.get("/feedback/new").text).group(1)  # type: ignore[union-attr]
    r = c.post("/feedback/new", data={"csrf": token_, "subject": "x", "content": "y"}, follow_redirects=False)
    assert r.status_code == 429  # the form shares the limit


def test_flood_limit_is_shared_by_app_instances_over_one_database(app, arc) -> None:  # type: ignore[no-untyped-def]
    """Two server processes (or one restarted) over one database count one client together."""
    other_arc = Archive.open(arc.home)
    other = create_app(WebConfig(home=arc.home, today=lambda: TODAY), other_arc)
    try:
        first, second = TestClient(app), TestClient(other)
        for i in range(5):
            _submit(first if i % 2 else second)
        assert second.post("/api/v1/feedback", json=ITEM).status_code == 429
        assert first.post("/api/v1/feedback", json=ITEM).status_code == 429
        with other_arc.Session() as s:
            clients = set(s.scalars(select(IntakeHit.client)))
        assert len(clients) == 1 and "testclient" not in next(iter(clients))  # the address is hashed
    finally:
        other.state.jobs.close()
        other_arc.close()


def test_form_csrf_honeypot_and_lying_attachment(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    form = c.get("/feedback/new")
    assert form.status_code == 200 and 'name="website"' in form.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    data = {"subject": "Thái độ cán bộ", "content": "Cán bộ tiếp nhận không hướng dẫn.", "contact": PHONE}
    assert c.post("/feedback/new", data={**data, "csrf": "wrong"}, follow_redirects=False).status_code == 403
    r = c.post("/feedback/new", data={**data, "csrf": csrf, "website": "http://spam"}, follow_redirects=False)
    assert r.status_code == 400
    lying = {"files": ("bien-ban.pdf", PNG, "application/pdf")}
    r = c.post("/feedback/new", data={**data, "csrf": csrf}, files=lying, follow_redirects=False)
    assert r.status_code == 422 and "không đúng với loại tệp" in r.text
    assert "Thái độ cán bộ" in r.text  # the form keeps what was typed
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    ok = {"files": ("ảnh chụp hồ sơ.png", PNG, "image/png")}
    r = c.post("/feedback/new", data={**data, "csrf": csrf}, files=ok, follow_redirects=False)
    assert r.status_code == 303
    code = r.headers["location"].split("/")[-1].split("?")[0]
    page = c.get(r.headers["location"])
    assert code in page.text and "Đã nhận phản ánh" in page.text
    clerk = token(app, "vanthu")
    items = c.get("/api/v1/feedback", headers=clerk).json()
    assert [i["code"] for i in items] == [code]  # the refused submissions stored nothing
    assert items[0]["files"][0]["media"] == "image/png" and items[0]["phone"] == PHONE
    staff = login(app, "vanthu")
    got = staff.get(f"/feedback/items/{code}/files/{items[0]['files'][0]['id']}")
    assert (
        got.status_code == 200 and got.content == PNG and "attachment" in got.headers["content-disposition"]
    )
    assert (
        TestClient(app).get(f"/feedback/items/{code}/files/{items[0]['files'][0]['id']}").url.path == "/login"
    )
    bad = base64.b64encode(PNG).decode()
    r = c.post("/api/v1/feedback", json={**ITEM, "attachments": [{"name": "a.pdf", "data_base64": bad}]})
    assert r.status_code == 422 and "không đúng với loại tệp" in r.json()["detail"]


def test_roles_deadline_and_audit(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    code = _submit(c)
    anon = _submit(c, name="", contact="", subject="Cán bộ xã gây khó khăn", content="…")
    clerk, member, other, leader = (token(app, u) for u in ("vanthu", "sotttt", "sovhtt", "lanhdao"))
    uid = _unit_id(c, clerk, SO_TTTT)
    body = {"category": "tthc", "unit_id": uid}
    assert c.post(f"/api/v1/feedback/{code}/assign", headers=member, json=body).status_code == 404
    r = c.post(f"/api/v1/feedback/{code}/assign", headers=clerk, json=body)
    assert r.status_code == 200 and r.json()["due_on"] == "2023-11-15"  # 15 working days from 25/10/2023
    r = c.post(f"/api/v1/feedback/{anon}/assign", headers=clerk, json={"category": "can_bo", "unit_id": uid})
    assert r.status_code == 422 and "ẩn danh" in r.json()["detail"]
    assert [i["code"] for i in c.get("/api/v1/feedback", headers=member).json()] == [code]
    assert c.get("/api/v1/feedback", headers=other).json() == []
    assert c.get(f"/api/v1/feedback/{code}", headers=other).json().get("name") is None
    assert c.get(f"/api/v1/feedback/{code}", headers=member).json()["name"] == NAME
    draft = {"text": "Sở đã cấp giấy phép."}
    assert c.post(f"/api/v1/feedback/{code}/draft", headers=other, json=draft).status_code == 404
    assert c.post(f"/api/v1/feedback/{code}/approve", headers=leader).status_code == 403  # nothing drafted
    assert c.post(f"/api/v1/feedback/{code}/draft", headers=member, json=draft).status_code == 200
    assert c.post(f"/api/v1/feedback/{code}/approve", headers=clerk).status_code == 403  # leaders approve
    r = c.post(f"/api/v1/feedback/{code}/approve", headers=leader)
    assert (
        r.status_code == 200 and r.json()["status"] == "done_on_time" and r.json()["answer"] == draft["text"]
    )
    counts = c.get("/api/v1/feedback/counts", headers=clerk).json()
    assert counts["waiting"] == 1 and counts["units"][0]["done_on_time"] == 1
    admin = token(app, "admin")
    log = [e for e in c.get("/api/v1/audit", headers=admin).json() if e["entity"] == "feedback"]
    assert {"submit", "assign", "draft", "approve"} <= {e["action"] for e in log}
    assert not any(NAME in str(e) or EMAIL in str(e) for e in log)  # no personal data in the log


@pytest.fixture
def smtp() -> Iterator[tuple[str, int, list[bytes]]]:
    Controller = pytest.importorskip("aiosmtpd.controller").Controller

    got: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            got.append(envelope.content)
            return "250 OK"

    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctl.start()
    yield "127.0.0.1", port, got
    ctl.stop()


def test_answer_mailed_published_without_personal_data_and_withdrawn(app, smtp) -> None:  # type: ignore[no-untyped-def]
    host, port, got = smtp
    app.state.mailer = SmtpMailer(host, port, sender="vanban@ubnd.example")
    c = TestClient(app)
    code = _submit(c)
    _answered(app, c, code)
    assert len(got) == 1
    mail = got[0].decode("utf-8", "replace")
    assert f"To: {EMAIL}" in mail and code in mail
    leader = token(app, "lanhdao")
    view = c.get(f"/api/v1/feedback/{code}", headers=leader).json()
    assert view["mail_status"] == "sent"
    r = c.post(f"/api/v1/feedback/{code}/publish", headers=leader, json={})
    assert r.status_code == 409 and "[họ tên]" in r.json()["detail"]["answer"]  # the preview to confirm
    assert c.get("/public").text.count("/public/answers/") == 0
    r = c.post(f"/api/v1/feedback/{code}/publish", headers=leader, json={"confirm": True})
    url = r.json()["public_url"]
    public = c.get(url).text
    assert "Sở đã cấp giấy phép" in public
    feed = c.get("/public/feed.xml")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    ET.fromstring(feed.content)
    for text in (public, c.get("/public").text, feed.text):
        for secret in (NAME, "0912", "345 678", EMAIL, "example.com"):
            assert secret not in text
    assert "Sở đã cấp giấy phép" in feed.text
    assert "Sở đã cấp giấy phép" in c.get("/public", params={"q": "giay phep"}).text  # folded search
    assert "Sở đã cấp giấy phép" not in c.get("/public", params={"q": "ngap nuoc"}).text
    assert c.get(f"/api/v1/feedback/{code}").json()["public_url"] == url
    assert c.post(f"/api/v1/feedback/{code}/withdraw", headers=leader).status_code == 200
    assert c.get(url).status_code == 404
    assert "Sở đã cấp giấy phép" not in c.get("/public/feed.xml").text


def test_staff_pages_dashboard_panel_export(app, arc) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    code = _submit(c, about_type="document", about="3241/UBND-KGVX")
    clerk = login(app, "vanthu")
    assert code in clerk.get("/feedback").text
    page = clerk.get(f"/feedback/items/{code}").text
    assert NAME in page and "assign-form" in page and "20/2008/NĐ-CP" in page
    assert re.search(
        r'<a href="/documents/\d+" id="about-doc">3241/UBND-KGVX</a>', page
    )  # the archived document
    uid = _unit_id(c, token(app, "vanthu"), SO_TTTT)
    csrf = csrf_of(clerk, f"/feedback/items/{code}")
    r = clerk.post(f"/feedback/items/{code}/assign", data={"csrf": csrf, "category": "tthc", "unit_id": uid})
    assert r.status_code == 200 and "15/11/2023" in r.text
    assert "feedback-panel" in clerk.get("/dashboard").text
    assert "feedback-due-soon" not in clerk.get("/dashboard").text  # due 15/11, three weeks ahead
    with arc.Session() as s:  # the reminder: two days before the deadline
        s.scalar(select(Feedback).where(Feedback.code == code)).due_on = TODAY + dt.timedelta(days=2)
        s.commit()
    panel = clerk.get("/dashboard").text.split('id="feedback-due-soon"')[1]
    assert code in panel and "Sắp đến hạn (3 ngày)" in panel
    wb = load_workbook(io.BytesIO(clerk.get("/feedback/export.xlsx").content))
    assert code in [row[1] for row in wb["Chi tiết"].iter_rows(values_only=True)]
    member = login(app, "sovhtt")
    assert member.get(f"/feedback/items/{code}").status_code == 404


def test_directive_publication_confirmed_commendation_and_feed(app) -> None:  # type: ignore[no-untyped-def]
    clerk = login(app, "vanthu")
    key = "3241/UBND-KGVX"
    confirm = clerk.get("/directive/publish/confirm", params={"key": key, "on": "true"})
    assert confirm.status_code == 200 and "Xác nhận" in confirm.text
    csrf = csrf_of(clerk, "/account")
    uid = _unit_id(TestClient(app), token(app, "vanthu"), SO_TTTT)
    clerk.post("/directive/publish", data={"csrf": csrf, "key": key, "on": "true"})
    r = clerk.post(
        "/directive/commend", data={"csrf": csrf, "key": key, "unit_id": uid, "note": "Hoàn thành sớm"}
    )
    assert r.status_code == 200 and "Bỏ biểu dương" in r.text
    anon = TestClient(app)
    index = anon.get("/public").text
    slug = re.search(r'href="/public/([A-Za-z0-9_-]+)"', index.split('id="public-directives"')[1]).group(1)  # type: ignore[union-attr]
    page = anon.get(f"/public/{slug}").text
    assert "unit-results" in page and "Biểu dương" in page and "Hoàn thành sớm" in page
    root = ET.fromstring(anon.get(f"/public/{slug}/feed.xml").content)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any("Biểu dương" in (t or "") for t in titles)
    clerk.post("/directive/publish", data={"csrf": csrf, "key": key, "on": "false"})
    assert anon.get(f"/public/{slug}").status_code == 404
