"""Dates in every form official documents write them (ngày 07 tháng 5 năm 2019, 07/8/2023, 15.4.2010)."""

from __future__ import annotations

import datetime as dt
import re

# "ngày 07 tháng 5 năm 2019" (words may wrap); numeric "07/8/2023", "15.4.2010", "23-8-2023".
# "07 tháng 5 năm 2019": the date after the word "ngày" (which WORDS includes)
DAY_MONTH_YEAR = r"(?P<d>\d{1,2})\s{1,3}th[áa]ng\s{0,3}(?P<m>\d{1,2})\s{1,3}n[ăa]m\s{0,3}(?P<y>\d{4})"
WORDS = r"ngày\s{1,3}" + DAY_MONTH_YEAR
NUMERIC = r"(?P<d2>\d{1,2})\s?(?P<sep>[/.-])\s?(?P<m2>\d{1,2})\s?(?P=sep)\s?(?P<y2>(?:19|20)\d{2})(?!\d)"
DATE_RE = re.compile(rf"(?:{WORDS})|(?:(?<![\d/.-]){NUMERIC})", re.IGNORECASE)


def make(y: str | int, m: str | int, d: str | int) -> dt.date | None:
    """A valid date, or None for impossible values (OCR damage, blanks)."""
    try:
        return dt.date(int(y), int(m), int(d))
    except (ValueError, TypeError):
        return None


def from_match(m: re.Match[str]) -> dt.date | None:
    """The date of a ``DATE_RE`` match."""
    if m.group("d"):
        return make(m.group("y"), m.group("m"), m.group("d"))
    return make(m.group("y2"), m.group("m2"), m.group("d2"))
