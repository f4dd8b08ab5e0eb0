"""An app over a fresh archive: the Hà Nội registry, the Hanoi seed tracked, one account per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from vbweb_helpers import PASSWORDS, SEED, TODAY

from vanban.store import Archive
from vanban.web import WebConfig, create_app
from vanban.web.demo import setup


@pytest.fixture
def arc(tmp_path: Path) -> Iterator[Archive]:
    a = Archive.open(tmp_path / "home")
    yield a
    a.close()


@pytest.fixture
def app(arc: Archive):  # type: ignore[no-untyped-def]
    if not SEED.exists():
        pytest.skip(f"seed document missing: {SEED}")
    setup(arc, [SEED], PASSWORDS)
    app = create_app(WebConfig(home=arc.home, max_upload=256 * 1024, today=lambda: TODAY), arc)
    yield app
    app.state.jobs.close()  # the worker processes that read uploads
