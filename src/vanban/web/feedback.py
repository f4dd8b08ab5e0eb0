"""Phản ánh, kiến nghị on the web: the citizen's form and status page (no account), the staff's
list, item page and actions, the REST API under ``/api/v1/feedback``.

The citizen's form carries a double-submit CSRF token and a honeypot field; one client may
submit at most ``per_minute`` items a minute (form and API together, counted in the database by
every server process: ``vanban.feedback.flood``), then gets 429.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass, field, fields
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..feedback import service as fs
from ..feedback.attachments import AttachmentError, Checked, check_all
from ..feedback.flood import FloodGate
from ..feedback.mail import Mailer, SmtpMailer
from ..feedback.models import Feedback, FeedbackFile
from ..feedback.rules import rules
from ..messages import msg
from ..track.export import progress_report
from ..track.queries import totals
from ..track.roles import Action, Role
from ..track.status import Status, due_soon
from . import services as sv
from .deps import begin_write, db
from .pages import Me, back, page
from .security import Principal, check_csrf, from_bearer, safe_filename

DB = Annotated[Session, Depends(db)]
CSRF_COOKIE = "vb_fb_csrf"
NO_STORE = {"Cache-Control": "no-store"}

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/feedback", tags=["phản ánh, kiến nghị"])


def _flood(request: Request, s: Session) -> None:
    """429 when the client has sent ``per_minute`` items in the last minute (every process counts).

    The attempt is committed on its own; the request's write transaction then starts again."""
    gate = getattr(request.app.state, "feedback_gate", None)
    if gate is None:
        gate = request.app.state.feedback_gate = FloodGate(rules().per_minute)
    if not gate.allow(s, request.client.host if request.client else "?"):
        raise HTTPException(429, msg("feedback.flood"), headers={"Retry-After": "60"})
    begin_write(s)


def mailer(request: Request) -> Mailer:
    """The app's mailer (``app.state.mailer``), else SMTP as the environment sets it."""
    return getattr(request.app.state, "mailer", None) or SmtpMailer.from_env()


def _may_see(p: Principal, item: Feedback) -> bool:
    return p.visible is None or (item.unit_id is not None and item.unit_id in p.units)


def may(p: Principal, item: Feedback) -> dict[str, bool]:
    """What the user may do to the item now."""
    unit_member = _may_see(p, item)
    leader = p.role in (Role.LEADER, Role.ADMIN)
    return {
        "assign": p.can(Action.EDIT_TASK) and item.state in ("new", "assigned"),
        "draft": p.can(Action.REPORT) and unit_member and item.state in ("assigned", "drafted"),
        "approve": leader and item.state == "drafted",
        "publish": (leader or p.can(Action.PUBLISH)) and item.state == "answered",
    }


def _item(s: Session, p: Principal, code: str) -> Feedback:
    item = _by_code(s, code)
    if not _may_see(p, item):
        raise HTTPException(404, msg("feedback.not_found"))
    return item


def _allowed(p: Principal, item: Feedback, what: str) -> None:
    if not may(p, item)[what]:
        raise HTTPException(403, msg("feedback.forbidden"))


def _run(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except fs.FeedbackError as exc:
        raise HTTPException(422, str(exc)) from None


def _apply(s: Session, p: Principal, code: str, what: str, fn: Any, *args: Any) -> Feedback:
    """Do ``fn(s, item, user id, *args)`` to the item the user may see and may ``what``; commit."""
    item = _item(s, p, code)
    _allowed(p, item, what)
    _run(fn, s, item, p.user.id, *args)
    s.commit()
    return item


def _mail(s: Session, p: Principal, item: Feedback, m: Mailer) -> None:
    """Send the approved answer with no transaction open, then record the outcome."""
    outcome = fs.send_answer(item, m)
    begin_write(s)
    fs.record_mail(s, item, p.user.id, outcome)
    s.commit()


def _by_code(s: Session, code: str) -> Feedback:
    c = fs.normal_code(code)
    item = s.scalar(select(Feedback).where(Feedback.code == c)) if c else None
    if item is None:
        raise HTTPException(404, msg("feedback.not_found"))
    return item


# --- the citizen -----------------------------------------------------------------------------


def _form(
    request: Request, values: dict[str, Any], error: str | None = None, code: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    resp = page(request, "feedback_form.html", None, csrf=token, v=values, error=error, r=rules())
    resp.status_code = code
    resp.headers.update(NO_STORE)
    resp.set_cookie(
        CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.app.state.config.secure_cookies
    )
    return resp


@pages.get("/feedback/new")
def citizen_form(request: Request) -> HTMLResponse:
    return _form(request, {})


async def _uploads(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    out = []
    limit = rules().max_bytes
    for f in files:
        if not f.filename:
            continue
        data = await f.read(limit + 1)
        out.append((safe_filename(f.filename), data))
    return out


@pages.post("/feedback/new")
async def citizen_submit(
    request: Request,
    s: DB,
    subject: Annotated[str, Form()] = "",
    content: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "phan_anh",
    about_type: Annotated[str, Form()] = "",
    about: Annotated[str, Form()] = "",
    consent_public: Annotated[bool, Form()] = False,
    website: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    await run_in_threadpool(_flood, request, s)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not csrf or not cookie or not hmac.compare_digest(csrf, cookie):
        raise HTTPException(403, msg("feedback.csrf"))
    if website:
        raise HTTPException(400, msg("feedback.rejected"))
    sub = fs.Submission(subject, content, name, contact, address, kind, about_type, about, consent_public)
    try:
        checked = check_all(await _uploads(files or []))
        item = fs.submit(s, sub, checked, sv.today(request))
    except (fs.FeedbackError, AttachmentError) as exc:
        s.rollback()
        return _form(request, vars(sub), str(exc), 422)
    s.commit()
    resp = back(f"/feedback/status/{item.code}?new=1")
    resp.delete_cookie(CSRF_COOKIE)
    return resp


@pages.get("/feedback/status")
def status_lookup(request: Request, code: str = "") -> Response:
    if code.strip():
        c = fs.normal_code(code)
        if c:
            return back(f"/feedback/status/{c}")
    resp = page(request, "feedback_lookup.html", None, code=code, error=bool(code.strip()))
    resp.headers.update(NO_STORE)
    return resp


@pages.get("/feedback/status/{code}")
def status_page(request: Request, s: DB, code: str, new: bool = False) -> HTMLResponse:
    item = _by_code(s, code)
    view = fs.citizen_view(item, sv.today(request))
    resp = page(request, "feedback_status.html", None, item=item, view=view, new=new)
    resp.headers.update(NO_STORE)
    return resp


# --- the staff -------------------------------------------------------------------------------


@pages.get("/feedback")
def staff_list(
    request: Request, s: DB, p: Me, state: str | None = None, status: Status | None = None
) -> HTMLResponse:
    on = sv.today(request)
    items = list(s.scalars(fs.select_items(on, p.visible, state or None, status)))
    units, waiting = fs.counts(s, on, p.visible)

    soon = [(i, due_soon(i.due_on, i.answered_on, on)) for i in items]
    return page(
        request,
        "feedback_list.html",
        p,
        items=[(i, fs.status_of(i, on), lvl) for i, lvl in soon],
        units=units,
        totals=totals(units),
        waiting=waiting,
        state=state,
        status=status,
        states=fs.STATES,
    )


@pages.get("/feedback/export.xlsx")
def staff_export(request: Request, s: DB, p: Me) -> Response:
    on = sv.today(request)
    units, _ = fs.counts(s, on, p.visible)
    cats = rules().categories
    rows = []
    for i in s.scalars(fs.select_items(on, p.visible, limit=100_000)):
        st = fs.status_of(i, on)
        if st is None:
            continue
        label = cats[i.category].label if i.category else ""
        state = msg(f"feedback.state_{i.state}") + (" · " + msg("feedback.published") if i.public else "")
        rows.append(
            (i.code, i.unit.name if i.unit else "", label, i.subject, i.due_on, st, i.answered_on, state)
        )
    data = progress_report(msg("feedback.export_title"), on, units, rows)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="phan-anh-kien-nghi-{on.isoformat()}.xlsx"'},
    )


@pages.get("/feedback/items/{code}")
def staff_item(request: Request, s: DB, p: Me, code: str) -> HTMLResponse:
    item = _item(s, p, code)
    on = sv.today(request)
    resp = page(
        request,
        "feedback_item.html",
        p,
        item=item,
        st=fs.status_of(item, on),
        doc=fs.about_document(s, item),
        may=may(p, item),
        cats=rules().categories,
        units=sv.unit_choices(s),
        r=rules(),
    )
    resp.headers.update(NO_STORE)
    return resp


@pages.get("/feedback/items/{code}/files/{file_id}")
def staff_file(s: DB, p: Me, code: str, file_id: int) -> Response:
    item = _item(s, p, code)
    f = s.get(FeedbackFile, file_id)
    if f is None or f.feedback_id != item.id:
        raise HTTPException(404, msg("feedback.not_found"))
    return Response(
        f.data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(f.name)}",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@pages.post("/feedback/items/{code}/assign")
def staff_assign(
    s: DB,
    p: Me,
    code: str,
    category: Annotated[str, Form()],
    unit_id: Annotated[int, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(p, csrf)
    item = _apply(s, p, code, "assign", fs.assign, category, unit_id)
    return back(f"/feedback/items/{item.code}")


@pages.post("/feedback/items/{code}/draft")
def staff_draft(
    s: DB, p: Me, code: str, text: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(p, csrf)
    item = _apply(s, p, code, "draft", fs.write_draft, text)
    return back(f"/feedback/items/{item.code}")


@pages.post("/feedback/items/{code}/approve")
def staff_approve(
    request: Request,
    s: DB,
    p: Me,
    code: str,
    csrf: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "approve",
    public: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(p, csrf)
    if decision == "send_back":
        item = _apply(s, p, code, "approve", fs.send_back)
        return back(f"/feedback/items/{item.code}")
    item = _apply(s, p, code, "approve", fs.approve, sv.today(request))
    _mail(s, p, item, mailer(request))
    return back(f"/feedback/items/{item.code}/publish" if public else f"/feedback/items/{item.code}")


@pages.get("/feedback/items/{code}/publish")
def staff_publish_confirm(request: Request, s: DB, p: Me, code: str) -> HTMLResponse:
    item = _item(s, p, code)
    _allowed(p, item, "publish")
    subject, question, answer = fs.preview(item)
    resp = page(
        request, "feedback_confirm.html", p, item=item, subject=subject, question=question, answer=answer
    )
    resp.headers.update(NO_STORE)
    return resp


@pages.post("/feedback/items/{code}/publish")
def staff_publish(
    s: DB,
    p: Me,
    code: str,
    csrf: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(p, csrf)
    item = _item(s, p, code)
    _allowed(p, item, "publish")
    if confirm != "yes":
        return back(f"/feedback/items/{item.code}/publish")
    _run(fs.publish, s, item, p.user.id)
    s.commit()
    return back(f"/feedback/items/{item.code}")


@pages.post("/feedback/items/{code}/withdraw")
def staff_withdraw(s: DB, p: Me, code: str, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(p, csrf)
    item = _apply(s, p, code, "publish", fs.withdraw)
    return back(f"/feedback/items/{item.code}")


# --- the API ---------------------------------------------------------------------------------


class FileIn(BaseModel):
    name: str = Field(max_length=200)
    data_base64: str


@dataclass
class FeedbackIn(fs.Submission):
    """A submission, its attachments (base64) and the honeypot ``website`` (left empty by people)."""

    website: str = ""
    attachments: list[FileIn] = field(default_factory=list)


class AssignIn(BaseModel):
    category: str
    unit_id: int


class DraftIn(BaseModel):
    text: str


class ConfirmIn(BaseModel):
    confirm: bool = False


def _staff(request: Request, s: DB) -> Principal:
    p = from_bearer(request, s)
    if p is None:
        raise HTTPException(401, msg("feedback.need_token"), headers={"WWW-Authenticate": "Bearer"})
    return p


Staff = Annotated[Principal, Depends(_staff)]


def _decode(files: list[FileIn]) -> list[tuple[str, bytes]]:
    out = []
    for f in files:
        try:
            out.append((safe_filename(f.name), base64.b64decode(f.data_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise HTTPException(422, msg("feedback.bad_base64", name=f.name)) from None
    return out


@api.post("", status_code=201, summary="Gửi phản ánh, kiến nghị (không cần đăng nhập)")
def api_submit(request: Request, s: DB, body: FeedbackIn) -> JSONResponse:
    _flood(request, s)
    if body.website:
        raise HTTPException(400, msg("feedback.rejected"))
    sub = fs.Submission(**{f.name: getattr(body, f.name) for f in fields(fs.Submission)})
    try:
        checked: list[Checked] = check_all(_decode(body.attachments))
        item = fs.submit(s, sub, checked, sv.today(request))
    except (fs.FeedbackError, AttachmentError) as exc:
        raise HTTPException(422, str(exc)) from None
    s.commit()
    return JSONResponse(
        {"code": item.code, "status_url": f"/feedback/status/{item.code}"}, status_code=201, headers=NO_STORE
    )


@api.get("", summary="Danh sách phản ánh, kiến nghị (cán bộ)")
def api_list(
    request: Request,
    s: DB,
    p: Staff,
    state: str | None = None,
    status: Status | None = None,
    unit_id: int | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    on = sv.today(request)
    q = fs.select_items(on, p.visible, state, status, unit_id, max(1, min(limit, 1000)))
    return [fs.staff_view(i, on) for i in s.scalars(q)]


@api.get("/counts", summary="Số phản ánh, kiến nghị theo đơn vị và tình trạng")
def api_counts(request: Request, s: DB, p: Staff) -> dict[str, Any]:
    units, waiting = fs.counts(s, sv.today(request), p.visible)
    return {
        "waiting": waiting,
        "units": [
            {"unit_id": u.unit_id, "name": u.name, **{k.value: v for k, v in u.counts.items()}} for u in units
        ],
    }


@api.get("/{code}", summary="Tình trạng một phản ánh, kiến nghị theo mã theo dõi")
def api_status(request: Request, s: DB, code: str) -> JSONResponse:
    item = _by_code(s, code)
    on = sv.today(request)
    p = from_bearer(request, s)
    view = fs.staff_view(item, on) if p is not None and _may_see(p, item) else fs.citizen_view(item, on)
    return JSONResponse(view, headers=NO_STORE)


@api.post("/{code}/assign", summary="Phân loại, giao đơn vị (văn thư)")
def api_assign(request: Request, s: DB, p: Staff, code: str, body: AssignIn) -> dict[str, Any]:
    item = _apply(s, p, code, "assign", fs.assign, body.category, body.unit_id)
    return fs.staff_view(item, sv.today(request))


@api.post("/{code}/draft", summary="Dự thảo trả lời (đơn vị)")
def api_draft(request: Request, s: DB, p: Staff, code: str, body: DraftIn) -> dict[str, Any]:
    item = _apply(s, p, code, "draft", fs.write_draft, body.text)
    return fs.staff_view(item, sv.today(request))


@api.post("/{code}/approve", summary="Duyệt và gửi trả lời (lãnh đạo)")
def api_approve(request: Request, s: DB, p: Staff, code: str) -> dict[str, Any]:
    item = _apply(s, p, code, "approve", fs.approve, sv.today(request))
    _mail(s, p, item, mailer(request))
    return fs.staff_view(item, sv.today(request))


@api.post("/{code}/publish", summary="Công khai trả lời (cần xác nhận: confirm = true)")
def api_publish(request: Request, s: DB, p: Staff, code: str, body: ConfirmIn) -> dict[str, Any]:
    item = _item(s, p, code)
    _allowed(p, item, "publish")
    if not body.confirm:
        subject, question, answer = fs.preview(item)
        raise HTTPException(
            409,
            {
                "message": msg("feedback.confirm_needed"),
                "subject": subject,
                "question": question,
                "answer": answer,
            },
        )
    _run(fs.publish, s, item, p.user.id)
    s.commit()
    return fs.staff_view(item, sv.today(request))


@api.post("/{code}/withdraw", summary="Ngừng công khai")
def api_withdraw(request: Request, s: DB, p: Staff, code: str) -> dict[str, Any]:
    return fs.staff_view(_apply(s, p, code, "publish", fs.withdraw), sv.today(request))


router = APIRouter()
router.include_router(pages)
router.include_router(api)
