"""Fixtures of the desk tests: an archive with the Hà Nội registry, the demo accounts and the
seed 3241/UBND-KGVX; on SQLite and, with ``VANBAN_TEST_PG``, on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.conftest import BACKENDS, backend_url
from vanban.store import Archive
from web.vbweb_helpers import PASSWORDS, SEED, csrf_of, login

os.environ["VANBAN_SCHEDULER"] = "0"  # the tests run reminders themselves, with a frozen clock

__all__ = ["PASSWORDS", "SEED", "csrf_of", "login"]


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
