"""Lines of the normalized text, with offsets, and the blocks that blank lines separate."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Line:
    """A non-blank line: stripped text, its offsets, and whether a blank line precedes it."""

    text: str
    start: int
    end: int
    gap: bool  # a blank line (paragraph or table-cell break) stands before it


@dataclass(frozen=True)
class Item:
    """A value read from the text (a name, a list item, a line) and its span in the normalized text."""

    text: str
    start: int
    end: int


def lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-blank lines of ``text[start:end]``."""
    out: list[Line] = []
    prev_end = start
    for m in _LINE.finditer(text, start, len(text) if end is None else end):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        s = m.start() + lead
        gap = bool(out) and text.count("\n", prev_end, m.start()) > 1
        out.append(Line(stripped, s, s + len(stripped), gap))
        prev_end = m.end()
    return out


def is_upper(s: str) -> bool:
    """True when ``s`` has letters and none of them is lower case (a header or title line)."""
    has = False
    for c in s:
        if c.isalpha():
            if c.islower():
                return False
            has = True
    return has


def squash(s: str) -> str:
    """Runs of white space (line breaks included) as one space."""
    return " ".join(s.split())
