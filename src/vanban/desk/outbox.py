"""edXML status packets the desk produces (01 đã đến, 03 đã tiếp nhận, 04 phân công, 06 hoàn
thành), kept until they are handed to the exchange hub (``vanban edxml-status --pending``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..exchange import build_status, reference_of
from ..store.models import DocumentRow
from ..track.models import Task, utcnow
from ..track.tracker import document_of
from .models import Outbox
from .settings import organ

__all__ = ["pending", "queue"]


def queue(s: Session, doc: DocumentRow, code: str, staff: str = "", note: str = "") -> Outbox | None:
    """Queue the status ``code`` for ``doc`` once (a document answers each status once)."""
    rec = document_of(doc)
    if rec is None or rec.number is None:
        return None
    found = s.scalar(select(Outbox).where(Outbox.document_id == doc.id, Outbox.code == code))
    if found is not None:
        return found
    packet = build_status(code, reference_of(rec), organ(), description=note, staff=staff, at=utcnow())
    row = Outbox(document_id=doc.id, code=code, packet=packet.decode("utf-8"))
    with s.begin_nested():
        s.add(row)
    return row


def completed_documents(s: Session) -> list[DocumentRow]:
    """Documents directed here (status 04) whose tasks are all complete and have no 06 yet."""
    open_task = exists().where(Task.document_id == Outbox.document_id, Task.completed_on.is_(None))
    any_task = exists().where(Task.document_id == Outbox.document_id)
    done_06 = select(Outbox.document_id).where(Outbox.code == "06")
    ids = s.scalars(
        select(Outbox.document_id).where(
            Outbox.code == "04", any_task, ~open_task, Outbox.document_id.not_in(done_06)
        )
    ).all()
    return [d for d in (s.get(DocumentRow, i) for i in ids) if d is not None]


def pending(s: Session, mark: bool = False) -> list[Outbox]:
    """Status packets not yet handed over (06 queued first for completed documents); ``mark``
    records them as handed over now."""
    for doc in completed_documents(s):
        queue(s, doc, "06")
    rows = list(s.scalars(select(Outbox).where(Outbox.exported_at.is_(None)).order_by(Outbox.id)))
    if mark:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for r in rows:
            r.exported_at = now
    return rows
