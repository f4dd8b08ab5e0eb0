"""Dates in every form official documents write them (ngày 07 tháng 5 năm 2019, 07/8/2023,
15.4.2010): the grammar is ``dates.*`` of ``data/lexicon/grammar.toml``; here, the values."""

from __future__ import annotations

import datetime as dt
import re


def make(y: str | int, m: str | int, d: str | int) -> dt.date | None:
    """A valid date, or None for impossible values (OCR damage, blanks)."""
    try:
        return dt.date(int(y), int(m), int(d))
    except (ValueError, TypeError):
        return None


def from_match(m: re.Match[str]) -> dt.date | None:
    """The date of a match holding ``${dates.either}`` (the words' groups or the numeric ones)."""
    g = m.groupdict()
    return make(g["y"] or g["y2"], g["m"] or g["m2"], g["d"] or g["d2"])
