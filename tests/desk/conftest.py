"""Fixtures of the desk tests: an archive with the Hà Nội registry, the demo accounts and the
seed 3241/UBND-KGVX; on SQLite and, with ``VANBAN_TEST_PG``, on PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from store.conftest import BACKENDS, backend_url
from vanban.store import Archive

os.environ["VANBAN_SCHEDULER"] = "0"  # the tests run reminders themselves, with a frozen clock

SEED = Path(__file__).parents[2] / ".." / "shared" / "corpus" / "seeds" / "002_852c67c28b4a1981.txt"
PASSWORDS = {u: f"{u}-mat-khau-1" for u in ("admin", "vanthu", "lanhdao", "sotttt", "sovhtt")}


@pytest.fixture(params=BACKENDS)
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL on each backend."""
    yield from backend_url(request.param, tmp_path)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Archive]:
    """An archive (SQLite) with the registry, the demo accounts and the seed added (untracked)."""
    from vanban.web.demo import setup

    if not SEED.exists():
        pytest.skip(f"seed document missing: {SEED}")
    arc = Archive.open(tmp_path / "home")
    setup(arc, [], PASSWORDS)
    assert arc.add_file(SEED).document_id == 1
    yield arc
    arc.close()


def login(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    """A client signed in as ``username``."""
    c = TestClient(app)
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)  # type: ignore[union-attr]
    r = c.post(
        "/login",
        data={"username": username, "password": PASSWORDS[username], "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return c


def csrf_of(c: TestClient, url: str = "/account") -> str:
    """The session's CSRF token, from a page's form."""
    return re.search(r'name="csrf" value="([^"]+)"', c.get(url).text).group(1)  # type: ignore[union-attr]
