"""What the load work changed: keyset pages of the task list, the task passage read as a window,
caches that follow every change (dashboard counts, search totals and facets), the plain ASGI
header middleware, the worker factory of ``vanban serve --workers``."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from vbweb_helpers import FIXTURES, csrf_of, login

from vanban.store import Archive
from vanban.track.models import Task
from vanban.web import pages
from vanban.web import services as sv


def _ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-task="(\d+)">', page)]


def _next(page: str) -> str | None:
    m = re.search(r'<a rel="next" href="([^"]+)"', page)
    return html.unescape(m.group(1)) if m else None


def test_task_list_pages_by_keyset(app, arc: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    c = login(app, "lanhdao")
    everything = _ids(c.get("/tasks").text)
    assert len(everything) >= 4
    monkeypatch.setattr(pages, "PAGE", 1)
    seen, url, first = [], "/tasks", True
    for _ in range(len(everything) + 1):
        r = c.get(url)
        assert r.status_code == 200
        assert ("← Trang đầu" in r.text) is not first
        seen += _ids(r.text)
        nxt = _next(r.text)
        if nxt is None:
            break
        assert "after=" in nxt and "page=" not in nxt
        url, first = nxt, False
    assert seen == everything
    monkeypatch.setattr(pages, "PAGE", 2)
    r = c.get("/tasks?status=overdue")
    assert r.status_code == 200
    for bad in ("x", "2023-02-30_1", "2023-01-01_"):
        assert c.get(f"/tasks?after={bad}").status_code == 422


def test_task_page_shows_the_passage(app, arc: Archive) -> None:
    with arc.Session() as s:
        t = s.query(Task).filter(Task.span_end.is_not(None)).first()
        assert t is not None
        text = arc.text(t.document_id)
        assert sv.passage(s, t.document_id, t.span_start, t.span_end) == (
            text[max(0, t.span_start - 300) : t.span_start],
            text[t.span_start : t.span_end],
            text[t.span_end : t.span_end + 300],
        )
        assert sv.passage(s, t.document_id, None, None) is None
        tid, span = t.id, text[t.span_start : t.span_end]
    page = login(app, "lanhdao").get(f"/tasks/{tid}").text
    assert f'<mark class="hl-task" id="passage">{html.escape(span, quote=False)[:40]}' in page.replace(
        "&#39;", "'"
    )


def _tiles(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'<b data-status="(\w+)">(\d+)</b>', page)}


def test_dashboard_follows_removals_and_reports(app, arc: Archive) -> None:
    c = login(app, "lanhdao")
    before = _tiles(c.get("/dashboard").text)
    assert sum(before.values()) >= 4
    arc.remove(1)  # from outside the app (as the command line would): no audit entry
    assert sum(_tiles(c.get("/dashboard").text).values()) == 0
    arc.restore(1)
    assert _tiles(c.get("/dashboard").text) == before
    m = login(app, "sotttt")
    tid = _ids(m.get("/tasks").text)[0]
    r = m.post(f"/tasks/{tid}/report", data={"csrf": csrf_of(m), "note": "xong", "final": "true"})
    assert r.status_code in (200, 303)
    after = _tiles(c.get("/dashboard").text)
    assert sum(after.values()) == sum(before.values()) and after != before


def _total(page: str) -> int:
    return int(re.search(r'<p class="muted">(\d+) văn bản</p>', page).group(1))  # type: ignore[union-attr]


def test_search_totals_and_facets_follow_the_archive(app, arc: Archive) -> None:
    c = login(app, "lanhdao")
    url = "/search?q=th%C3%A0nh+ph%E1%BB%91"
    first = c.get(url).text
    n = _total(first)
    assert n >= 1 and _total(c.get(url).text) == n  # the second time from the cache
    arc.add_file(FIXTURES / "bao_cao_stttt.txt")
    assert _total(c.get(url).text) == n + 1
    arc.remove(1)
    assert _total(c.get(url).text) == n
    api = c.get("/api/v1/documents", params={"q": "thành phố"})
    assert api.status_code in (200, 401)  # the API wants a token; the page cache is what matters


def test_headers_on_pages_static_and_refusals(app) -> None:
    c = login(app, "lanhdao")
    for url in ("/dashboard", "/tasks", "/static/app.css", "/login"):
        r = c.get(url)
        assert r.headers["x-content-type-options"] == "nosniff", url
        assert r.headers["referrer-policy"] == "same-origin"
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert c.get("/tasks").headers["cache-control"] == "no-store"
    assert "cache-control" not in c.get("/static/app.css").headers
    orig = c.get("/documents/1/original")
    assert orig.headers["content-security-policy"].startswith("default-src 'none'")  # the route's own
    r = TestClient(app).post("/login", content=b"x" * 10, headers={"content-length": str(10**9)})
    assert r.status_code == 413 and r.headers["x-content-type-options"] == "nosniff"


def test_worker_factory_opens_the_archive_from_the_environment(arc: Archive, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vanban.web.app import from_env

    monkeypatch.setenv("VANBAN_HOME", str(arc.home))
    monkeypatch.delenv("VANBAN_DB", raising=False)
    web = from_env()
    assert web.state.archive.home == arc.home
    assert TestClient(web).get("/login").status_code == 200
    web.state.archive.close()
