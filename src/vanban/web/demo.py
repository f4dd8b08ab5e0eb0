"""The demo setup: the Hà Nội registry, the seed documents tracked, one account per role; with
``demo_tasks``, a clerk's work already done on the first seed so that on-time, late, open and
overdue work shows from the first minute (the other seeds' proposals wait in the review queue)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from ..store import Archive
from ..store.models import DocumentRow
from ..track import seed, service
from ..track.models import Task
from ..track.tracker import Tracker

# (days from today to the deadline, days from the deadline to completion or None), per section
DEMO_PLAN = ((-20, None), (-40, -5), (-30, 12), (15, None), (45, None))


def setup(
    arc: Archive,
    documents: list[Path],
    passwords: dict[str, str] | None = None,
    *,
    demo_tasks: bool = False,
    today: dt.date | None = None,
) -> list[seed.DemoAccount]:
    """Seed the registry and accounts, add and track ``documents``; the demo accounts."""
    with arc.Session() as s:
        units = seed.seed_hanoi(s)
        accs = seed.demo_accounts(s, units, passwords)
        s.commit()
    ids = [r.document_id for r in (arc.add_file(p) for p in documents) if r.document_id is not None]
    with arc.Session() as s:
        service.track_ids(s, ids)
        if demo_tasks and ids:
            _clerk_and_units_at_work(s, ids[-1], today or dt.date.today())
        s.commit()
    return accs


def _clerk_and_units_at_work(s, doc_id: int, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    """Confirm a document's proposals with deadlines around ``today``; some units report."""
    doc = s.get(DocumentRow, doc_id)
    if doc is None or doc.status != "ok":
        return
    tr = Tracker(s, today)
    props = list(s.scalars(select(Task).where(Task.document_id == doc_id, Task.confirmed_at.is_(None))))
    for k, t in enumerate(props):
        due, done = DEMO_PLAN[k % len(DEMO_PLAN)]
        deadline = today + dt.timedelta(days=due)
        tr.confirm(t, None, unit_id=t.unit_id, role=t.role, deadline=deadline, recurrence=None)
        if done is not None:
            tr.report(
                t,
                None,
                note="Đã hoàn thành (dữ liệu mẫu).",
                final=True,
                reported_on=deadline + dt.timedelta(days=done),
            )
