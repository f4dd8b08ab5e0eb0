"""An app over a fresh archive: the Hà Nội registry, the Hanoi seed tracked, one account per role;
``app`` after the clerk confirmed the seed's proposals as extracted, ``app_proposals`` before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from vbweb_helpers import PASSWORDS, SEED, TODAY

from vanban.store import Archive
from vanban.track import service
from vanban.track.models import Task, User
from vanban.track.tracker import Tracker
from vanban.web import WebConfig, create_app
from vanban.web.demo import setup


@pytest.fixture
def arc(tmp_path: Path) -> Iterator[Archive]:
    a = Archive.open(tmp_path / "home")
    yield a
    a.close()


def _app(arc: Archive):  # type: ignore[no-untyped-def]
    return create_app(WebConfig(home=arc.home, max_upload=256 * 1024, today=lambda: TODAY), arc)


@pytest.fixture
def app_proposals(arc: Archive):  # type: ignore[no-untyped-def]
    if not SEED.exists():
        pytest.skip(f"seed document missing: {SEED}")
    setup(arc, [SEED], PASSWORDS)
    app = _app(arc)
    yield app
    app.state.jobs.close()  # the worker processes that read uploads


@pytest.fixture
def app(app_proposals, arc: Archive):  # type: ignore[no-untyped-def]
    with arc.Session() as s:
        clerk = s.scalar(select(User.id).where(User.username == "vanthu"))
        doc_ids = set(s.scalars(select(Task.document_id)))
        tasks = [t for d in sorted(doc_ids) for t in service.proposals_of(s, d)]
        Tracker(s, TODAY).confirm_as_is(tasks, clerk)
        s.commit()
    return app_proposals
