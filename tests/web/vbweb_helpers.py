"""Helpers for the web tests: the seed, fixtures folder, demo passwords, signing in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient

SEED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds" / "002_852c67c28b4a1981.txt"
FIXTURES = Path(__file__).parent / "fixtures"
PASSWORDS = {u: f"{u}-mat-khau-1" for u in ("admin", "vanthu", "lanhdao", "sotttt", "sovhtt")}
TODAY = dt.date(2023, 10, 25)


def login(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser-like client signed in as ``username``."""
    c = TestClient(app)
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    r = c.post(
        "/login",
        data={"username": username, "password": PASSWORDS[username], "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return c


def csrf_of(c: TestClient, url: str = "/account") -> str:
    """The session's CSRF token, read from a page's form."""
    return re.search(r'name="csrf" value="([^"]+)"', c.get(url).text).group(1)  # type: ignore[union-attr]


def token(app, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Authorization headers with a fresh API token for ``username``."""
    r = TestClient(app).post("/api/v1/tokens", json={"username": username, "password": PASSWORDS[username]})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def wait_job(c: TestClient, url: str, headers: dict[str, str] | None = None, timeout: float = 120) -> dict:
    """Poll a job (``/api/v1/jobs/{id}`` or the page's ``/jobs/{id}``) until it is done or failed."""
    import time

    end = time.monotonic() + timeout
    while True:
        job = c.get(url, headers={"Accept": "application/json", **(headers or {})}).json()
        if job["status"] in ("done", "failed") or time.monotonic() > end:
            return job
        time.sleep(0.1)
