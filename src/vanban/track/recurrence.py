"""Recurring duties (báo cáo hằng năm, hằng tháng trước ngày 20…): one task per period.

``expand`` turns a recurrence and an optional anchor deadline into the periods that fall
between a start date and a horizon, each with its own deadline and Vietnamese label.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ..model import Recurrence

RECURRENCES: dict[str, str] = {
    Recurrence.weekly: "Hằng tuần",
    Recurrence.monthly: "Hằng tháng",
    Recurrence.quarterly: "Hằng quý",
    Recurrence.half_yearly: "6 tháng",
    Recurrence.yearly: "Hằng năm",
}

_MONTHS = {Recurrence.monthly: 1, Recurrence.quarterly: 3, Recurrence.half_yearly: 6, Recurrence.yearly: 12}


def canonical(recurrence: str) -> str:
    """A recurrence as ``Recurrence`` spells it (rows stored before wrote ``half-yearly``)."""
    return recurrence.replace("-", "_")


_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    """One period of a recurring duty: its label and deadline."""

    label: str
    deadline: dt.date


def add_months(d: dt.date, months: int, day: int | None = None) -> dt.date:
    """``d`` moved by ``months`` (day clamped to the month's length; ``day`` overrides d.day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day or d.day, last))


def label(recurrence: str, due: dt.date) -> str:
    """The period a deadline closes, in words: ``Tháng 3/2024``, ``Quý I/2024``, ``Năm 2024``."""
    recurrence = canonical(recurrence)
    if recurrence == "weekly":
        iso = due.isocalendar()
        return f"Tuần {iso.week}/{iso.year}"
    if recurrence == "monthly":
        return f"Tháng {due.month}/{due.year}"
    if recurrence == "quarterly":
        return f"Quý {_ROMAN[(due.month - 1) // 3]}/{due.year}"
    if recurrence == Recurrence.half_yearly:
        return f"6 tháng {'đầu' if due.month <= 6 else 'cuối'} năm {due.year}"
    if recurrence == "yearly":
        return f"Năm {due.year}"
    raise ValueError(f"unknown recurrence {recurrence!r}")


def _period_end(recurrence: str, d: dt.date) -> dt.date:
    """Last day of the period (month, quarter, half, year) holding ``d``."""
    span = _MONTHS[recurrence]
    first_month = (d.month - 1) // span * span + 1
    return add_months(dt.date(d.year, first_month, 1), span - 1, 31)


def expand(recurrence: str, anchor: dt.date | None, start: dt.date, until: dt.date) -> list[Period]:
    """Periods of a duty recurring ``recurrence`` whose deadlines fall in ``[start, until]``.

    With an ``anchor`` (a deadline the document gives, e.g. 20/3 for "before the 20th of each
    month"), deadlines keep its day and step by the period; without one, each period is due on
    its last day. At least one period is returned when ``start <= until``.
    """
    recurrence = canonical(recurrence)
    if recurrence not in RECURRENCES:
        raise ValueError(f"unknown recurrence {recurrence!r}")
    if start > until:
        return []
    dues: list[dt.date] = []
    if recurrence == "weekly":
        due = anchor or start + dt.timedelta(days=(4 - start.weekday()) % 7)  # Friday
        while due < start:
            due += dt.timedelta(days=7)
        while due <= until:
            dues.append(due)
            due += dt.timedelta(days=7)
    else:
        step = _MONTHS[recurrence]
        if anchor is not None:
            k = 0
            while add_months(anchor, step * k, anchor.day) < start:
                k += 1
            while (due := add_months(anchor, step * k, anchor.day)) <= until:
                dues.append(due)
                k += 1
        else:
            due = _period_end(recurrence, start)
            while due <= until:
                dues.append(due)
                due = _period_end(recurrence, due + dt.timedelta(days=1))
    if not dues:
        first = anchor if anchor and anchor >= start else _first_after(recurrence, anchor, start)
        dues = [first]
    return [Period(label(recurrence, d), d) for d in dues]


def _first_after(recurrence: str, anchor: dt.date | None, start: dt.date) -> dt.date:
    if recurrence == "weekly":
        return start + dt.timedelta(days=(4 - start.weekday()) % 7)
    if anchor is None:
        return _period_end(recurrence, start)
    due = anchor
    while due < start:
        due = add_months(due, _MONTHS[recurrence], anchor.day)
    return due
