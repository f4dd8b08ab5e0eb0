"""The clerk's desk in the web app: registering a document (the clerk confirms an entry filled
from its record and metadata), sending it to a leader, the leader's phiếu giải quyết, the trail,
the registers with their XLSX print, notifications, đôn đốc, and the edXML download.

Pages under ``/documents/{id}/desk``, ``/registers``, ``/notifications``; the REST API under
``/api/v1/registers`` and ``/api/v1/notifications``. The reminder scheduler starts with the app
(``VANBAN_SCHEDULER=0`` turns it off)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..desk import DeskError, notify, registers, routing
from ..desk.models import INCOMING, OUTGOING, Entry, Handover, Notification
from ..desk.outbox import queue
from ..desk.settings import smtp
from ..exchange import export_archived
from ..messages import msg
from ..model import Document
from ..store.models import DocumentRow
from ..track.models import Task, Unit, User
from ..track.roles import Role
from ..track.tracker import document_of
from . import services as sv
from .api import api_user
from .deps import db
from .pages import Me, _doc, back, page
from .security import Principal, check_csrf

router = APIRouter()
DB = Annotated[Session, Depends(db)]
log = logging.getLogger(__name__)


def _need(p: Principal, roles: frozenset[Role]) -> None:
    if p.role not in roles:
        raise HTTPException(403, msg("desk.not_allowed"))


def _day(value: str | None, default: dt.date | None = None) -> dt.date | None:
    """A date from a form: ``yyyy-mm-dd`` (date inputs) or ``dd/mm/yyyy``."""
    value = (value or "").strip()
    if not value:
        return default
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise HTTPException(422, msg("desk.bad_date", value=value))


# --- the document's desk ------------------------------------------------------------------


def _desk_view(s: Session, d: DocumentRow, p: Principal, now: dt.datetime) -> dict[str, Any]:
    entry = registers.entry_of(s, d.id, INCOMING)
    users = {u.id: u for u in s.scalars(select(User))}
    units = {u.id: u for u in s.scalars(select(Unit).where(Unit.kind != "group").order_by(Unit.name))}
    leaders = [u for u in users.values() if Role(u.role) in routing.DIRECTORS and u.active]
    return {
        "doc": d,
        "entry": entry,
        "out_entry": registers.entry_of(s, d.id, OUTGOING),
        "draft": registers.draft_from_document(d, INCOMING, now) if entry is None else None,
        "trail": routing.trail(s, d.id),
        "users": users,
        "units": units,
        "leaders": leaders,
        "tasks": list(s.scalars(select(Task).where(Task.document_id == d.id).order_by(Task.id))),
        "can_register": p.role in routing.SENDERS,
        "can_direct": p.role in routing.DIRECTORS,
        "channels": [msg(f"desk.channel.{k}") for k in ("edxml", "eoffice", "paper", "email")],
    }


@router.get("/documents/{doc_id}/desk", include_in_schema=False)
def desk_page(request: Request, s: DB, p: Me, doc_id: int) -> HTMLResponse:
    d = _doc(s, doc_id)
    return page(request, "desk.html", p, **_desk_view(s, d, p, dt.datetime.now()))


class EntryIn(BaseModel):
    """The clerk's corrections to the entry filled from the record (blank: keep the filled value)."""

    at: dt.datetime | None = None
    sender: str | None = None
    doc_number: str | None = None
    doc_date: dt.date | None = None
    subject: str | None = None
    channel: str | None = None
    urgency: str | None = None
    secrecy: str | None = None
    deadline: dt.date | None = None
    note: str | None = None


def _register(s: Session, p: Principal, d: DocumentRow | None, given: EntryIn, kind: str = INCOMING) -> Entry:
    """Register ``d`` (or, outgoing, a number for a document not archived yet) with the clerk's
    corrections to the entry filled from its record; an incoming document queues 01 and 03."""
    _need(p, routing.SENDERS)
    found = registers.entry_of(s, d.id, kind) if d is not None else None
    if found is not None:
        raise HTTPException(409, msg("desk.already_registered", number=found.number))
    draft = registers.draft_from_document(d, kind) if d is not None else registers.Draft(kind=kind)
    for key, value in given.model_dump(exclude_none=True).items():
        setattr(draft, key, value.strip() if isinstance(value, str) else value)
    e = registers.register(s, draft, p.user.id)
    if d is not None and kind == INCOMING:
        queue(s, d, "01", staff=p.user.full_name)
        queue(s, d, "03", staff=p.user.full_name)
    s.commit()
    return e


def _send(s: Session, p: Principal, d: DocumentRow, leader_id: int, note: str) -> None:
    _need(p, routing.SENDERS)
    leader = s.get(User, leader_id)
    if leader is None:
        raise HTTPException(422, msg("desk.no_leader"))
    try:
        routing.send_to_leader(s, d, leader, p.user, note.strip())
    except DeskError as exc:
        raise HTTPException(409, str(exc)) from None
    s.commit()


class DirectionIn(BaseModel):
    """The phiếu giải quyết: the leader's opinion, lead and coordinating units, deadline."""

    opinion: str = ""
    lead_unit_id: int
    coordinate_ids: list[int] = []
    deadline: dt.date | None = None


def _direct(s: Session, p: Principal, d: DocumentRow, phieu: DirectionIn) -> list[Task]:
    _need(p, routing.DIRECTORS)
    try:
        tasks = routing.direct(
            s,
            d,
            p.user,
            opinion=phieu.opinion,
            lead_unit_id=phieu.lead_unit_id,
            coordinate_ids=phieu.coordinate_ids,
            deadline=phieu.deadline,
        )
    except DeskError as exc:
        raise HTTPException(422, str(exc)) from None
    s.commit()
    return tasks


@router.post("/documents/{doc_id}/desk/register", include_in_schema=False)
def desk_register(
    s: DB,
    p: Me,
    doc_id: int,
    csrf: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = INCOMING,
    at: Annotated[str, Form()] = "",
    sender: Annotated[str, Form()] = "",
    doc_number: Annotated[str, Form()] = "",
    doc_date: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "",
    secrecy: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(p, csrf)
    try:
        when = dt.datetime.fromisoformat(at) if at else None
    except ValueError:
        raise HTTPException(422, msg("desk.bad_date", value=at)) from None
    texts = {
        "sender": sender,
        "doc_number": doc_number,
        "subject": subject,
        "channel": channel,
        "urgency": urgency,
        "secrecy": secrecy,
        "note": note,
    }
    given = EntryIn(  # a blank field keeps the value filled from the record
        at=when,
        doc_date=_day(doc_date),
        deadline=_day(deadline),
        **{k: v for k, v in texts.items() if v.strip()},
    )
    _register(s, p, _doc(s, doc_id), given, _kind(kind))
    return back(f"/documents/{doc_id}/desk")


@router.post("/documents/{doc_id}/desk/send", include_in_schema=False)
def desk_send(
    s: DB,
    p: Me,
    doc_id: int,
    csrf: Annotated[str, Form()] = "",
    leader_id: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(p, csrf)
    _send(s, p, _doc(s, doc_id), leader_id, note)
    return back(f"/documents/{doc_id}/desk")


@router.post("/documents/{doc_id}/desk/direct", include_in_schema=False)
async def desk_direct(request: Request, s: DB, p: Me, doc_id: int) -> Response:
    form = await request.form()
    check_csrf(p, str(form.get("csrf", "")))
    _need(p, routing.DIRECTORS)
    try:
        phieu = DirectionIn(
            opinion=str(form.get("opinion", "")),
            lead_unit_id=int(str(form.get("lead_unit_id") or 0)),
            coordinate_ids=[int(str(v)) for v in form.getlist("coordinate_ids") if str(v).strip()],
            deadline=_day(str(form.get("deadline", ""))),
        )
    except ValueError:
        raise HTTPException(422, msg("desk.no_lead_unit")) from None
    _direct(s, p, _doc(s, doc_id), phieu)
    return back(f"/documents/{doc_id}/desk")


@router.post("/tasks/{task_id}/chase", include_in_schema=False)
def task_chase(
    s: DB, p: Me, task_id: int, csrf: Annotated[str, Form()] = "", note: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(p, csrf)
    _need(p, routing.SENDERS | routing.DIRECTORS)
    t = sv.visible_task(s, p, task_id)
    notify.chase(s, t, p.user, smtp(), note.strip())
    return back(f"/documents/{t.document_id}/desk#trail")


@router.get("/documents/{doc_id}/edxml", include_in_schema=False)
def edxml_download(request: Request, s: DB, p: Me, doc_id: int) -> Response:
    d = _doc(s, doc_id)
    if not d.number:
        raise HTTPException(409, msg("edxml.no_number"))
    data = export_archived(document_of(d) or Document(text=""), sv.archive(request).original(doc_id))
    name = f"{d.number.replace('/', '_')}.edxml"
    return Response(
        data,
        media_type="application/xml",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


# --- registers ------------------------------------------------------------------------------


def _range(request: Request, start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    today = sv.today(request)
    a = _day(start, today.replace(day=1)) or today
    b = _day(end, today) or today
    if b < a:
        raise HTTPException(
            422, msg("desk.bad_range", start=a.strftime("%d/%m/%Y"), end=b.strftime("%d/%m/%Y"))
        )
    return a, b


def _kind(kind: str) -> str:
    if kind not in (INCOMING, OUTGOING):
        raise HTTPException(404, msg("desk.not_found"))
    return kind


@router.get("/registers", include_in_schema=False)
def registers_page(
    request: Request, s: DB, p: Me, kind: str = INCOMING, start: str | None = None, end: str | None = None
) -> HTMLResponse:
    _need(p, routing.SENDERS | routing.DIRECTORS)
    a, b = _range(request, start, end)
    rows = registers.entries(s, _kind(kind), a, b)
    return page(
        request,
        "registers.html",
        p,
        kind=kind,
        start=a,
        end=b,
        columns=registers.columns(kind),
        rows=[(e, registers.row(e, kind)) for e in rows],
        title=msg(f"desk.register.{kind}", year=a.year),
    )


@router.get("/registers.xlsx", include_in_schema=False)
def registers_xlsx(
    request: Request, s: DB, p: Me, kind: str = INCOMING, start: str | None = None, end: str | None = None
) -> Response:
    _need(p, routing.SENDERS | routing.DIRECTORS)
    a, b = _range(request, start, end)
    data = registers.xlsx(registers.entries(s, _kind(kind), a, b), kind, a, b)
    name = f"so-van-ban-{'den' if kind == INCOMING else 'di'}-{a:%Y%m%d}-{b:%Y%m%d}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- notifications --------------------------------------------------------------------------


@router.get("/notifications", include_in_schema=False)
def notifications_page(request: Request, s: DB, p: Me) -> HTMLResponse:
    rows = list(
        s.scalars(
            select(Notification)
            .where(Notification.user_id == p.user.id)
            .order_by(Notification.id.desc())
            .limit(200)
        )
    )
    inbox = routing.inbox(s, p.user.id) if p.role in routing.DIRECTORS else []
    return page(request, "notifications.html", p, rows=rows, inbox=inbox)


@router.post("/notifications/read", include_in_schema=False)
def notifications_read(s: DB, p: Me, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(p, csrf)
    s.execute(
        update(Notification)
        .where(Notification.user_id == p.user.id, Notification.read_at.is_(None))
        .values(read_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    )
    s.commit()
    return back("/notifications")


# --- REST API -------------------------------------------------------------------------------


ApiUser = Annotated[Principal, Depends(api_user)]


def _entry_json(e: Entry) -> dict[str, Any]:
    return {
        "number": e.number,
        "document_id": e.document_id,
        "at": e.at.isoformat(),
        "sender": e.sender,
        "doc_number": e.doc_number,
        "doc_date": e.doc_date.isoformat() if e.doc_date else None,
        "doc_type": e.doc_type,
        "subject": e.subject,
        "channel": e.channel,
        "urgency": e.urgency,
        "secrecy": e.secrecy,
        "deadline": e.deadline.isoformat() if e.deadline else None,
        "cancelled": e.cancelled,
        "note": e.note,
    }


@router.get("/api/v1/registers/{kind}", tags=["desk"])
def api_register(
    request: Request, s: DB, p: ApiUser, kind: str, start: str | None = None, end: str | None = None
) -> dict[str, Any]:
    """A register's entries for a date range (default: this month)."""
    _need(p, routing.SENDERS | routing.DIRECTORS)
    a, b = _range(request, start, end)
    return {
        "kind": _kind(kind),
        "start": a.isoformat(),
        "end": b.isoformat(),
        "entries": [_entry_json(e) for e in registers.entries(s, kind, a, b)],
    }


def _api_doc(s: Session, p: Principal, doc_id: int) -> DocumentRow:
    _need(p, routing.SENDERS | routing.DIRECTORS)
    return _doc(s, doc_id)


@router.post("/api/v1/documents/{doc_id}/register", tags=["desk"], status_code=201)
def api_register_document(
    s: DB, p: ApiUser, doc_id: int, given: EntryIn, kind: str = INCOMING
) -> dict[str, Any]:
    """Register a document in the incoming (``kind=in``) or outgoing (``out``) register, the
    entry filled from its record and metadata, with these corrections; its number."""
    return _entry_json(_register(s, p, _api_doc(s, p, doc_id), given, _kind(kind)))


@router.post("/api/v1/registers/out", tags=["desk"], status_code=201)
def api_take_number(s: DB, p: ApiUser, given: EntryIn) -> dict[str, Any]:
    """Take the next outgoing number (số đi) for a document about to be issued."""
    return _entry_json(_register(s, p, None, given, OUTGOING))


class SendIn(BaseModel):
    """To which leader, with what note."""

    leader_id: int
    note: str = ""


@router.post("/api/v1/documents/{doc_id}/send", tags=["desk"])
def api_send(s: DB, p: ApiUser, doc_id: int, body: SendIn) -> dict[str, Any]:
    """Send a registered document to a leader for direction."""
    _send(s, p, _api_doc(s, p, doc_id), body.leader_id, body.note)
    return {"ok": True}


@router.post("/api/v1/documents/{doc_id}/direct", tags=["desk"], status_code=201)
def api_direct(s: DB, p: ApiUser, doc_id: int, phieu: DirectionIn) -> list[dict[str, Any]]:
    """The leader's phiếu giải quyết; the tasks it creates."""
    tasks = _direct(s, p, _api_doc(s, p, doc_id), phieu)
    return [
        {
            "id": t.id,
            "unit_id": t.unit_id,
            "role": t.role,
            "deadline": t.deadline.isoformat() if t.deadline else None,
        }
        for t in tasks
    ]


@router.get("/api/v1/documents/{doc_id}/trail", tags=["desk"])
def api_trail(s: DB, p: ApiUser, doc_id: int) -> list[dict[str, Any]]:
    """The document's hand-overs, oldest first: who, to whom, when, with what note."""
    rows: list[Handover] = routing.trail(s, _api_doc(s, p, doc_id).id)
    return [
        {
            "at": h.at.isoformat(),
            "action": h.action,
            "from_user_id": h.from_user_id,
            "to_user_id": h.to_user_id,
            "to_unit_id": h.to_unit_id,
            "task_id": h.task_id,
            "note": h.note,
            "detail": h.detail,
        }
        for h in rows
    ]


@router.get("/api/v1/notifications", tags=["desk"])
def api_notifications(s: DB, p: ApiUser) -> list[dict[str, Any]]:
    """The user's notifications, newest first."""
    rows = s.scalars(
        select(Notification)
        .where(Notification.user_id == p.user.id)
        .order_by(Notification.id.desc())
        .limit(200)
    )
    return [
        {
            "id": n.id,
            "event": n.event,
            "message": n.message,
            "task_id": n.task_id,
            "document_id": n.document_id,
            "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None,
        }
        for n in rows
    ]


# --- the scheduler --------------------------------------------------------------------------

_CHECK_SECONDS = 600.0  # how often the scheduler looks whether today's run has happened


def _scheduler(app: Any, stop: threading.Event) -> None:
    from ..desk.notify import remind, send_digests

    done: dt.date | None = None
    while not stop.is_set():
        today = app.state.config.today()
        if done != today:
            try:
                with app.state.archive.Session() as s:
                    remind(s, today)
                    s.commit()
                    send_digests(s, smtp(), today)
                done = today
            except Exception:  # a database or mail failure must not end the scheduler
                log.exception("reminder run failed")
        stop.wait(_CHECK_SECONDS)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """The app's lifespan: the daily reminder run in a background thread while the app serves
    (unless ``VANBAN_SCHEDULER=0``)."""
    stop = threading.Event()
    if os.environ.get("VANBAN_SCHEDULER", "1") != "0":
        threading.Thread(target=_scheduler, args=(app, stop), name="vanban-reminders", daemon=True).start()
    try:
        yield
    finally:
        stop.set()
