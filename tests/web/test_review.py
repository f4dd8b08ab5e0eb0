"""The review queue over HTTP: proposals per document (pages and REST), confirm all, reject one,
the addressed-elsewhere list on the document page, upload errors as the server's message."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from vbweb_helpers import csrf_of, login, token

from vanban.store import Archive
from vanban.store.models import DocumentRow
from vanban.track import service

CT21 = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf" / "chi-thi-so-21-ct-ttg-469580.pdf"


def _doc_id(c: TestClient, h: dict[str, str], number: str) -> int:
    hits = c.get("/api/v1/documents", headers=h, params={"number": number}).json()["hits"]
    return hits[0]["id"]


def test_proposals_confirm_all_and_reject(app_proposals) -> None:  # type: ignore[no-untyped-def]
    app = app_proposals
    c, h = TestClient(app), token(app, "vanthu")
    doc = _doc_id(c, h, "3241/UBND-KGVX")
    got = c.get(f"/api/v1/documents/{doc}/proposals", headers=h).json()
    assert len(got["proposals"]) == 14 and got["elsewhere"] == []
    first = got["proposals"][0]["id"]
    page = login(app, "vanthu")
    assert "Loại bỏ đề xuất" in page.get(f"/tasks/{first}").text
    assert c.post(f"/api/v1/tasks/{first}/reject", headers=token(app, "lanhdao")).status_code == 403
    r = c.post(f"/api/v1/tasks/{first}/reject", headers=h)
    assert r.status_code == 200 and "loại bỏ" in r.json()["message"]
    r = c.post(f"/api/v1/documents/{doc}/proposals/confirm", headers=h)
    assert len(r.json()["confirmed"]) == 13 and r.json()["message"] == "Đã xác nhận 13 nhiệm vụ."
    assert c.post(f"/api/v1/tasks/{got['proposals'][1]['id']}/reject", headers=h).status_code == 422
    dash = c.get("/api/v1/dashboard", headers=token(app, "lanhdao")).json()
    assert sum(dash["totals"].values()) == 13

    html = page.get("/review").text
    assert "Không có đề xuất nào chờ xác nhận" in html
    csrf = csrf_of(page)
    r = page.post(f"/documents/{doc}/review/confirm", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc}/review"


def test_review_page_and_elsewhere_on_the_document(app_proposals, arc: Archive) -> None:  # type: ignore[no-untyped-def]
    if not CT21.exists():
        pytest.skip(f"corpus file missing: {CT21}")
    app = app_proposals
    doc = arc.add_file(CT21).document_id  # over the test app's upload limit: the CLI's way in
    with arc.Session() as s:
        out = service.track_document(s, s.get(DocumentRow, doc))
        s.commit()
        n = len(out.proposals)
    assert 0 < n <= 12
    page = login(app, "vanthu")
    html = page.get(f"/documents/{doc}").text
    assert "Giao cho cơ quan ngoài tổ chức" in html and "Bộ Nội vụ" in html
    assert "đề xuất chờ xác nhận" in html and f"/documents/{doc}/review" in html
    html = page.get(f"/documents/{doc}/review").text
    assert html.count('class="confirm"') == n and "Bộ Tài chính" in html
    assert "thực hiện" in page.get(f"/documents/{doc}").text  # relations in Vietnamese
    assert ">implements<" not in html


def test_upload_errors_are_the_servers_message(app_proposals) -> None:  # type: ignore[no-untyped-def]
    page = login(app_proposals, "vanthu")
    csrf = csrf_of(page)
    r = page.post(
        "/upload",
        data={"csrf": csrf},
        files={"files": ("rong.txt", b"")},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and r.json() == {"detail": "Tệp rỗng."}
    r = page.post("/upload", data={"csrf": csrf}, headers={"Accept": "application/json"})
    assert r.status_code == 422 and r.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."
