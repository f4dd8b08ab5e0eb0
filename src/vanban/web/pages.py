"""The browser pages (server-rendered, Vietnamese). Forms carry the session's CSRF token."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any
from urllib.parse import quote, urlparse

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only, selectinload
from starlette.concurrency import run_in_threadpool

from ..feedback.service import panel as feedback_panel
from ..messages import msg
from ..store import Filters
from ..store.models import DocumentRow
from ..track import accounts, audit, labels, queries, registry
from ..track.export import progress_report
from ..track.models import AuditEntry, PublishedDirective, Report, Task, Unit, UnitMember, User
from ..track.roles import Action, Role
from ..track.status import Status
from ..track.tracker import ROLES, Tracker, directive_key
from . import services as sv
from . import signin
from .deps import LoginRequired, begin_write, db
from .render import graph
from .security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Principal, check_csrf, from_cookie, new_login_csrf

router = APIRouter(include_in_schema=False)
DB = Annotated[Session, Depends(db)]
PAGE = 50  # tasks per page


def me(request: Request, s: DB) -> Principal:
    """The signed-in user, or a redirect to the login page."""
    p = from_cookie(request, s)
    if p is None:
        raise LoginRequired
    return p


Me = Annotated[Principal, Depends(me)]


def page(request: Request, name: str, p: Principal | None, **ctx: Any) -> HTMLResponse:
    """Render a template with the user and today's date."""
    return request.app.state.templates.TemplateResponse(
        request, name, {"me": p, "today": sv.today(request), **ctx}
    )


def back(url: str) -> RedirectResponse:
    """Redirect after a successful POST."""
    return RedirectResponse(url, status_code=303)


def _local(url: str | None) -> str:
    u = urlparse(url or "/")
    return (
        url
        if url and not u.scheme and not u.netloc and url.startswith("/") and not url.startswith("//")
        else "/"
    )


# --- sign in -------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, next)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf or not cookie or not secrets.compare_digest(csrf, cookie):
        raise HTTPException(403, "Phiên đăng nhập không hợp lệ (CSRF). Hãy tải lại trang đăng nhập.")
    cfg = request.app.state.config
    try:
        user_id = await signin.authenticate(request, username.strip(), password)
    except signin.Throttled as exc:
        return _login_page(request, next, exc.message, 429, {"Retry-After": str(exc.retry_after)})
    if user_id is None:
        return _login_page(request, next, msg("web.signin.wrong"), 401)
    token = await run_in_threadpool(_open_session, request, user_id)
    resp = back(_local(next))
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(cfg.session_ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cfg.secure_cookies,
    )
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


def _login_page(
    request: Request,
    next: str,
    error: str | None = None,
    code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The login form with a fresh double-submit token, and why the last sign-in failed."""
    token = new_login_csrf()
    resp = page(request, "login.html", None, next=_local(next), csrf=token, error=error)
    resp.status_code = code
    resp.headers.update(headers or {})
    resp.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.config.secure_cookies,
    )
    return resp


def _open_session(request: Request, user_id: int) -> str:
    """A new session for the user (expired ones purged, the sign-in audited): its cookie value."""
    with request.app.state.archive.Session() as s:
        begin_write(s)
        u = s.get(User, user_id)
        assert u is not None
        accounts.purge_sessions(s)
        token, _row = accounts.open_session(s, u, request.app.state.config.session_ttl)
        audit.log(s, u.id, "login", "user", u.id)
        s.commit()
    return token


@router.post("/logout")
def logout(request: Request, s: DB, p: Me, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(p, csrf)
    accounts.close_session(s, request.cookies.get(SESSION_COOKIE, ""))
    s.commit()
    resp = back("/login")
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/")
def home(p: Me) -> Response:
    return back("/dashboard" if p.can(Action.READ_ALL) else "/tasks")


# --- dashboard and export --------------------------------------------------------------------


@router.get("/dashboard")
def dashboard(request: Request, s: DB, p: Me) -> HTMLResponse:
    data = sv.dashboard(request, s, p)
    peak = max((max(t.on_time + t.late, t.overdue) for t in data["trend"]), default=0) or 1
    fb = feedback_panel(s, sv.today(request), p.visible)
    return page(request, "dashboard.html", p, **data, peak=peak, fb=fb)


@router.get("/dashboard/export.xlsx")
def export_xlsx(request: Request, s: DB, p: Me, key: str | None = None) -> Response:
    on = sv.today(request)
    doc_ids = None
    title = "Toàn bộ nhiệm vụ đang theo dõi"
    if key:
        root = queries.chain(s, key, on, p.visible)
        doc_ids = [n.doc.id for n in queries.walk(root) if n.doc]
        title = f"Nhiệm vụ thực hiện {root.number or key}" + (f": {root.title}" if root.title else "")
    q = queries.task_select(on, p.visible, document_ids=doc_ids).options(selectinload(Task.reports))
    rows = s.execute(q).all()
    finals = {t.id: next((r for r in t.reports if r.final), None) for t, _u, _d, _st in rows}
    report_docs = _documents(s, {r.document_id for r in finals.values() if r and r.document_id})
    units: dict[int | None, queries.UnitCounts] = {}
    detail = []
    for t, u, d, st in rows:
        name = u.name if u else t.assignee
        units.setdefault(t.unit_id, queries.UnitCounts(t.unit_id, name)).counts[Status(st)] += 1
        final = finals[t.id]
        rep = ""
        if final:
            rd = report_docs.get(final.document_id) if final.document_id else None
            rep = (rd.number or f"#{rd.id}") if rd else final.note[:80]
        detail.append(
            (
                d.number or f"#{d.id}",
                name,
                ROLES.get(t.role, t.role),
                (t.period + ": " if t.period else "") + t.action,
                t.deadline,
                Status(st),
                t.completed_on,
                rep,
            )
        )
    data = progress_report(title, on, sorted(units.values(), key=lambda x: x.name), detail)
    fname = f"bao-cao-tinh-hinh-thuc-hien-nhiem-vu-{on.isoformat()}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{fname}"'},
    )


# --- documents -----------------------------------------------------------------------------


def _doc(s: Session, doc_id: int) -> DocumentRow:
    d = s.get(DocumentRow, doc_id)
    if d is None or d.deleted_at is not None:
        raise HTTPException(404, "Không tìm thấy văn bản.")
    return d


@router.get("/documents/{doc_id}")
def document(request: Request, s: DB, p: Me, doc_id: int) -> HTMLResponse:
    d = _doc(s, doc_id)
    return page(
        request, "document.html", p, **sv.document_view(s, sv.archive(request), d, p, sv.today(request))
    )


INLINE = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}


@router.get("/documents/{doc_id}/original")
def original(request: Request, s: DB, p: Me, doc_id: int) -> Response:
    _doc(s, doc_id)
    name, data = sv.archive(request).original(doc_id)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    media = INLINE.get(suffix)
    disp = "inline" if media else "attachment"
    return Response(
        data,
        media_type=media or "application/octet-stream",
        headers={
            "Content-Disposition": f"{disp}; filename*=UTF-8''{quote(name)}",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; object-src 'self'; sandbox",
        },
    )


@router.get("/search")
def search(
    request: Request,
    s: DB,
    p: Me,
    q: str = "",
    doc_type: str | None = None,
    issuer: str | None = None,
    year: Annotated[int | None, Query()] = None,
    system: str | None = None,
    after: str | None = None,
) -> HTMLResponse:
    f = Filters(doc_type=doc_type or None, issuer=issuer or None, year=year, system=system or None)
    res = sv.search(request, s, q, f, limit=20, after=after)
    params = {"q": q, "doc_type": doc_type, "issuer": issuer, "year": year, "system": system}
    return page(request, "search.html", p, res=res, params={k: v for k, v in params.items() if v})


# --- tasks ---------------------------------------------------------------------------------


@router.get("/tasks")
def tasks(
    request: Request,
    s: DB,
    p: Me,
    unit: int | None = None,
    status: Status | None = None,
    document: int | None = None,
    pending: bool = False,
    after: str | None = None,
) -> HTMLResponse:
    on = sv.today(request)
    sv.advance(request)
    if unit is not None and p.visible is not None and unit not in p.visible:
        raise HTTPException(404, "Không tìm thấy đơn vị.")
    try:
        start = queries.parse_cursor(after) if after else None
    except ValueError:
        raise HTTPException(422, "Trang không hợp lệ.") from None
    q = queries.task_select(
        on,
        p.visible,
        unit_id=unit,
        status_=status,
        document_id=document,
        pending=pending,
        after=start,  # a keyset page: no OFFSET rows to skip over
        limit=PAGE + 1,
    )
    rows = s.execute(q).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    units = [u for u in sv.unit_choices(s) if p.visible is None or u.id in p.visible]
    args = {
        "unit": unit,
        "status": status.value if status else None,
        "document": document,
        "pending": pending or None,
    }
    return page(
        request,
        "tasks.html",
        p,
        rows=rows,
        first_page=after is None,
        next_after=queries.cursor_of(rows[-1][0]) if more else None,
        args={k: v for k, v in args.items() if v is not None},
        units=units,
        unit=unit,
        status=status,
        pending=pending,
        document=document,
    )


@router.get("/tasks/{task_id}")
def task(request: Request, s: DB, p: Me, task_id: int) -> HTMLResponse:
    t = sv.visible_task(s, p, task_id)
    on = sv.today(request)
    d = s.get(DocumentRow, t.document_id)  # loaded by visible_task (brief)
    passage = sv.passage(s, t.document_id, t.span_start, t.span_end)
    from ..track.status import due_soon, status

    series = list(
        s.scalars(
            select(Task)
            .where((Task.series_id == (t.series_id or t.id)) | (Task.id == (t.series_id or t.id)))
            .order_by(Task.deadline)
        )
    )
    return page(
        request,
        "task.html",
        p,
        t=t,
        d=d,
        st=status(t.deadline, t.completed_on, on),
        soon=due_soon(t.deadline, t.completed_on, on),
        passage=passage,
        units=sv.unit_choices(s),
        series=series if len(series) > 1 else [],
        reports=[
            (
                r,
                s.get(DocumentRow, r.document_id) if r.document_id else None,
                s.get(User, r.user_id) if r.user_id else None,
            )
            for r in t.reports
        ],
    )


def _date(v: str | None) -> dt.date | None:
    if not v:
        return None
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise HTTPException(422, "Ngày không hợp lệ.") from None


@router.post("/tasks/{task_id}/confirm")
def confirm(
    request: Request,
    s: DB,
    p: Me,
    task_id: int,
    csrf: Annotated[str, Form()] = "",
    unit_id: Annotated[int | None, Form()] = None,
    role: Annotated[str, Form()] = "execute",
    deadline: Annotated[str, Form()] = "",
    recurrence: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(p, csrf)
    t = sv.visible_task(s, p, task_id)
    sv.require(p, Action.EDIT_TASK)
    try:
        Tracker(s, sv.today(request)).confirm(
            t, p.user.id, unit_id=unit_id, role=role, deadline=_date(deadline), recurrence=recurrence or None
        )
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    s.commit()
    return back(_local(next) if next else f"/tasks/{t.id}")


@router.post("/tasks/{task_id}/report")
async def report(
    request: Request,
    s: DB,
    p: Me,
    task_id: int,
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    final: Annotated[bool, Form()] = False,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    check_csrf(p, csrf)
    t = sv.visible_task(s, p, task_id)
    sv.require(p, Action.REPORT)
    doc_id = None
    if file is not None and file.filename:
        added = await sv.add_document(request, s, p, file)
        doc_id = added.job.document_id
        if any(r.task_id == t.id for r in added.reports):
            return back(f"/tasks/{t.id}")
    Tracker(s, sv.today(request)).report(t, p.user.id, note=note.strip(), final=final, document_id=doc_id)
    s.commit()
    return back(f"/tasks/{t.id}")


# --- directives ----------------------------------------------------------------------------


def _documents(s: Session, ids: set[int]) -> dict[int, DocumentRow]:
    """Documents by id, in one query (their brief columns)."""
    if not ids:
        return {}
    q = select(DocumentRow).where(DocumentRow.id.in_(ids)).options(load_only(*queries.DOC_BRIEF))
    return {d.id: d for d in s.scalars(q)}


def _directive_ctx(s: Session, key: str, on: dt.date, visible: frozenset[int] | None) -> dict[str, Any]:
    root = queries.chain(s, key, on, visible)
    nodes = list(queries.walk(root))
    counts = dict.fromkeys(Status, 0)
    for n in nodes:
        for _t, _u, st, _r in n.tasks:
            counts[st] += 1
    report_docs = _documents(
        s, {r.document_id for n in nodes for _t, _u, _st, rs in n.tasks for r in rs if r.document_id}
    )
    return {
        "root": root,
        "nodes": nodes,
        "counts": counts,
        "report_docs": report_docs,
        "graph": graph(root, "/documents/{id}", "/tasks/{id}"),
    }


@router.get("/directive")
def directive(request: Request, s: DB, p: Me, key: str) -> HTMLResponse:
    pub = s.scalar(select(PublishedDirective).where(PublishedDirective.directive_key == directive_key(key)))
    return page(
        request,
        "directive.html",
        p,
        key=directive_key(key),
        pub=pub,
        **_directive_ctx(s, key, sv.today(request), p.visible),
    )


@router.post("/directive/publish")
def publish(
    s: DB,
    p: Me,
    key: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    on: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.PUBLISH)
    k = directive_key(key)
    pub = s.scalar(select(PublishedDirective).where(PublishedDirective.directive_key == k))
    if on and pub is None:
        pub = PublishedDirective(directive_key=k, slug=secrets.token_urlsafe(8), published_by=p.user.id)
        s.add(pub)
        s.flush()
        audit.log(s, p.user.id, "publish", "directive", pub.id, None, audit.snapshot(pub))
    elif not on and pub is not None:
        audit.log(s, p.user.id, "unpublish", "directive", pub.id, audit.snapshot(pub), None)
        s.delete(pub)
    s.commit()
    return back(f"/directive?key={quote(k)}")


# --- units ---------------------------------------------------------------------------------


@router.get("/units")
def units(request: Request, s: DB, p: Me) -> HTMLResponse:
    all_units = sv.unit_options(s)
    kids: dict[int | None, list[Unit]] = {}
    for u in all_units:
        kids.setdefault(u.parent_id if u.kind != "group" else -1, []).append(u)
    return page(request, "units.html", p, kids=kids, units=all_units)


@router.post("/units")
def unit_create(
    s: DB,
    p: Me,
    name: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    parent_id: Annotated[int | None, Form()] = None,
    kind: Annotated[str, Form()] = "state",
) -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.MANAGE_UNITS)
    if kind not in {"state", "party", "group"} or not name.strip():
        raise HTTPException(422, "Tên hoặc loại đơn vị không hợp lệ.")
    parent = s.get(Unit, parent_id) if parent_id else None
    u = registry.ensure(s, name, kind=kind, parent=parent, user_id=p.user.id)
    s.commit()
    return back(f"/units/{u.id}")


@router.get("/units/merge")
def merge_form(request: Request, s: DB, p: Me) -> HTMLResponse:
    sv.require(p, Action.MANAGE_UNITS)
    return page(request, "merge.html", p, dups=registry.duplicates(s), units=sv.unit_options(s))


@router.post("/units/merge")
def merge(
    s: DB,
    p: Me,
    keep: Annotated[int, Form()],
    drop: Annotated[int, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.MANAGE_UNITS)
    a, b = s.get(Unit, keep), s.get(Unit, drop)
    if a is None or b is None or a.id == b.id:
        raise HTTPException(422, "Chọn hai đơn vị khác nhau.")
    registry.merge(s, a, b, p.user.id)
    s.commit()
    return back(f"/units/{a.id}")


@router.get("/units/{unit_id}")
def unit(request: Request, s: DB, p: Me, unit_id: int) -> HTMLResponse:
    u = s.get(Unit, unit_id)
    if u is None:
        raise HTTPException(404, "Không tìm thấy đơn vị.")
    members = registry.members(s, u) if u.kind == "group" else []
    groups = list(
        s.scalars(
            select(Unit).join(UnitMember, UnitMember.group_id == Unit.id).where(UnitMember.member_id == u.id)
        )
    )
    children = list(s.scalars(select(Unit).where(Unit.parent_id == u.id).order_by(Unit.name)))
    counts = next((c for c in queries.counts_by_unit(s, sv.today(request), frozenset({u.id}))), None)
    users = list(s.scalars(select(User).where(User.unit_id == u.id)))
    return page(
        request,
        "unit.html",
        p,
        u=u,
        members=members,
        groups=groups,
        children=children,
        counts=counts,
        users=users,
        units=sv.unit_options(s),
    )


@router.post("/units/{unit_id}")
def unit_edit(
    s: DB,
    p: Me,
    unit_id: int,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    parent_id: Annotated[int | None, Form()] = None,
    alias: Annotated[str, Form()] = "",
    members: Annotated[list[int] | None, Form()] = None,
) -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.MANAGE_UNITS)
    u = s.get(Unit, unit_id)
    if u is None:
        raise HTTPException(404, "Không tìm thấy đơn vị.")
    before = audit.snapshot(u)
    if name.strip():
        u.name = name.strip()
    if parent_id is not None and parent_id != u.id:
        u.parent_id = parent_id or None
    if alias.strip() and not registry.add_alias(s, u, alias):
        raise HTTPException(422, "Tên khác này đã thuộc về một đơn vị.")
    if u.kind == "group" and members is not None:
        registry.set_members(s, u, [m for m in (s.get(Unit, i) for i in members) if m is not None])
    s.flush()
    audit.log(s, p.user.id, "edit", "unit", u.id, before, audit.snapshot(u))
    s.commit()
    return back(f"/units/{u.id}")


# --- users, account, audit -------------------------------------------------------------------


@router.get("/users")
def users(request: Request, s: DB, p: Me) -> HTMLResponse:
    sv.require(p, Action.MANAGE_USERS)
    rows = s.execute(
        select(User, Unit).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.username)
    ).all()
    return page(request, "users.html", p, rows=rows, units=sv.unit_options(s), roles=list(Role))


@router.post("/users")
def user_create(
    s: DB,
    p: Me,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[Role, Form()],
    csrf: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    unit_id: Annotated[int | None, Form()] = None,
) -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.MANAGE_USERS)
    if len(password) < 10:
        raise HTTPException(422, "Mật khẩu cần ít nhất 10 ký tự.")
    if s.scalar(select(User).where(User.username == username.strip())):
        raise HTTPException(422, "Tên đăng nhập đã tồn tại.")
    accounts.create_user(
        s, username.strip(), password, role, full_name=full_name, unit_id=unit_id, by=p.user.id
    )
    s.commit()
    return back("/users")


@router.get("/account")
def account(request: Request, p: Me) -> HTMLResponse:
    return page(request, "account.html", p, token=None)


@router.post("/account/token")
def account_token(
    request: Request, s: DB, p: Me, csrf: Annotated[str, Form()] = "", label: Annotated[str, Form()] = ""
) -> HTMLResponse:
    check_csrf(p, csrf)
    token = accounts.issue_token(s, p.user, label[:100], dt.timedelta(days=90))
    s.commit()
    return page(request, "account.html", p, token=token)


@router.get("/audit")
def audit_log(request: Request, s: DB, p: Me, entity: str | None = None) -> HTMLResponse:
    sv.require(p, Action.READ_AUDIT)
    q = (
        select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .order_by(AuditEntry.id.desc())
        .limit(200)
    )
    if entity:
        q = q.where(AuditEntry.entity == entity)
    units = dict(s.execute(select(Unit.id, Unit.name)).all())
    rows = [
        (e, labels.audit_sentence(e, u.full_name if u else None), labels.changes(e.before, e.after, units))
        for e, u in s.execute(q).all()
    ]
    return page(request, "audit.html", p, rows=rows, entity=entity)


@router.get("/reports/{report_id}")
def report_page(s: DB, p: Me, report_id: int) -> Response:
    r = s.get(Report, report_id)
    if r is None:
        raise HTTPException(404, "Không tìm thấy báo cáo.")
    t = sv.visible_task(s, p, r.task_id)
    return back(f"/tasks/{t.id}#report-{r.id}")
