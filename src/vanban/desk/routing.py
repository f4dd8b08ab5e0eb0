"""Routing an incoming document: the clerk sends it to a leader, the leader writes the ý kiến
chỉ đạo and assigns a lead unit, coordinating units and a deadline (phiếu giải quyết), which
become confirmed tasks. Every step is kept as a hand-over on the document's trail."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..messages import msg
from ..store.models import DocumentRow
from ..track import audit, service
from ..track.models import Task, Unit, User
from ..track.roles import Role
from ..track.tracker import ROLES
from . import DeskError
from .models import INCOMING, Handover
from .notify import notify, unit_members
from .outbox import queue
from .registers import entry_of

__all__ = ["DIRECTORS", "create_tasks", "direct", "inbox", "send_to_leader", "trail"]

DIRECTORS = frozenset({Role.LEADER, Role.ADMIN})  # who may direct a document
SENDERS = frozenset({Role.CLERK, Role.ADMIN})  # who registers and routes


def _number(doc: DocumentRow) -> str:
    return doc.number or f"#{doc.id}"


def send_to_leader(s: Session, doc: DocumentRow, leader: User, by: User, note: str = "") -> Handover:
    """Hand a registered document to ``leader`` for direction; the leader is notified."""
    if entry_of(s, doc.id, INCOMING) is None:
        raise DeskError(msg("desk.not_registered"))
    if Role(leader.role) not in DIRECTORS:
        raise DeskError(msg("desk.not_leader"))
    h = Handover(
        document_id=doc.id,
        action="send",
        from_user_id=by.id,
        to_user_id=leader.id,
        note=note or msg("desk.trail.sent"),
    )
    s.add(h)
    s.flush()
    notify(
        s,
        leader.id,
        f"sent:{h.id}",
        msg("desk.notify.sent", number=_number(doc), subject=doc.subject or ""),
        document_id=doc.id,
    )
    return h


def create_tasks(
    s: Session,
    doc: DocumentRow,
    units: list[tuple[Unit, str]],
    *,
    action: str,
    deadline: dt.date | None,
    user_id: int | None,
) -> list[Task]:
    """The tracking step for directed work: one confirmed task per (unit, role), no second
    confirmation. The one place routing calls into ``vanban.track``."""
    return [
        service.assign(s, doc, unit, role=role, deadline=deadline, note=action, user_id=user_id)
        for unit, role in units
    ]


def direct(
    s: Session,
    doc: DocumentRow,
    leader: User,
    *,
    opinion: str,
    lead_unit_id: int,
    coordinate_ids: list[int],
    deadline: dt.date | None,
) -> list[Task]:
    """The leader's phiếu giải quyết: the opinion, the lead and coordinating units and the
    deadline; creates their tasks, notifies their members, queues the status packet 04."""
    if Role(leader.role) not in DIRECTORS:
        raise DeskError(msg("desk.not_leader"))
    lead = s.get(Unit, lead_unit_id)
    if lead is None:
        raise DeskError(msg("desk.no_lead_unit"))
    pairs: list[tuple[Unit, str]] = [(lead, "lead")]
    for uid in dict.fromkeys(coordinate_ids):
        u = s.get(Unit, uid)
        if u is None:
            raise DeskError(msg("desk.unknown_unit", id=uid))
        if uid != lead.id:
            pairs.append((u, "coordinate"))
    action = opinion.strip() or (doc.subject or "")
    detail = {
        "lead": lead.id,
        "coordinate": [u.id for u, r in pairs if r == "coordinate"],
        "deadline": deadline.isoformat() if deadline else None,
    }
    s.add(
        Handover(
            document_id=doc.id,
            action="direct",
            from_user_id=leader.id,
            to_unit_id=lead.id,
            note=msg("desk.trail.directed", opinion=action),
            detail=detail,
        )
    )
    tasks = create_tasks(s, doc, pairs, action=action, deadline=deadline, user_id=leader.id)
    when = deadline.strftime("%d/%m/%Y") if deadline else msg("desk.notify.no_deadline")
    for task in tasks:
        unit = s.get(Unit, task.unit_id) if task.unit_id else None
        s.add(
            Handover(
                document_id=doc.id,
                action="assign",
                from_user_id=leader.id,
                to_unit_id=task.unit_id,
                task_id=task.id,
                note=msg(
                    "desk.trail.assigned",
                    role=ROLES[task.role].lower(),
                    unit=unit.name if unit else "",
                    deadline=when,
                ),
            )
        )
        for u in unit_members(s, task.unit_id):
            notify(
                s,
                u.id,
                f"assigned:{task.id}",
                msg("desk.notify.assigned", number=_number(doc), action=action, deadline=when),
                task_id=task.id,
                document_id=doc.id,
            )
    queue(s, doc, "04", staff=leader.full_name, note=action)
    audit.log(s, leader.id, "direct", "document", doc.id, None, detail)
    return tasks


def trail(s: Session, document_id: int) -> list[Handover]:
    """Every hand-over of a document, oldest first."""
    return list(
        s.scalars(
            select(Handover).where(Handover.document_id == document_id).order_by(Handover.at, Handover.id)
        )
    )


def inbox(s: Session, user_id: int) -> list[DocumentRow]:
    """Documents sent to the leader ``user_id`` and not directed since."""
    sent = s.execute(
        select(Handover.document_id, func.max(Handover.at))
        .where(Handover.action == "send", Handover.to_user_id == user_id)
        .group_by(Handover.document_id)
    ).all()
    out = []
    for doc_id, at in sent:
        later = s.scalar(
            select(Handover.id)
            .where(Handover.document_id == doc_id, Handover.action == "direct", Handover.at >= at)
            .limit(1)
        )
        d = s.get(DocumentRow, doc_id)
        if later is None and d is not None and d.deleted_at is None:
            out.append(d)
    return out
