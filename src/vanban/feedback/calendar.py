"""Working days in Vietnam: Monday to Friday, less the public holidays (Tết Nguyên đán, Giỗ Tổ,
30/4, 1/5, Quốc khánh, Tết Dương lịch and the substituted days the ``holidays`` package knows),
with the extra days off and working days of the data file."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

from .rules import rules


@cache
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: dt.date) -> bool:
    """Whether offices work on ``day``."""
    r = rules()
    if day in r.extra_working_days:
        return True
    if day.weekday() >= 5 or day in r.extra_days_off:
        return False
    return day not in _holidays(day.year)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted; n ≥ 0)."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def due_date(received: dt.date, category: str) -> dt.date:
    """When an item of ``category`` received on ``received`` must be answered."""
    return add_working_days(received, rules().categories[category].working_days)
