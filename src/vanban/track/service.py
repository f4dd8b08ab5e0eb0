"""The tracking step every entry point runs (web upload, ``vanban add``, ``vanban watch``,
edXML intake): a document just archived becomes proposals (what it assigns to the tracker's
organisation) or links to the tasks it reports on. Plain functions over a session and the
stored ``DocumentRow`` (its record is the parsed document), so they run wherever the caller
does — a request, a background job, the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..messages import msg
from ..store.models import DocumentRow
from .models import Report, Task, TrackedDocument, Unit
from .tracker import Tracker, document_of, is_report

TRACKED_STATUSES = frozenset({"added", "version", "retried", "duplicate", "reparsed"})


@dataclass
class Tracked:
    """What the tracking step did for one or more documents."""

    proposals: list[Task] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    elsewhere: list[dict] = field(default_factory=list)

    def __iadd__(self, other: Tracked) -> Tracked:
        self.proposals += other.proposals
        self.reports += other.reports
        self.elsewhere += other.elsewhere
        return self


def track_document(
    s: Session, doc: DocumentRow, *, user_id: int | None = None, today: dt.date | None = None
) -> Tracked:
    """Track one archived document (idempotent; nothing for a document that failed to parse).

    Its assignments become proposals — they count nowhere until a clerk confirms them — and
    those addressed outside the organisation are recorded; a report links to the tasks of its
    unit that it answers.
    """
    if doc.status != "ok" or doc.deleted_at is not None:
        return Tracked()
    tr = Tracker(s, today)
    fresh = s.get(TrackedDocument, doc.id) is None
    proposals = [] if is_report(document_of(doc)) else tr.tasks_from_document(doc, user_id)
    tracked = s.get(TrackedDocument, doc.id)
    if tracked is None:
        tracked = TrackedDocument(document_id=doc.id)
        s.add(tracked)
        s.flush()
    elsewhere = list(tracked.elsewhere or []) if fresh else []
    return Tracked(proposals, tr.link_report(doc, user_id), elsewhere)


def track_ids(
    s: Session, ids: Iterable[int], *, user_id: int | None = None, today: dt.date | None = None
) -> Tracked:
    """Track the documents ``ids`` (what ``vanban add`` and ``vanban watch`` just stored)."""
    out = Tracked()
    for i in ids:
        doc = s.get(DocumentRow, i)
        if doc is not None:
            out += track_document(s, doc, user_id=user_id, today=today)
    return out


def record_report(
    s: Session,
    doc: DocumentRow,
    *,
    task_id: int | None = None,
    final: bool = False,
    user_id: int | None = None,
    today: dt.date | None = None,
) -> list[Report]:
    """``doc`` as a report: on task ``task_id``, or on the tasks of its unit it answers (any
    citation counts); final when ``final`` or when it says the work is done. ``ValueError``
    (a message for the user) for a task that does not exist or is not confirmed."""
    tr = Tracker(s, today)
    if s.get(TrackedDocument, doc.id) is None:
        s.add(TrackedDocument(document_id=doc.id))
    tasks = None
    if task_id is not None:
        t = s.get(Task, task_id)
        if t is None:
            raise ValueError(msg("track.no_task", id=task_id))
        if t.confirmed_at is None:
            raise ValueError(msg("track.not_confirmed", id=task_id))
        tasks = [t]
    else:
        tasks = tr.answered_tasks(doc, as_report=True)
    return tr.link_report(doc, user_id, tasks=tasks, final=final)


def assign(
    s: Session,
    doc: DocumentRow,
    unit: Unit,
    *,
    role: str = "lead",
    deadline: dt.date | None = None,
    note: str = "",
    recurrence: str | None = None,
    user_id: int | None = None,
    today: dt.date | None = None,
) -> Task:
    """A leader's assignment (routing ``doc`` to ``unit``): a confirmed task, no second
    confirmation. ``ValueError`` (a message for the user) for a bad role or recurrence."""
    return Tracker(s, today).assign(
        doc, unit, user_id, role=role, deadline=deadline, note=note, recurrence=recurrence
    )


def proposals_of(s: Session, document_id: int) -> list[Task]:
    """A document's proposals (unconfirmed tasks), in the order of its assignments."""
    q = select(Task).where(Task.document_id == document_id, Task.confirmed_at.is_(None))
    return list(s.scalars(q.order_by(Task.task_index, Task.id)))


def advance(s: Session, today: dt.date) -> list[Task]:
    """As time passes, recurring duties get their periods up to ``today``'s."""
    return Tracker(s, today).advance()
