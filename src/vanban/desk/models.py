"""The desk's tables (migration ``desk_0001``): registers and their entries, the trail of
hand-overs, notifications and the mails that carried them, e-mail addresses, and the edXML
status packets waiting for the exchange hub."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..store.db import Base
from ..track.models import utcnow

INCOMING, OUTGOING = "in", "out"


class Register(Base):
    """Sổ đăng ký văn bản đến (``in``) or đi (``out``) of one organisation for one year.

    ``last_number`` is the last number given: the next entry takes ``last_number + 1`` in the
    same statement that raises it, so numbers follow each other under concurrent clerks.
    """

    __tablename__ = "desk_registers"
    __table_args__ = (UniqueConstraint("org_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(Integer, default=0)  # a unit's id; 0: this organisation
    kind: Mapped[str] = mapped_column(String(4))
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Entry(Base):
    """One line of a register (NĐ 30/2020 Phụ lục IV columns)."""

    __tablename__ = "desk_entries"
    __table_args__ = (UniqueConstraint("register_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("desk_registers.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # số đến / số đi
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # ngày giờ đến / ngày chuyển
    sender: Mapped[str] = mapped_column(Text, default="")  # tác giả (incoming)
    doc_number: Mapped[str] = mapped_column(String(200), default="")  # số, ký hiệu
    doc_date: Mapped[dt.date | None] = mapped_column(Date)
    doc_type: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    signer: Mapped[str] = mapped_column(String(200), default="")
    recipient: Mapped[str] = mapped_column(Text, default="")  # đơn vị/người nhận; nơi nhận (outgoing)
    channel: Mapped[str] = mapped_column(String(40), default="")
    urgency: Mapped[str] = mapped_column(String(40), default="")
    secrecy: Mapped[str] = mapped_column(String(40), default="")
    copies: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date)  # thời hạn giải quyết
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)  # a number given and withdrawn stays used
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    register: Mapped[Register] = relationship()


class Handover(Base):
    """One step in a document's trail: registered, sent to a leader, directed, chased…"""

    __tablename__ = "desk_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # register, send, direct, chase, complete
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the phiếu: lead, coordinate, deadline


class Contact(Base):
    """A user's e-mail address for reminders."""

    __tablename__ = "desk_contacts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(200))


class Notification(Base):
    """A message in a user's in-app inbox; ``event`` names what it is about, once per user."""

    __tablename__ = "desk_notifications"
    __table_args__ = (UniqueConstraint("user_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(120))  # due3:task 12:2026-01-05, chase:7
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("desk_mails.id", ondelete="SET NULL"))


class Mail(Base):
    """An e-mail sent: the day's digest (one per user and day) or a chase."""

    __tablename__ = "desk_mails"
    __table_args__ = (UniqueConstraint("user_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # digest, chase
    key: Mapped[str] = mapped_column(String(40))  # the day (digest) or the chase's id
    to: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Outbox(Base):
    """An edXML status packet produced by the desk, waiting to be handed to the exchange hub."""

    __tablename__ = "desk_outbox"
    __table_args__ = (UniqueConstraint("document_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    packet: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
