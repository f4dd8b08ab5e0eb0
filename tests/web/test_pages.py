"""The pages render for each role, and members cannot open other units' tasks."""

from __future__ import annotations

import io
import unicodedata

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from vbweb_helpers import SEED, login, token


def test_pages_render_for_the_clerk(app) -> None:
    c = login(app, "vanthu")
    for url in (
        "/dashboard",
        "/tasks",
        "/documents/1",
        "/search?q=tuyen+truyen",
        "/directive?key=24-CT/TU",
        "/units",
        "/units/merge",
        "/upload",
        "/account",
        "/tasks/1",
        "/units/1",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        assert '<html lang="vi">' in r.text
    doc = c.get("/documents/1").text
    assert 'class="hl-cite rel-implements" id="cite-0"' in doc and 'id="task-1"' in doc
    assert "Sở Thông tin và Truyền thông" in c.get("/directive?key=24-CT/TU").text


def test_member_cannot_open_another_units_task(app) -> None:
    other = next(t for t in all_tasks(app) if t["unit"] == "Sở Văn hóa và Thể thao")
    c = login(app, "sotttt")
    assert c.get(f"/tasks/{other['id']}").status_code == 404
    assert c.get("/upload").status_code == 403
    assert c.get("/audit").status_code == 403
    assert "Sở Văn hóa và Thể thao" not in c.get("/tasks").text.split("<tbody>")[1]


def test_xlsx_export(app) -> None:
    c = login(app, "lanhdao")
    r = c.get("/dashboard/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
    header = [c.value for c in ws[5]]
    assert "Đã hoàn thành đúng hạn" in header and "Chưa hoàn thành, quá hạn" in header
    assert wb["Chi tiết"].max_row == 1 + len(all_tasks(app))


def test_public_page_is_opt_in(app) -> None:
    c = login(app, "vanthu")
    page = c.get("/directive?key=24-CT/TU").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    c.post("/directive/publish", data={"key": "24-CT/TU", "on": "true", "csrf": csrf})
    slug = c.get("/directive?key=24-CT/TU").text.split('href="/public/')[1].split('"')[0]
    anon = TestClient(app)
    pub = anon.get(f"/public/{slug}")
    assert pub.status_code == 200 and "Kết quả thực hiện" in pub.text and "/tasks/" not in pub.text
    c.post("/directive/publish", data={"key": "24-CT/TU", "on": "false", "csrf": csrf})
    assert anon.get(f"/public/{slug}").status_code == 404


def all_tasks(app) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every task (via the API, as the leader)."""
    return TestClient(app).get("/api/v1/tasks", headers=token(app, "lanhdao"), params={"limit": 1000}).json()


def test_a_repaired_text_says_so_above_it(app, arc, tmp_path) -> None:
    """The text a page shows is what vanban read: where it restored the marks of a text typed
    without them, the page says so above the text, and the seed (read as it came) says nothing."""
    bare = unicodedata.normalize("NFD", SEED.read_text(encoding="utf-8").replace("đ", "d").replace("Đ", "D"))
    path = tmp_path / "khong-dau.txt"
    path.write_text("".join(ch for ch in bare if unicodedata.category(ch) != "Mn"), encoding="utf-8")
    doc_id = arc.add_file(path).document_id
    c = login(app, "vanthu")
    page = c.get(f"/documents/{doc_id}").text
    assert 'id="text-repaired"' in page and "không có dấu tiếng Việt" in page
    assert 'id="text-repaired"' not in c.get("/documents/1").text
