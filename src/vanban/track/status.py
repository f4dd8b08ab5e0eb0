"""Task status, computed from dates and never stored: the four categories official progress
reports use (đã hoàn thành đúng hạn / quá hạn; chưa hoàn thành trong hạn / quá hạn) and the
"due soon" warnings 7, 3 and 1 days before the deadline.

A task without a deadline is never late. A task completed on its deadline day is on time.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, literal, or_


class Status(StrEnum):
    """The four statuses of a tracked task."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN = "open"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        """Vietnamese label, as printed in a Báo cáo tình hình thực hiện nhiệm vụ."""
        return LABELS[self]


LABELS: dict[Status, str] = {
    Status.DONE_ON_TIME: "Đã hoàn thành đúng hạn",
    Status.DONE_LATE: "Đã hoàn thành quá hạn",
    Status.OPEN: "Chưa hoàn thành, trong hạn",
    Status.OVERDUE: "Chưa hoàn thành, quá hạn",
}

DUE_SOON_DAYS: tuple[int, ...] = (1, 3, 7)


def status(deadline: dt.date | None, completed_on: dt.date | None, today: dt.date) -> Status:
    """The status of a task due on ``deadline`` and completed on ``completed_on`` (or not), on ``today``."""
    if completed_on is not None:
        if deadline is None or completed_on <= deadline:
            return Status.DONE_ON_TIME
        return Status.DONE_LATE
    if deadline is not None and today > deadline:
        return Status.OVERDUE
    return Status.OPEN


def due_soon(deadline: dt.date | None, completed_on: dt.date | None, today: dt.date) -> int | None:
    """The warning level (1, 3 or 7 days) an open task has reached, or None.

    A task due today or tomorrow is at level 1; within 3 days at level 3; within 7 at level 7.
    """
    if completed_on is not None or deadline is None:
        return None
    left = (deadline - today).days
    if left < 0:
        return None
    return next((d for d in DUE_SOON_DAYS if left <= d), None)


def status_where(st: Status, deadline: Any, completed_on: Any, today: dt.date) -> Any:
    """The condition "status is ``st``" as plain comparisons an index can serve (same rule)."""
    if st is Status.OVERDUE:
        return and_(completed_on.is_(None), deadline.is_not(None), deadline < today)
    if st is Status.OPEN:
        return and_(completed_on.is_(None), or_(deadline.is_(None), deadline >= today))
    if st is Status.DONE_ON_TIME:
        return and_(completed_on.is_not(None), or_(deadline.is_(None), completed_on <= deadline))
    return and_(completed_on.is_not(None), deadline.is_not(None), completed_on > deadline)


def status_sql(deadline: Any, completed_on: Any, today: dt.date) -> Any:
    """The same rule as :func:`status`, as an SQL expression over two date columns."""
    return case(
        (and_(completed_on.is_not(None), deadline.is_(None)), literal(Status.DONE_ON_TIME.value)),
        (and_(completed_on.is_not(None), completed_on <= deadline), literal(Status.DONE_ON_TIME.value)),
        (completed_on.is_not(None), literal(Status.DONE_LATE.value)),
        (and_(deadline.is_not(None), deadline < today), literal(Status.OVERDUE.value)),
        else_=literal(Status.OPEN.value),
    )
