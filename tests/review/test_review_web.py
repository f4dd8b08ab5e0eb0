"""The review step on the web: "cần kiểm tra" on the page, in search and in the queue; the crop;
the one-step form (correct, confirm all); roles, CSRF and bad values; the REST API."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from vbweb_helpers import csrf_of, login, token

from vanban.track.models import AuditEntry

NEEDS = 'id="needs-review"'


def _form(c: TestClient, **values: str) -> dict[str, str]:
    page = c.get("/documents/1").text
    fields = r'<input id="f-[^"]+" name="(f\.[^"]+)" value="([^"]*)"'
    areas = r'<textarea id="f-[^"]+" name="(f\.[^"]+)" rows="\d">([^<]*)</textarea>'
    data = {m[1]: html.unescape(m[2]) for m in [*re.finditer(fields, page), *re.finditer(areas, page)]}
    data.update({f"f.{k.replace('_', '.') if k == 'signer_name' else k}": v for k, v in values.items()})
    return {**data, "csrf": csrf_of(c, "/documents/1"), "save": "1"}


def test_page_marks_and_crops(app) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "vanthu")
    page = c.get("/documents/1").text
    assert NEEDS in page and "Ngày ban hành" in page and "chưa xác nhận" in page
    assert "Độ tin cậy 55 %" in page and "chữ ký số" in page  # the date's confidence and source
    # the digital signature: signer, local time, integrity, trust not verified
    assert "Văn phòng Ủy ban Nhân dân Thành phố" in page and "03/08/2020 10:21" in page
    assert "nguyên vẹn" in page and "chưa xác minh" in page
    for field in ("date", "issuer", "signer.name", "number"):
        assert f'src="/documents/1/fields/crop/{field}.png"' in page
    r = c.get("/documents/1/fields/crop/date.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG")
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(r.content))
    # union of the day, month and year zones (560..790 x 150..190 at 100 dpi) padded by 24
    assert img.size == (790 - 560 + 48, 190 - 150 + 48)
    top = Image.open(io.BytesIO(c.get("/documents/1/fields/crop/issuer.png").content))
    assert abs(top.width - 827) <= 1 and 350 < top.height < 420  # the top third of page 1
    cached = list((app.state.archive.home / "cache" / "crops").glob("*.png"))
    assert len(cached) == 2
    assert c.get("/documents/1/fields/crop/place.png").status_code == 404
    assert TestClient(app).get("/documents/1/fields/crop/date.png", follow_redirects=False).status_code == 303
    # search results and the queue mark it
    assert 'class="badge needs-review"' in c.get("/search").text  # the hit is marked
    assert "/documents/1#field-review" in c.get("/review/fields").text


def test_one_step_correction(app) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "vanthu")
    data = _form(c, date="03/08/2020")  # the issuer (also pending) is confirmed as proposed
    r = c.post("/documents/1/fields", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get("/documents/1").text
    assert NEEDS not in page
    assert "03/08/2020" in page
    assert re.search(r"sửa ngày ban hành của văn bản #1: \d\d/\d\d/\d{4} → 03/08/2020", page)
    assert "xác nhận cơ quan ban hành của văn bản #1" in page  # confirmed in the same step
    assert "Không còn văn bản nào cần kiểm tra." in c.get("/review/fields").text
    with app.state.archive.Session() as s:
        e = s.query(AuditEntry).filter_by(action="review", entity="document").one()
        assert e.after["date"] == "2020-08-03" and e.before["date"] != "2020-08-03"
        assert e.after["issuer"] == e.before["issuer"] and set(e.after) == {"date", "issuer"}


def test_confirm_all_and_refusals(app) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "vanthu")
    csrf = csrf_of(c, "/documents/1")
    bad = c.post("/documents/1/fields", data={**_form(c, date="32/13/2020")})
    assert bad.status_code == 422 and "không hợp lệ" in bad.text
    assert c.post("/documents/1/fields", data={"confirm_all": "1"}).status_code == 403  # no CSRF
    member = login(app, "sotttt")
    r = member.post("/documents/1/fields", data={"confirm_all": "1", "csrf": csrf_of(member, "/account")})
    assert r.status_code == 403
    assert member.get("/review/fields").status_code == 403
    leader = login(app, "lanhdao").get("/documents/1").text
    assert "chưa xác nhận" in leader and 'name="f.date"' not in leader
    r = c.post("/documents/1/fields", data={"confirm_all": "1", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    page = c.get("/documents/1").text
    assert NEEDS not in page and "xác nhận ngày ban hành của văn bản #1" in page


def test_api_review(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    assert c.get("/api/v1/documents/1/review").status_code == 401
    h = token(app, "vanthu")
    r = c.get("/api/v1/documents/1/review", headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["needs_review"] is True and body["pending"] == ["date", "issuer"]
    date = body["fields"]["date"]
    assert date["confidence"] == 0.55 and date["source"] == "signature" and date["pending"] is True
    assert {e["field"] for e in date["evidence"]} == {"date.day", "date.month", "date.year"}
    assert date["crop"] == "/documents/1/fields/crop/date.png"
    assert body["signatures"][0]["trusted"] is None
    assert c.get("/api/v1/documents", headers=h).json()["hits"][0]["needs_review"] is True
    member = token(app, "sotttt")
    assert c.post("/api/v1/documents/1/review", headers=member, json={"confirm_all": True}).status_code == 403
    r = c.post("/api/v1/documents/1/review", headers=h, json={"fields": {"date": "2020-13-01"}})
    assert r.status_code == 422 and "không hợp lệ" in r.json()["detail"]
    r = c.post("/api/v1/documents/1/review", headers=h, json={"fields": {"place": "x"}})
    assert r.status_code == 422 and "Không có trường" in r.json()["detail"]
    assert c.get("/api/v1/documents/99/review", headers=h).status_code == 404
    number = body["fields"]["number"]["value"]
    r = c.post(
        "/api/v1/documents/1/review", headers=h, json={"fields": {"date": "2020-08-03", "number": number}}
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["pending"] == ["issuer"] and out["needs_review"] is True
    assert out["fields"]["date"] | {"evidence": []} == {
        "value": "2020-08-03",
        "confidence": 1.0,
        "source": "confirmed",
        "pending": False,
        "confirmed": True,
        "evidence": [],
        "crop": "/documents/1/fields/crop/date.png",
    }
    assert [(x["field"], x["corrected"]) for x in out["history"]] == [("number", False), ("date", True)]
    r = c.post("/api/v1/documents/1/review", headers=h, json={"confirm_all": True})
    assert r.json()["needs_review"] is False and r.json()["pending"] == []
    assert c.get("/api/v1/documents", headers=h).json()["hits"][0]["needs_review"] is False
    doc = c.get("/api/v1/documents/1", headers=h).json()
    assert doc["date"] == "2020-08-03" and doc["record"]["sources"]["issuer"] == "confirmed"


def test_text_document_shows_the_passage(app) -> None:  # type: ignore[no-untyped-def]
    from review_helpers import SEED

    doc_id = app.state.archive.add_file(SEED).document_id
    page = login(app, "vanthu").get(f"/documents/{doc_id}").text
    assert NEEDS in page and "Cơ quan ban hành" in page  # the issuer read from text at 85 %
    issuer = re.search(r'id="review-issuer">.*?(?=<div class="review-field|</form>)', page, re.S)
    assert issuer and 'class="review-passage"' in issuer[0] and "<mark>" in issuer[0]
    assert "fields/crop" not in page  # no page images for a text


def test_crop_cache_survives_concurrent_renders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two requests rendering the same crop at once (the number and date share the header) must
    both succeed; a shared temporary name made one of them fail with FileNotFoundError."""
    from concurrent.futures import ThreadPoolExecutor

    from vanban.web.field_review import _cache

    path = tmp_path / "cache" / "crops" / "k.png"
    png = b"\x89PNG" + bytes(200_000)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: _cache(path, png), range(64)))
    assert path.read_bytes() == png
    assert [p.name for p in path.parent.iterdir()] == ["k.png"]


def test_every_source_assess_gives_has_a_vietnamese_label() -> None:
    """The sources `assess` writes — the third argument of each ``_Field(...)`` and what it
    assigns to ``source`` — found in its code, so that a new one without a label in the
    catalogue fails here."""
    import ast
    import importlib
    import inspect

    from vanban.web.field_review import source_label

    assess = importlib.import_module("vanban.assess")  # the module (``vanban.assess`` is also a function)

    def strings(node: ast.expr) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return strings(node.body) | strings(node.orelse)
        return set()

    sources: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(assess))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_Field" and len(node.args) == 3:
            sources |= strings(node.args[2])
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple):
            names = [getattr(t, "id", "") for t in node.targets[0].elts]
            if "source" in names and isinstance(node.value, ast.Tuple):
                sources |= strings(node.value.elts[names.index("source")])
    assert {"zone+known", "signature+zone", "metadata+zone", "text"} <= sources
    assert [s for s in sorted(sources) if source_label(s) == s] == []
