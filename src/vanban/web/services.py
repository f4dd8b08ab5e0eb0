"""What pages and the API share: the principal of a request, uploads queued as jobs (read,
stored and tracked in a worker), a task the user may see, the document view, the cached dashboard."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import shutil
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, UploadFile
from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only
from starlette.concurrency import run_in_threadpool

from ..messages import msg
from ..model import Document
from ..store import Archive, Filters
from ..store.models import DocTextRow, DocumentRow
from ..store.search import Page
from ..track import queries, service
from ..track.models import AuditEntry, Report, Task, TrackedDocument, Unit
from ..track.roles import Action, sees_task
from ..track.status import Status
from ..track.tracker import directive_key, document_of
from .deps import begin_write
from .jobs import Job, JobRunner
from .render import Mark, highlight
from .security import Principal, safe_filename

CHUNK = 1 << 16


def today(request: Request) -> dt.date:
    """The date statuses are computed for."""
    return request.app.state.config.today()


def archive(request: Request) -> Archive:
    """The app's archive."""
    return request.app.state.archive


def require(p: Principal, action: Action) -> None:
    """403 unless the user's role grants ``action``."""
    if not p.can(action):
        raise HTTPException(403, "Bạn không có quyền thực hiện thao tác này.")


def visible_task(s: Session, p: Principal, task_id: int) -> Task:
    """The task, or 404 when it does not exist or belongs to a unit the user may not see."""
    t = s.get(Task, task_id)
    if t is None or not sees_task(p.role, p.units, t.unit_id):
        raise HTTPException(404, "Không tìm thấy nhiệm vụ.")
    d = s.get(DocumentRow, t.document_id, options=[load_only(*queries.DOC_BRIEF)])
    if d is None or d.deleted_at is not None:
        raise HTTPException(404, "Không tìm thấy nhiệm vụ.")
    return t


@dataclass
class Added:
    """An uploaded file after its job put it into the archive and the tracker."""

    job: Job
    reports: list[Report]
    elsewhere: list[dict[str, Any]] = dataclasses.field(default_factory=list)


async def save_upload(request: Request, upload: UploadFile) -> tuple[Path, str]:
    """Write an upload to a fresh private directory under the archive's staging folder, under a
    safe name; 413 beyond the limit, 400 when empty."""
    limit = request.app.state.config.max_upload
    name = safe_filename(upload.filename)
    tmp = jobs_of(request).staging()
    path = tmp / name
    size = 0
    with path.open("wb") as f:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                f.close()
                shutil.rmtree(tmp, ignore_errors=True)
                raise HTTPException(413, f"Tệp quá lớn: giới hạn {limit // (1024 * 1024)} MB.")
            f.write(chunk)
    if size == 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise HTTPException(400, "Tệp rỗng.")
    return path, name


def jobs_of(request: Request) -> JobRunner:
    """The app's job runner."""
    return request.app.state.jobs


async def queue_document(
    request: Request, s: Session, p: Principal, upload: UploadFile
) -> tuple[Job, Future[str]]:
    """Save an upload and start reading it in a worker: its job (queued) and the job's future."""
    path, name = await save_upload(request, upload)
    runner = jobs_of(request)
    begin_write(s)
    job = runner.create(s, path, name, p.user.id, today(request))
    s.commit()
    return job, await run_in_threadpool(runner.submit, job.id)  # a cold pool starts its processes


async def add_document(request: Request, s: Session, p: Principal, upload: UploadFile) -> Added:
    """Add an upload and wait for its job (the event loop stays free meanwhile): the job and
    the reports it linked; 422 when the file could not be stored."""
    job, fut = await queue_document(request, s, p, upload)
    await asyncio.wrap_future(fut)
    s.refresh(job)
    if job.document_id is None:
        raise HTTPException(422, job.error or msg("web.job.not_stored", name=job.name, error=job.status))
    begin_write(s)
    ids = (job.result or {}).get("reports") or []
    reports = list(s.scalars(select(Report).where(Report.id.in_(ids)))) if ids else []
    return Added(job, reports, list((job.result or {}).get("elsewhere") or []))


def document_marks(rec: Document | None, tasks: list[Task], link_of: dict[str, int]) -> list[Mark]:
    """Marks for a document's citations (linked when archived) and its tasks."""
    marks = []
    for i, c in enumerate(rec.citations if rec else ()):
        target = link_of.get(directive_key(c.key))
        href = f"/documents/{target}" if target else f"/directive?key={directive_key(c.key)}"
        marks.append(Mark(*c.span, f"hl-cite rel-{c.relation}", f"cite-{i}", href, c.number))
    seen: set[int] = set()
    for t in tasks:
        if t.task_index in seen or t.span_start is None or t.span_end is None:
            continue
        seen.add(t.task_index)
        marks.append(
            Mark(
                t.span_start,
                t.span_end,
                "hl-task",
                f"task-{t.task_index}",
                None,
                f"Nhiệm vụ {t.task_index + 1}",
            )
        )
    return marks


def document_view(s: Session, arc: Archive, doc: DocumentRow, p: Principal, on: dt.date) -> dict[str, Any]:
    """Everything the document page shows."""
    rec = document_of(doc)
    text = arc.text(doc.id)
    rows = s.execute(queries.task_select(on, p.visible, document_id=doc.id)).all()
    all_tasks = list(s.scalars(select(Task).where(Task.document_id == doc.id)))
    links = arc.citing(doc.id)
    link_of = {directive_key(lk.key): lk.targets[0].id for lk in links if lk.targets}
    reports = list(s.scalars(select(Report).where(Report.document_id == doc.id)))
    tracked = s.get(TrackedDocument, doc.id)
    name, _ = arc.original(doc.id)
    suffix = Path(name).suffix.lower()
    preview = (
        "pdf"
        if suffix == ".pdf"
        else "image"
        if suffix in {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif"}
        else None
    )
    return {
        "doc": doc,
        "rec": rec or Document(text=""),  # a file not read: every field "—"
        "text_html": highlight(text, document_marks(rec, all_tasks, link_of)),
        "tasks": [(t, u, Status(st)) for t, u, _d, st in rows],
        "links": links,
        "cited_by": arc.cited_by(doc.id),
        "answers": [(r, s.get(Task, r.task_id)) for r in reports],
        "proposals": sum(1 for t in all_tasks if t.confirmed_at is None),
        "elsewhere": list(tracked.elsewhere or []) if tracked else [],
        "original_name": name,
        "preview": preview,
        "repaired": _repaired(rec),
    }


def _repaired(rec: Document | None) -> str | None:
    """What reading changed in the text the page shows (marks restored, a legacy font mapped
    back, a wrong encoding converted): the record's read warnings, in one line; None if nothing."""
    what = [p.message for p in (rec.problems if rec else ()) if p.rule == "read.warning"]
    return msg("web.document.text_repaired", what="; ".join(what)) if what else None


def data_version(s: Session) -> tuple[Any, ...]:
    """What changes whenever tasks, reports or the archive change, in four indexed lookups: the
    last audit entry (every tracking change is audited), and the documents' count, removed
    count and newest id (documents added or removed by any process, audited or not); one
    statement."""
    row = s.execute(
        select(
            select(func.max(AuditEntry.id)).scalar_subquery(),
            select(func.count()).select_from(DocumentRow).scalar_subquery(),
            select(func.count(DocumentRow.deleted_at)).scalar_subquery(),
            select(func.max(DocumentRow.id)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


class VersionedCache:
    """Values computed for a key, valid while :func:`data_version` is unchanged and for at most
    ``ttl`` seconds (a safety net for changes the version misses, such as a reparse run from
    the command line). One per process; small, cleared when full."""

    def __init__(self, ttl: float, size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._data: dict[Any, tuple[tuple[Any, ...], float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, version: tuple[Any, ...]) -> Any | None:
        """The value cached for ``key`` at ``version``, or None."""
        hit = self._data.get(key)
        if hit is None or hit[0] != version or time.monotonic() - hit[1] > self.ttl:
            return None
        return hit[2]

    def put(self, key: Any, version: tuple[Any, ...], value: Any) -> Any:
        """Remember ``value`` and return it."""
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (version, time.monotonic(), value)
        return value


def advance(request: Request) -> None:
    """Recurring duties get their periods up to today (once a day per process, in a write
    transaction of its own; the lists call it before reading)."""
    on = today(request)
    if getattr(request.app.state, "advanced_on", None) == on:
        return
    with archive(request).Session() as ws:
        begin_write(ws)
        service.advance(ws, on)
        ws.commit()
    request.app.state.advanced_on = on


def dashboard(request: Request, s: Session, p: Principal) -> dict[str, Any]:
    """Per-unit counts, totals, the overdue and due-soon lists and the trend; cached per change."""
    on = today(request)
    advance(request)
    cache: VersionedCache = request.app.state.dash_cache
    key, version = (on, p.visible), data_version(s)
    hit = cache.get(key, version)
    if hit is not None:
        return hit
    units = queries.counts_by_unit(s, on, p.visible)
    overdue = s.execute(queries.task_select(on, p.visible, status_=Status.OVERDUE, limit=50)).all()
    data = {
        "units": units,
        "totals": queries.totals(units),
        "overdue": [(t, u, d) for t, u, d, _ in overdue],
        "due_soon": [((r[0], r[1], r[2]), lvl) for r, lvl in queries.due_soon_tasks(s, on, p.visible)],
        "trend": queries.trend(s, on, 12, p.visible),
        "today": on,
        "pending": pending_count(s, p.visible),
    }
    return cache.put(key, version, data)


def pending_count(s: Session, visible: frozenset[int] | None) -> int:
    """Proposals awaiting a clerk (shown apart: they count nowhere)."""
    q = select(func.count()).where(
        Task.confirmed_at.is_(None), Task.document_id.not_in(queries.removed_documents())
    )
    if visible is not None:
        q = q.where(Task.unit_id.in_(visible))
    return s.scalar(q) or 0


def search(request: Request, s: Session, query: str, filters: Filters, limit: int, after: str | None) -> Page:
    """The archive's search, its hits always fresh; the total and facet counts of the first
    page (the archive's costliest part: counts over every match) come from a per-process cache
    keyed by the query, the filters and :func:`data_version`, kept at most 60 s."""
    arc = archive(request)
    res = arc.search(query, filters, limit=limit, after=after, facets=False)
    if after is not None:
        return res
    cache: VersionedCache = request.app.state.facet_cache
    key, version = (query.strip(), filters), data_version(s)
    summary = cache.get(key, version)
    if summary is None:
        full = arc.search(query, filters, limit=1, facets=True)
        summary = cache.put(key, version, (full.total, full.facets))
    return dataclasses.replace(res, total=summary[0], facets=summary[1])


def unit_options(s: Session) -> list[Unit]:
    """Every unit, by name."""
    return list(s.scalars(select(Unit).order_by(Unit.name)))


def unit_choices(s: Session) -> list[Any]:
    """Every unit's ``id`` and ``name``, by name: what a select box shows (rows, not entities)."""
    return list(s.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all())


def passage(s: Session, doc_id: int, start: int | None, end: int | None, context: int = 300) -> Any:
    """The text of a span with ``context`` characters either side, as (before, span, after), or
    None without a span; only that window of the document text is read."""
    a, b = start or 0, end or 0
    if b <= a:
        return None
    lo = max(0, a - context)
    q = select(func.substr(DocTextRow.text, lo + 1, b + context - lo)).where(DocTextRow.document_id == doc_id)
    window = s.scalar(q) or ""
    return window[: a - lo], window[a - lo : b - lo], window[b - lo :]
