"""CSRF, escaping, upload limits, file names, password hashing, session expiry."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from vbweb_helpers import PASSWORDS, csrf_of, login, token, wait_job

from vanban.track.accounts import check_password
from vanban.track.models import User, UserSession
from vanban.web.security import safe_filename

XSS = (
    "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\n\nSố: 99/UBND-VP\n\nHà Nội, ngày 01 tháng 11 năm 2023\n\n"
    "Kính gửi: Sở Nội vụ\n\n1. Sở Nội vụ\n\n- Rà soát <script>alert('xss')</script> và <img src=x onerror=alert(1)> báo cáo.\n\n"
    "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\n\nNguyễn Văn B\n"
)


def test_forms_need_the_csrf_token(app) -> None:
    c = login(app, "vanthu")
    task = c.get("/api/v1/tasks", headers=token(app, "vanthu")).json()[0]
    url = f"/tasks/{task['id']}/confirm"
    assert c.post(url, data={"role": "lead"}).status_code == 403
    assert c.post(url, data={"role": "lead", "csrf": "forged"}).status_code == 403
    ok = c.post(
        url, data={"role": "lead", "unit_id": task["unit_id"], "csrf": csrf_of(c)}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert c.post("/upload", files={"files": ("a.txt", b"x")}).status_code == 403
    assert c.post("/logout").status_code == 403
    # the login form uses a double-submit token
    fresh = TestClient(app)
    r = fresh.post("/login", data={"username": "vanthu", "password": PASSWORDS["vanthu"], "csrf": "x"})
    assert r.status_code == 403


def test_script_in_a_document_renders_as_text(app) -> None:
    c = login(app, "vanthu")
    r = c.post(
        "/upload",
        data={"csrf": csrf_of(c)},
        files={"files": ("xss.txt", XSS.encode())},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 202, r.text
    job = wait_job(c, r.json()["files"][0]["url"])
    page = c.get(job["document_url"])
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_upload_size_limit(app) -> None:
    c = login(app, "vanthu")
    big = b"a" * (300 * 1024)  # the test app allows 256 KiB
    r = c.post("/upload", data={"csrf": csrf_of(c)}, files={"files": ("big.txt", big)})
    assert r.status_code == 413
    r = TestClient(app).post(
        "/api/v1/documents", headers=token(app, "vanthu"), files={"file": ("big.txt", big)}
    )
    assert r.status_code == 413


def test_path_traversal_in_file_names(app, arc, tmp_path) -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\windows\\win.ini") == "win.ini"
    assert safe_filename("/abs/../.hidden") == "hidden"
    assert safe_filename("..") == "tai-lieu.txt"
    assert safe_filename("a\x00b\n.txt") == "ab.txt"
    c = login(app, "vanthu")
    r = c.post(
        "/upload",
        data={"csrf": csrf_of(c)},
        files={"files": ("../../../../tmp/evil-vanban.txt", XSS.encode())},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 202
    assert r.json()["files"][0]["name"] == "evil-vanban.txt"
    name, _ = arc.original(wait_job(c, r.json()["files"][0]["url"])["document_id"])
    assert "/" not in name and ".." not in name


def test_passwords_are_argon2id(app, arc) -> None:
    with arc.Session() as s:
        u = s.scalar(select(User).where(User.username == "sotttt"))
        assert u.password_hash.startswith("$argon2id$")
        assert PASSWORDS["sotttt"] not in u.password_hash
        assert check_password(u.password_hash, PASSWORDS["sotttt"])
        assert not check_password(u.password_hash, "sai-mat-khau")


def test_sessions_expire_and_logout_ends_them(app, arc) -> None:
    c = login(app, "lanhdao")
    assert c.get("/dashboard").status_code == 200
    with arc.Session() as s:
        s.execute(update(UserSession).values(expires_at=dt.datetime(2000, 1, 1)))
        s.commit()
    r = c.get("/dashboard", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    c = login(app, "lanhdao")
    assert c.post("/logout", data={"csrf": csrf_of(c)}, follow_redirects=False).status_code == 303
    assert c.get("/dashboard", follow_redirects=False).status_code == 303


def test_wrong_password_and_open_redirect(app) -> None:
    c = TestClient(app)
    page = c.get("/login?next=https://evil.example/")
    assert 'value="/"' in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    r = c.post("/login", data={"username": "vanthu", "password": "sai", "csrf": csrf})
    assert r.status_code == 401 and "Sai tên đăng nhập" in r.text
