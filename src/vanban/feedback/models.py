"""The feedback tables, on the archive's shared ``Base``: items (phản ánh, kiến nghị), their
attachments, and the units commended (biểu dương) on a published directive page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..store.db import Base
from ..track.models import Unit, utcnow


class Feedback(Base):
    """One phản ánh or kiến nghị, from intake to the published answer.

    ``state``: ``new`` (received), ``assigned`` (classified, a unit and due date set),
    ``drafted`` (the unit's draft waits for the leader), ``answered`` (approved and sent; the
    item is then complete on ``answered_on``). The tracking status (on time, late, open, overdue)
    comes from ``due_on`` and ``answered_on`` like a task's.
    """

    __tablename__ = "feedback_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="phan_anh")  # phan_anh | kien_nghi
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    about_type: Mapped[str] = mapped_column(String(12), default="")  # procedure | unit | document
    about: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    consent_public: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12), default="new", index=True)
    category: Mapped[str | None] = mapped_column(String(12))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    draft: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    mail_status: Mapped[str] = mapped_column(String(12), default="")  # sent | failed | none
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    pub_slug: Mapped[str | None] = mapped_column(String(32), unique=True)
    pub_subject: Mapped[str] = mapped_column(String(300), default="")
    pub_question: Mapped[str] = mapped_column(Text, default="")
    pub_answer: Mapped[str] = mapped_column(Text, default="")
    pub_search: Mapped[str] = mapped_column(Text, default="")  # folded, for the public search
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    unit: Mapped[Unit | None] = relationship()
    files: Mapped[list[FeedbackFile]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="FeedbackFile.id"
    )


class FeedbackFile(Base):
    """An attachment, checked by its leading bytes, kept in the database (a few MB at most)."""

    __tablename__ = "feedback_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    item: Mapped[Feedback] = relationship(back_populates="files")


class Commendation(Base):
    """A unit marked for commendation (biểu dương) on a directive's public page."""

    __tablename__ = "commendations"
    __table_args__ = (UniqueConstraint("directive_key", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_key: Mapped[str] = mapped_column(String(400), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
