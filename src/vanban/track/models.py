"""The tracking tables, on the archive's shared ``Base``: units and their aliases, users and
their sessions and API tokens, tasks (one per unit, per period, per assignment of a document),
reports back, published directives and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..store.db import Base

DUE_ORDER = "coalesce(deadline, '9999-12-31')"  # tasks without a deadline last


def utcnow() -> dt.datetime:
    """Now, in UTC (naive, as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Unit(Base):
    """An organisation that receives tasks: a Sở, a phòng, a district, a Party committee…

    ``kind`` is ``state``, ``party`` or ``group`` (a collective addressee such as "Các Sở, ban,
    ngành" whose members are listed in ``unit_members``).
    """

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="state")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    own: Mapped[bool] = mapped_column(Boolean, default=False)  # in the tracker's organisation
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    aliases: Mapped[list[UnitAlias]] = relationship(back_populates="unit", cascade="all, delete-orphan")


class UnitAlias(Base):
    """Another name of a unit (``Sở TT&TT``), matched by its canonical key."""

    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class UnitMember(Base):
    """Membership of a unit in a collective group unit."""

    __tablename__ = "unit_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)


class User(Base):
    """A person who signs in; belongs to a unit; has one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class UserSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class ApiToken(Base):
    """A bearer token for the REST API (SHA-256 stored; the token is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Task(Base):
    """One unit's share of one assignment of a document, for one period when it recurs.

    ``task_index`` is the assignment's index in the parsed document's ``tasks``; the span is
    the assignment's passage in the document text. ``completed_on`` is set by a final report;
    the status is computed from it and ``deadline`` (see ``vanban.track.status``).
    """

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    task_index: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    assignee: Mapped[str] = mapped_column(String(300))  # as printed in the document
    via_group_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(12), default="execute")  # lead, coordinate, execute
    action: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    deadline_text: Mapped[str | None] = mapped_column(String(200))
    recurrence: Mapped[str | None] = mapped_column(String(12))
    period: Mapped[str | None] = mapped_column(String(40))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    # The lists' order ``coalesce(deadline, '9999-12-31'), id`` (migration track_0002).
    __table_args__ = (
        Index("ix_tasks_due_order", text(DUE_ORDER), "id"),
        Index("ix_tasks_unit_due_order", "unit_id", text(DUE_ORDER), "id"),
        Index("ix_tasks_open_due_order", "completed_on", text(DUE_ORDER), "id"),
        Index("ix_tasks_unit_status", "unit_id", "deadline", "completed_on", "confirmed_at"),
    )

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    reports: Mapped[list[Report]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Report.id"
    )


class TrackedDocument(Base):
    """A document the tracking step has run on, and the assignments it addresses to bodies
    outside the tracker's organisation (``[{"index", "names"}]``: no task, listed on its page)."""

    __tablename__ = "tracked_documents"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    tracked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    elsewhere: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class Report(Base):
    """Progress recorded by a unit on a task, with its report document when attached."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    final: Mapped[bool] = mapped_column(Boolean, default=False)  # the task is done
    reported_on: Mapped[dt.date] = mapped_column(Date)
    auto: Mapped[bool] = mapped_column(Boolean, default=False)  # linked because it cites the document
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    task: Mapped[Task] = relationship(back_populates="reports")


class PublishedDirective(Base):
    """A directive whose implementation results are open to the public (opt-in)."""

    __tablename__ = "published_directives"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_key: Mapped[str] = mapped_column(String(400), unique=True)  # citation key, without @year
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """One change: who, what, when, the row before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
