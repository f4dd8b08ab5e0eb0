"""The clerk's review queue: extracted tasks are proposals until confirmed. Per document, each
proposal with its passage highlighted — confirm, edit (unit, lead/coordinate, deadline,
recurrence) or reject, one by one or all at once — and the assignments addressed to bodies
outside the organisation. Pages and their REST endpoints."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from ..messages import msg
from ..store.models import DocumentRow
from ..track import queries, service
from ..track.models import Task, TrackedDocument
from ..track.roles import Action
from ..track.tracker import Tracker
from . import services as sv
from .api import Me as ApiMe
from .deps import db
from .pages import Me, back, page
from .security import Principal, check_csrf

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["đề xuất nhiệm vụ"])
DB = Annotated[Session, Depends(db)]


def _document(s: Session, doc_id: int) -> DocumentRow:
    d = s.get(DocumentRow, doc_id, options=[load_only(*queries.DOC_BRIEF)])
    if d is None or d.deleted_at is not None:
        raise HTTPException(404, "Không tìm thấy văn bản.")
    return d


def _proposals(s: Session, p: Principal, doc_id: int) -> list[Task]:
    return [t for t in service.proposals_of(s, doc_id) if p.visible is None or t.unit_id in p.visible]


def pending_documents(s: Session, p: Principal) -> list[tuple[DocumentRow, int]]:
    """Documents with proposals the user may see, newest first, with their count."""
    q = (
        select(Task.document_id, func.count())
        .where(Task.confirmed_at.is_(None), Task.document_id.not_in(queries.removed_documents()))
        .group_by(Task.document_id)
    )
    if p.visible is not None:
        q = q.where(Task.unit_id.in_(p.visible))
    counts = dict(s.execute(q).all())
    docs = s.scalars(
        select(DocumentRow).where(DocumentRow.id.in_(counts)).options(load_only(*queries.DOC_BRIEF))
    ).all()
    return [(d, counts[d.id]) for d in sorted(docs, key=lambda d: -d.id)]


def elsewhere(s: Session, doc_id: int) -> list[dict[str, Any]]:
    """A document's assignments addressed to bodies outside the organisation."""
    row = s.get(TrackedDocument, doc_id)
    return list(row.elsewhere or []) if row else []


@router.get("/review")
def queue(request: Request, s: DB, p: Me) -> HTMLResponse:
    return page(request, "review_queue.html", p, docs=pending_documents(s, p))


@router.get("/documents/{doc_id}/review")
def review(request: Request, s: DB, p: Me, doc_id: int) -> HTMLResponse:
    d = _document(s, doc_id)
    groups = []
    for index, tasks in groupby(_proposals(s, p, doc_id), key=lambda t: t.task_index):
        tasks = list(tasks)
        groups.append((index, sv.passage(s, doc_id, tasks[0].span_start, tasks[0].span_end, 160), tasks))
    return page(
        request,
        "review.html",
        p,
        d=d,
        groups=groups,
        elsewhere=elsewhere(s, doc_id),
        units=sv.unit_choices(s),
        confirmed=s.scalar(
            select(func.count()).where(Task.document_id == doc_id, Task.confirmed_at.is_not(None))
        ),
    )


@router.post("/documents/{doc_id}/review/confirm")
def confirm_all(request: Request, s: DB, p: Me, doc_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.EDIT_TASK)
    _document(s, doc_id)
    Tracker(s, sv.today(request)).confirm_as_is(_proposals(s, p, doc_id), p.user.id)
    s.commit()
    return back(f"/documents/{doc_id}/review")


@router.post("/tasks/{task_id}/reject")
def reject(request: Request, s: DB, p: Me, task_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(p, csrf)
    t = sv.visible_task(s, p, task_id)
    sv.require(p, Action.EDIT_TASK)
    doc_id = t.document_id
    try:
        Tracker(s, sv.today(request)).reject(t, p.user.id)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    s.commit()
    return back(f"/documents/{doc_id}/review")


# --- REST ----------------------------------------------------------------------------------


@api.get(
    "/documents/{doc_id}/proposals", summary="Đề xuất nhiệm vụ của văn bản và nội dung giao cho cơ quan ngoài"
)
def api_proposals(s: DB, p: ApiMe, doc_id: int) -> dict[str, Any]:
    _document(s, doc_id)
    return {
        "proposals": [
            {
                "id": t.id,
                "task_index": t.task_index,
                "unit_id": t.unit_id,
                "unit": t.unit.name if t.unit else None,
                "role": t.role,
                "deadline": t.deadline.isoformat() if t.deadline else None,
                "recurrence": t.recurrence,
                "action": t.action,
                "span": [t.span_start, t.span_end],
            }
            for t in _proposals(s, p, doc_id)
        ],
        "elsewhere": elsewhere(s, doc_id),
    }


@api.post("/documents/{doc_id}/proposals/confirm", summary="Xác nhận mọi đề xuất của văn bản (văn thư)")
def api_confirm_all(request: Request, s: DB, p: ApiMe, doc_id: int) -> dict[str, Any]:
    sv.require(p, Action.EDIT_TASK)
    _document(s, doc_id)
    done = Tracker(s, sv.today(request)).confirm_as_is(_proposals(s, p, doc_id), p.user.id)
    s.commit()
    return {"confirmed": [t.id for t in done], "message": msg("track.review.confirmed", n=len(done))}


@api.post("/tasks/{task_id}/reject", summary="Loại bỏ một đề xuất nhiệm vụ (văn thư)")
def api_reject(request: Request, s: DB, p: ApiMe, task_id: int) -> dict[str, Any]:
    t = sv.visible_task(s, p, task_id)
    sv.require(p, Action.EDIT_TASK)
    try:
        Tracker(s, sv.today(request)).reject(t, p.user.id)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    s.commit()
    return {"rejected": task_id, "message": msg("track.review.rejected", id=task_id)}
