"""The REST API (``/api/v1``, OpenAPI at ``/api/openapi.json``), authenticated by bearer tokens.

A unit member sees only its unit's tasks: another unit's task answers 404; an action the role
does not grant answers 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..messages import msg
from ..store import Filters
from ..store.models import DocumentRow
from ..track import accounts, audit, queries, registry
from ..track.models import AuditEntry, Report, Task, Unit, User
from ..track.roles import Action, Role
from ..track.status import Status, due_soon, status
from ..track.tracker import Tracker
from . import services as sv
from . import signin
from .deps import begin_write, db
from .security import Principal, from_bearer

router = APIRouter(prefix="/api/v1", tags=["vanban"])
DB = Annotated[Session, Depends(db)]


def api_user(request: Request, s: DB) -> Principal:
    """The user of the bearer token; 401 without a valid one."""
    p = from_bearer(request, s)
    if p is None:
        raise HTTPException(
            401, "Cần mã truy cập hợp lệ (Authorization: Bearer …).", headers={"WWW-Authenticate": "Bearer"}
        )
    return p


Me = Annotated[Principal, Depends(api_user)]


class TokenIn(BaseModel):
    username: str
    password: str
    label: str = "api"


class TokenOut(BaseModel):
    token: str
    expires_in_days: int


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    parent_id: int | None
    aliases: list[str]
    members: list[int]


class UnitIn(BaseModel):
    name: str
    kind: str = "state"
    parent_id: int | None = None
    aliases: list[str] = []


class MergeIn(BaseModel):
    drop: int


class ReportOut(BaseModel):
    id: int
    task_id: int
    document_id: int | None
    note: str
    final: bool
    auto: bool
    reported_on: dt.date


class TaskOut(BaseModel):
    id: int
    document_id: int
    task_index: int
    unit_id: int | None
    unit: str | None
    assignee: str
    role: str
    action: str
    span: list[int] | None
    deadline: dt.date | None
    recurrence: str | None
    period: str | None
    confirmed: bool
    completed_on: dt.date | None
    status: Status
    status_label: str
    due_soon: int | None
    reports: list[ReportOut]


class TaskPatch(BaseModel):
    unit_id: int | None = None
    role: str | None = None
    deadline: dt.date | None = None
    recurrence: str | None = None


class DocumentOut(BaseModel):
    id: int
    number: str | None
    doc_type: str | None
    issuer: str | None
    date: dt.date | None
    subject: str | None
    status: str
    record: dict[str, Any] | None


def _report(r: Report) -> ReportOut:
    return ReportOut(
        id=r.id,
        task_id=r.task_id,
        document_id=r.document_id,
        note=r.note,
        final=r.final,
        auto=r.auto,
        reported_on=r.reported_on,
    )


def _task(t: Task, unit: Unit | None, on: dt.date) -> TaskOut:
    st = status(t.deadline, t.completed_on, on)
    return TaskOut(
        id=t.id,
        document_id=t.document_id,
        task_index=t.task_index,
        unit_id=t.unit_id,
        unit=unit.name if unit else None,
        assignee=t.assignee,
        role=t.role,
        action=t.action,
        span=[t.span_start, t.span_end] if t.span_start is not None and t.span_end is not None else None,
        deadline=t.deadline,
        recurrence=t.recurrence,
        period=t.period,
        confirmed=t.confirmed_at is not None,
        completed_on=t.completed_on,
        status=st,
        status_label=st.label,
        due_soon=due_soon(t.deadline, t.completed_on, on),
        reports=[_report(r) for r in t.reports],
    )


def _unit(s: Session, u: Unit) -> UnitOut:
    members = [m.id for m in registry.members(s, u)] if u.kind == "group" else []
    return UnitOut(
        id=u.id,
        name=u.name,
        kind=u.kind,
        parent_id=u.parent_id,
        aliases=[a.name for a in u.aliases],
        members=members,
    )


def _doc(d: DocumentRow) -> DocumentOut:
    return DocumentOut(
        id=d.id,
        number=d.number,
        doc_type=d.doc_type,
        issuer=d.issuer,
        date=d.date,
        subject=d.subject,
        status=d.status,
        record=d.record,
    )


@router.post(
    "/tokens",
    response_model=TokenOut,
    summary="Lấy mã truy cập bằng tên đăng nhập và mật khẩu",
    responses={429: {"description": "Đăng nhập sai quá nhiều lần (xem Retry-After)"}},
)
async def token(request: Request, body: TokenIn) -> TokenOut:
    try:
        user_id = await signin.authenticate(request, body.username, body.password)
    except signin.Throttled as exc:
        raise exc.http() from None
    if user_id is None:
        raise HTTPException(401, msg("web.signin.wrong"))
    t = await run_in_threadpool(_issue_token, request, user_id, body.label[:100])
    return TokenOut(token=t, expires_in_days=30)


def _issue_token(request: Request, user_id: int, label: str) -> str:
    with sv.archive(request).Session() as s:
        begin_write(s)
        u = s.get(User, user_id)
        assert u is not None
        t = accounts.issue_token(s, u, label, dt.timedelta(days=30))
        s.commit()
    return t


# --- documents and search ------------------------------------------------------------------


@router.get("/documents", summary="Tìm văn bản (toàn văn, lọc, phân mục)")
def documents(
    request: Request,
    s: DB,
    p: Me,
    q: str = "",
    doc_type: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
    system: str | None = None,
    limit: int = 20,
    after: str | None = None,
) -> dict[str, Any]:
    f = Filters(doc_type=doc_type, issuer=issuer, year=year, system=system)
    page = sv.search(request, s, q, f, max(1, min(limit, 100)), after)
    ids = [h.id for h in page.hits]
    review = set(s.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(ids), DocumentRow.needs_review)))
    return {
        "total": page.total,
        "next": page.next,
        "facets": {k: [[v, n] for v, n in vs] for k, vs in page.facets.items()},
        "hits": [
            {
                "id": h.id,
                "number": h.number,
                "doc_type": h.doc_type,
                "date": h.date,
                "issuer": h.issuer,
                "subject": h.subject,
                "snippet": h.snippet,
                "needs_review": h.id in review,  # cần kiểm tra: see /documents/{id}/review
            }
            for h in page.hits
        ],
    }


@router.get("/search", summary="Tìm văn bản (bí danh của /documents)")
def search(
    request: Request, s: DB, p: Me, q: str = "", limit: int = 20, after: str | None = None
) -> dict[str, Any]:
    return documents(request, s, p, q=q, limit=limit, after=after)


@router.get("/documents/{doc_id}", response_model=DocumentOut)
def document(s: DB, p: Me, doc_id: int) -> DocumentOut:
    d = s.get(DocumentRow, doc_id)
    if d is None or d.deleted_at is not None:
        raise HTTPException(404, "Không tìm thấy văn bản.")
    return _doc(d)


# --- tasks and reports ---------------------------------------------------------------------


@router.get("/tasks", response_model=list[TaskOut])
def tasks(
    request: Request,
    s: DB,
    p: Me,
    unit_id: int | None = None,
    document_id: int | None = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    proposals: Annotated[bool, Query(description="Cả đề xuất chưa xác nhận")] = False,
    limit: int = 200,
) -> list[TaskOut]:
    on = sv.today(request)
    q = queries.task_select(
        on,
        p.visible,
        unit_id=unit_id,
        document_id=document_id,
        status_=status_,
        proposals=proposals,
        limit=max(1, min(limit, 1000)),
    )
    return [_task(t, u, on) for t, u, _d, _st in s.execute(q).all()]


@router.get("/tasks/{task_id}", response_model=TaskOut)
def task(request: Request, s: DB, p: Me, task_id: int) -> TaskOut:
    t = sv.visible_task(s, p, task_id)
    return _task(t, t.unit, sv.today(request))


@router.patch("/tasks/{task_id}", response_model=TaskOut, summary="Xác nhận / sửa nhiệm vụ (văn thư)")
def patch_task(request: Request, s: DB, p: Me, task_id: int, body: TaskPatch) -> TaskOut:
    t = sv.visible_task(s, p, task_id)
    sv.require(p, Action.EDIT_TASK)
    fields = body.model_fields_set
    try:
        Tracker(s, sv.today(request)).confirm(
            t,
            p.user.id,
            unit_id=body.unit_id if "unit_id" in fields else t.unit_id,
            role=body.role if body.role else t.role,
            deadline=body.deadline if "deadline" in fields else t.deadline,
            recurrence=body.recurrence if "recurrence" in fields else t.recurrence,
        )
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    s.commit()
    return _task(t, t.unit, sv.today(request))


@router.post(
    "/tasks/{task_id}/reports", response_model=ReportOut, status_code=201, summary="Báo cáo tiến độ (đơn vị)"
)
async def add_report(
    request: Request,
    s: DB,
    p: Me,
    task_id: int,
    note: Annotated[str, Form()] = "",
    final: Annotated[bool, Form()] = False,
    file: Annotated[UploadFile | None, File()] = None,
) -> ReportOut:
    t = sv.visible_task(s, p, task_id)
    sv.require(p, Action.REPORT)
    doc_id = None
    if file is not None and file.filename:
        added = await sv.add_document(request, s, p, file)
        doc_id = added.job.document_id
        mine = [r for r in added.reports if r.task_id == t.id]
        if mine:
            return _report(mine[0])
    r = Tracker(s, sv.today(request)).report(t, p.user.id, note=note.strip(), final=final, document_id=doc_id)
    s.commit()
    return _report(r)


@router.get("/reports", response_model=list[ReportOut])
def reports(s: DB, p: Me, task_id: int | None = None, limit: int = 200) -> list[ReportOut]:
    q = (
        select(Report)
        .join(Task, Task.id == Report.task_id)
        .order_by(Report.id.desc())
        .limit(max(1, min(limit, 1000)))
    )
    if p.visible is not None:
        q = q.where(Task.unit_id.in_(p.visible))
    if task_id is not None:
        q = q.where(Report.task_id == task_id)
    return [_report(r) for r in s.scalars(q)]


@router.get("/reports/{report_id}", response_model=ReportOut)
def report(s: DB, p: Me, report_id: int) -> ReportOut:
    r = s.get(Report, report_id)
    if r is None:
        raise HTTPException(404, "Không tìm thấy báo cáo.")
    sv.visible_task(s, p, r.task_id)
    return _report(r)


# --- units ---------------------------------------------------------------------------------


@router.get("/units", response_model=list[UnitOut])
def units(s: DB, p: Me) -> list[UnitOut]:
    return [_unit(s, u) for u in sv.unit_options(s)]


@router.get("/units/{unit_id}", response_model=UnitOut)
def unit(s: DB, p: Me, unit_id: int) -> UnitOut:
    u = s.get(Unit, unit_id)
    if u is None:
        raise HTTPException(404, "Không tìm thấy đơn vị.")
    return _unit(s, u)


@router.post("/units", response_model=UnitOut, status_code=201)
def create_unit(s: DB, p: Me, body: UnitIn) -> UnitOut:
    sv.require(p, Action.MANAGE_UNITS)
    if body.kind not in {"state", "party", "group"} or not body.name.strip():
        raise HTTPException(422, "Tên hoặc loại đơn vị không hợp lệ.")
    if registry.find(s, body.name) is not None:
        raise HTTPException(409, "Đơn vị đã có trong danh mục.")
    parent = s.get(Unit, body.parent_id) if body.parent_id else None
    u = registry.ensure(s, body.name, kind=body.kind, parent=parent, aliases=body.aliases, user_id=p.user.id)
    s.commit()
    return _unit(s, u)


@router.post("/units/{unit_id}/merge", response_model=UnitOut, summary="Gộp đơn vị trùng vào đơn vị này")
def merge_unit(s: DB, p: Me, unit_id: int, body: MergeIn) -> UnitOut:
    sv.require(p, Action.MANAGE_UNITS)
    keep, drop = s.get(Unit, unit_id), s.get(Unit, body.drop)
    if keep is None or drop is None or keep.id == drop.id:
        raise HTTPException(422, "Chọn hai đơn vị khác nhau.")
    registry.merge(s, keep, drop, p.user.id)
    s.commit()
    return _unit(s, keep)


# --- dashboard and audit -------------------------------------------------------------------


@router.get("/dashboard", summary="Số nhiệm vụ theo đơn vị và tình trạng")
def dashboard(request: Request, s: DB, p: Me) -> dict[str, Any]:
    data = sv.dashboard(request, s, p)
    return {
        "today": data["today"],
        "totals": {k.value: v for k, v in data["totals"].items()},
        "units": [
            {"unit_id": u.unit_id, "name": u.name, **{k.value: v for k, v in u.counts.items()}}
            for u in data["units"]
        ],
        "overdue": [t.id for t, _u, _d in data["overdue"]],
        "trend": [t.__dict__ for t in data["trend"]],
    }


@router.get("/audit", summary="Nhật ký thay đổi")
def audit_log(s: DB, p: Me, limit: int = 100) -> list[dict[str, Any]]:
    sv.require(p, Action.READ_AUDIT)
    rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 1000))))
    return [audit.snapshot(e) for e in rows]


@router.get("/me", summary="Người dùng hiện tại")
def whoami(p: Me) -> dict[str, Any]:
    return {
        "id": p.user.id,
        "username": p.user.username,
        "role": Role(p.user.role).value,
        "unit_id": p.user.unit_id,
    }
