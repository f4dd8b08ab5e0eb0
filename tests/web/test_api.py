"""The REST API: every endpoint, and who may call it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from vbweb_helpers import FIXTURES, PASSWORDS, token, wait_job


def _tasks(c: TestClient, h: dict[str, str], **params: object) -> list[dict]:
    r = c.get("/api/v1/tasks", headers=h, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _unit_id(c: TestClient, h: dict[str, str], name: str) -> int:
    return next(u["id"] for u in c.get("/api/v1/units", headers=h).json() if u["name"] == name)


def test_token_required_and_bad_password(app) -> None:
    c = TestClient(app)
    assert c.get("/api/v1/tasks").status_code == 401
    assert c.get("/api/v1/tasks", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert c.post("/api/v1/tokens", json={"username": "vanthu", "password": "sai"}).status_code == 401
    h = token(app, "vanthu")
    assert c.get("/api/v1/me", headers=h).json()["role"] == "clerk"


def test_openapi_lists_the_resources(app) -> None:
    paths = TestClient(app).get("/api/openapi.json").json()["paths"]
    for p in (
        "/api/v1/documents",
        "/api/v1/tasks/{task_id}",
        "/api/v1/units",
        "/api/v1/reports",
        "/api/v1/search",
    ):
        assert p in paths


def test_hanoi_seed_becomes_proposals_for_its_four_sections(app_proposals) -> None:
    app = app_proposals
    c, h = TestClient(app), token(app, "lanhdao")
    assert _tasks(c, h) == []  # proposals count nowhere, not even in the default list
    tasks = _tasks(c, h, proposals=True)
    assert sorted({t["task_index"] for t in tasks}) == [0, 1, 2, 3]
    by_section = {i: {t["unit"] for t in tasks if t["task_index"] == i} for i in range(4)}
    assert by_section[1] == {"Sở Thông tin và Truyền thông"}
    assert by_section[2] == {"Sở Văn hóa và Thể thao"}
    assert "UBND quận Hoàn Kiếm" in by_section[0] and "Sở Nội vụ" in by_section[0]  # collectives expanded
    assert by_section[3] == {
        "Báo Hà Nội mới",
        "Báo Kinh tế và Đô thị",
        "Đài Phát thanh và Truyền hình Hà Nội",
    }
    assert all(t["status"] == "open" and not t["confirmed"] for t in tasks)


def test_member_sees_only_its_unit(app) -> None:
    c, h = TestClient(app), token(app, "sotttt")
    mine = _tasks(c, h)
    assert mine and {t["unit"] for t in mine} == {"Sở Thông tin và Truyền thông"}
    other = next(t for t in _tasks(c, token(app, "vanthu")) if t["unit"] == "Sở Văn hóa và Thể thao")
    assert c.get(f"/api/v1/tasks/{other['id']}", headers=h).status_code == 404
    assert c.post(f"/api/v1/tasks/{other['id']}/reports", headers=h, data={"note": "x"}).status_code == 404
    assert c.patch(f"/api/v1/tasks/{mine[0]['id']}", headers=h, json={"role": "lead"}).status_code == 403
    assert c.get("/api/v1/audit", headers=h).status_code == 403
    with (FIXTURES / "bao_cao_stttt.txt").open("rb") as f:
        assert c.post("/api/v1/documents", headers=h, files={"file": ("bc.txt", f)}).status_code == 403
    assert c.post("/api/v1/units", headers=h, json={"name": "Sở Mới"}).status_code == 403
    reports = c.get("/api/v1/reports", headers=token(app, "sovhtt")).json()
    assert reports == []


def test_clerk_confirms_and_edits(app) -> None:
    c, h = TestClient(app), token(app, "vanthu")
    t = next(t for t in _tasks(c, h) if t["unit"] == "Sở Văn hóa và Thể thao")
    r = c.patch(f"/api/v1/tasks/{t['id']}", headers=h, json={"role": "lead", "deadline": "2023-10-20"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["confirmed"] and body["role"] == "lead" and body["status"] == "overdue"
    assert c.patch(f"/api/v1/tasks/{t['id']}", headers=h, json={"role": "boss"}).status_code == 422
    assert (
        c.patch(f"/api/v1/tasks/{t['id']}", headers=token(app, "lanhdao"), json={"role": "lead"}).status_code
        == 403
    )
    # a recurring duty: periods from today (25/10/2023) on, on the 20th; none back-dated
    r = c.patch(
        f"/api/v1/tasks/{t['id']}", headers=h, json={"recurrence": "monthly", "deadline": "2023-10-20"}
    )
    assert r.json()["period"] == "Tháng 11/2023" and r.json()["deadline"] == "2023-11-20"
    series = [
        x
        for x in _tasks(c, h, document_id=t["document_id"])
        if x["unit"] == "Sở Văn hóa và Thể thao" and x["task_index"] == t["task_index"]
    ]
    assert [x["deadline"] for x in series] == ["2023-11-20"]
    log = c.get("/api/v1/audit", headers=token(app, "lanhdao")).json()
    confirm = next(e for e in log if e["action"] == "confirm" and e["before"]["role"] != e["after"]["role"])
    assert (
        confirm["before"]["role"] == "execute" and confirm["after"]["role"] == "lead" and confirm["user_id"]
    )


def test_member_reports_with_a_document_and_it_links(app) -> None:
    c, h = TestClient(app), token(app, "sotttt")
    t = next(t for t in _tasks(c, h) if t["task_index"] == 1)
    with (FIXTURES / "bao_cao_stttt.txt").open("rb") as f:
        r = c.post(
            f"/api/v1/tasks/{t['id']}/reports",
            headers=h,
            data={"note": "Đã thực hiện"},
            files={"file": ("bao-cao.txt", f)},
        )
    assert r.status_code == 201, r.text
    rep = r.json()
    assert rep["final"] and rep["auto"] and rep["document_id"]
    got = c.get(f"/api/v1/tasks/{t['id']}", headers=h).json()
    assert got["status"] == "done_on_time" and got["completed_on"] == "2023-10-20"  # the report's date
    assert c.get(f"/api/v1/reports/{rep['id']}", headers=h).status_code == 200
    assert c.get(f"/api/v1/reports/{rep['id']}", headers=token(app, "sovhtt")).status_code == 404
    assert c.get(f"/api/v1/documents/{rep['document_id']}", headers=h).json()["doc_type"] == "Báo cáo"
    dash = c.get("/api/v1/dashboard", headers=token(app, "lanhdao")).json()
    row = next(u for u in dash["units"] if u["name"] == "Sở Thông tin và Truyền thông")
    assert row["done_on_time"] >= 1


def test_report_note_only_progress_is_not_completion(app) -> None:
    c, h = TestClient(app), token(app, "sovhtt")
    t = _tasks(c, h)[0]
    r = c.post(f"/api/v1/tasks/{t['id']}/reports", headers=h, data={"note": "Đang triển khai"})
    assert r.status_code == 201 and not r.json()["final"]
    assert c.get(f"/api/v1/tasks/{t['id']}", headers=h).json()["status"] == "open"
    assert len(c.get("/api/v1/reports", headers=h, params={"task_id": t["id"]}).json()) == 1


def test_clerk_uploads_documents_and_searches(app) -> None:
    c, h = TestClient(app), token(app, "vanthu")
    with (FIXTURES / "bao_cao_stttt.txt").open("rb") as f:
        r = c.post("/api/v1/documents", headers=h, files={"file": ("bc.txt", f)})
    assert r.status_code == 202, r.text  # stored, read in the background
    assert (
        r.json()["status"] in ("queued", "running")
        and r.headers["location"] == f"/api/v1/jobs/{r.json()['id']}"
    )
    job = wait_job(c, r.headers["location"], h)
    assert job["status"] == "done" and job["progress"] == 100 and job["document_id"], job
    assert job["result"]["reports"]  # linked automatically: it cites 3241/UBND-KGVX and comes from the unit
    assert c.get(r.headers["location"], headers=token(app, "sotttt")).status_code == 404  # not theirs
    hits = c.get("/api/v1/search", headers=h, params={"q": "3241/UBND-KGVX"}).json()
    assert hits["total"] >= 1
    docs = c.get("/api/v1/documents", headers=h, params={"doc_type": "Báo cáo"}).json()
    assert [x["number"] for x in docs["hits"]] == ["812/BC-STTTT"]
    assert c.get("/api/v1/documents/9999", headers=h).status_code == 404


def test_units_create_and_merge(app) -> None:
    c, h = TestClient(app), token(app, "admin")
    r = c.post(
        "/api/v1/units", headers=h, json={"name": "Sở Thông tin & Truyền thông Hà Nội", "kind": "state"}
    )
    assert r.status_code == 201
    dup = r.json()["id"]
    assert (
        c.post("/api/v1/units", headers=h, json={"name": "Sở TT&TT"}).status_code == 409
    )  # an alias already
    keep = _unit_id(c, h, "Sở Thông tin và Truyền thông")
    r = c.post(f"/api/v1/units/{keep}/merge", headers=h, json={"drop": dup})
    assert r.status_code == 200 and "Sở Thông tin & Truyền thông Hà Nội" in r.json()["aliases"]
    assert c.get(f"/api/v1/units/{dup}", headers=h).status_code == 404
    assert PASSWORDS  # accounts exist for every role
