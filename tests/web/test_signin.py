"""Sign-in hardening (issue 16, findings 8 and 10): throttling per account and per address,
Argon2 off the event loop under 50 simultaneous sign-ins, ``vanban serve --secure-cookies``,
Swagger UI served by the app."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from vbweb_helpers import PASSWORDS, token


def _form_login(c: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    return c.post(
        "/login", data={"username": username, "password": password, "csrf": csrf}, follow_redirects=False
    )


def test_the_eleventh_wrong_password_is_refused_on_the_form(app) -> None:
    c = TestClient(app)
    for _ in range(10):
        assert _form_login(c, "vanthu", "sai-mat-khau").status_code == 401
    r = _form_login(c, "vanthu", PASSWORDS["vanthu"])  # even the right one, for now
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert "Đăng nhập sai quá nhiều lần" in r.text and 'name="csrf"' in r.text
    # the API refuses this account too
    r = TestClient(app).post("/api/v1/tokens", json={"username": "vanthu", "password": PASSWORDS["vanthu"]})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "thử lại sau" in r.json()["detail"]


def test_the_eleventh_wrong_password_is_refused_on_the_api(app) -> None:
    c = TestClient(app)
    for _ in range(10):
        r = c.post("/api/v1/tokens", json={"username": "admin", "password": "doan-bua"})
        assert r.status_code == 401
    r = c.post("/api/v1/tokens", json={"username": "admin", "password": "doan-bua"})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60


def test_one_address_guessing_many_accounts_is_throttled(app) -> None:
    c = TestClient(app)
    for i in range(10):
        assert (
            c.post("/api/v1/tokens", json={"username": f"khong-co-{i}", "password": "x"}).status_code == 401
        )
    r = c.post("/api/v1/tokens", json={"username": "lanhdao", "password": PASSWORDS["lanhdao"]})
    assert r.status_code == 429


def test_a_successful_sign_in_clears_the_account_count(app) -> None:
    c = TestClient(app)
    for _ in range(9):
        assert _form_login(c, "sotttt", "sai").status_code == 401
    assert _form_login(c, "sotttt", PASSWORDS["sotttt"]).status_code == 303
    assert _form_login(TestClient(app), "sotttt", "sai").status_code == 401  # counted afresh


def test_the_throttle_window_slides(arc) -> None:
    import datetime as dt

    from vanban.web.signin import Throttle, Throttled

    t, at = Throttle(arc, limit=3, window=60), dt.datetime(2026, 1, 1, 8)
    for s in (0, 10, 20):
        t.check(["user:a"], now=at + dt.timedelta(seconds=s))
        t.fail(["user:a", "addr:x"], now=at + dt.timedelta(seconds=s))
    with pytest.raises(Throttled) as exc:
        t.check(["user:a"], now=at + dt.timedelta(seconds=30))
    assert exc.value.retry_after == 30  # the first failure is a minute old at 60
    assert t.check(["user:a"], now=at + dt.timedelta(seconds=60)) == {"user:a": 2}  # it has left the window
    assert t.check(["user:b"], now=at + dt.timedelta(seconds=30)) == {}
    with pytest.raises(Throttled):
        t.check(["user:b", "addr:x"], now=at + dt.timedelta(seconds=30))
    t.clear("addr:x")
    assert t.check(["user:b", "addr:x"], now=at + dt.timedelta(seconds=30)) == {}


def test_the_count_is_shared_by_server_processes(app, arc) -> None:
    """Two apps over one archive (as ``serve --workers 2``): ten wrong passwords spread over them."""
    from vanban.web import WebConfig, create_app

    other = create_app(WebConfig(home=arc.home), arc)
    clients = [TestClient(app), TestClient(other)]
    for i in range(10):
        r = clients[i % 2].post("/api/v1/tokens", json={"username": "vanthu", "password": "sai"})
        assert r.status_code == 401
    for c in clients:
        assert c.post("/api/v1/tokens", json={"username": "vanthu", "password": "sai"}).status_code == 429


@pytest.mark.slow
def test_fifty_simultaneous_sign_ins(app) -> None:
    """50 sign-ins at once all get a token, and the app keeps answering meanwhile."""
    names = list(PASSWORDS) * 10
    h = token(app, "admin")

    async def storm() -> tuple[list[int], list[float], float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://vanban", timeout=120) as c:
            t0 = time.perf_counter()
            calls = [
                asyncio.create_task(c.post("/api/v1/tokens", json={"username": n, "password": PASSWORDS[n]}))
                for n in names
            ]
            latencies = []
            while not all(t.done() for t in calls):
                t = time.perf_counter()
                assert (await c.get("/api/v1/me", headers=h)).status_code == 200
                latencies.append(time.perf_counter() - t)
                await asyncio.sleep(0.2)
            codes = [t.result().status_code for t in calls]
            return codes, latencies, time.perf_counter() - t0

    codes, latencies, took = asyncio.run(storm())
    assert codes == [200] * 50
    assert latencies and max(latencies) < 1.0, latencies
    assert took < 90, took


def test_serve_secure_cookies_marks_the_session_cookie_secure(app, arc, monkeypatch) -> None:
    import uvicorn

    from vanban.cli import app as cli

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: served.setdefault("app", web))
    r = CliRunner().invoke(cli, ["serve", "--home", str(arc.home), "--secure-cookies"])
    assert r.exit_code == 0, r.output
    c = TestClient(served["app"], base_url="https://vanban.example")
    resp = _form_login(c, "vanthu", PASSWORDS["vanthu"])
    assert resp.status_code == 303
    cookie = next(
        v for k, v in resp.headers.multi_items() if k == "set-cookie" and v.startswith("vb_session=")
    )
    assert "Secure" in cookie and "HttpOnly" in cookie
    served["app"].state.jobs.close()
    served["app"].state.archive.close()
    # without the flag it is not (plain-HTTP installations keep working)
    plain = _form_login(TestClient(app), "vanthu", PASSWORDS["vanthu"])
    cookie = next(
        v for k, v in plain.headers.multi_items() if k == "set-cookie" and v.startswith("vb_session=")
    )
    assert "Secure" not in cookie


def test_swagger_ui_is_served_by_the_app(app) -> None:
    c = TestClient(app)
    page = c.get("/api/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "http" not in page.text.replace("http-equiv", "")
    assert "<script>" not in page.text  # no inline script: the CSP allows only 'self'
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        asset = c.get(src)
        assert asset.status_code == 200 and len(asset.content) > 100, src
    assert "SwaggerUIBundle" in c.get("/static/swagger-init.js").text
    assert c.get("/api/openapi.json").json()["paths"]["/api/v1/jobs/{job_id}"]
