"""Page layout shared by the PDF and OCR readers: positioned text pieces into reading order.

An official document's header has two columns (issuer, number, ``V/v`` on the left; Quốc hiệu,
place and date on the right) and its signature area two more (``Nơi nhận`` left, signer right).
Printed side by side they share lines; merged, they garble each other. ``arrange`` emits the
header's left column then its right column, and the signer before the ``Nơi nhận`` list, which
is the order the parse engine reads them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from statistics import median

from ..rules import table

__all__ = ["Seg", "arrange", "split_line"]


@dataclass(frozen=True)
class Seg:
    """A piece of one text line: its text and box (y grows downward)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@cache
def _rules() -> dict[str, re.Pattern[str]]:
    h = table("read")["header"]
    labels = "|".join(f"(?:{p})" for p in table("read")["pdf"]["gazette_labels"])
    return {
        "motto": re.compile(h["motto"]),
        "date": re.compile(h["date"]),
        "recipients": re.compile(h["recipients"]),
        "label": re.compile(labels),
    }


def split_line(pieces: list[tuple[str, float, float, float, float]], gap: float) -> list[Seg]:
    """Join the pieces (characters or words with boxes, in order) of one printed line into
    segments, cutting where the horizontal gap exceeds ``gap`` times the line height."""
    segs: list[Seg] = []
    cur: list[tuple[str, float, float, float, float]] = []
    inked = [p for p in pieces if p[0].strip()]
    if not inked:
        return segs
    h = median(p[4] - p[2] for p in inked) or 1.0
    last_x1 = None
    for p in pieces:
        if p[0].strip() and last_x1 is not None and p[1] - last_x1 > gap * h:
            segs.append(_seg(cur))
            cur = []
        cur.append(p)
        if p[0].strip():
            last_x1 = p[3]
    segs.append(_seg(cur))
    return [s for s in segs if s.text]


def _seg(pieces: list[tuple[str, float, float, float, float]]) -> Seg:
    inked = [p for p in pieces if p[0].strip()] or pieces
    text = re.sub(r"[ \t\u00a0]+", " ", "".join(p[0] for p in pieces)).strip()
    return Seg(
        text,
        min(p[1] for p in inked),
        min(p[2] for p in inked),
        max(p[3] for p in inked),
        max(p[4] for p in inked),
    )


def _rows(segs: list[Seg]) -> list[list[Seg]]:
    rows: list[list[Seg]] = []
    for s in sorted(segs, key=lambda s: (s.top + s.bottom) / 2):
        if rows:
            row = rows[-1]
            top, bottom = min(r.top for r in row), max(r.bottom for r in row)
            overlap = min(bottom, s.bottom) - max(top, s.top)
            if overlap > 0.5 * min(s.height, bottom - top):
                row.append(s)
                continue
        rows.append([s])
    return [sorted(r, key=lambda s: s.x0) for r in rows]


def _text(row: list[Seg]) -> str:
    return " ".join(s.text for s in row)


def _sides(row: list[Seg], b: float, tol: float) -> tuple[list[Seg], list[Seg]] | None:
    """The row's segments left and right of ``b``, or None if one straddles it."""
    left, right = [], []
    for s in row:
        if s.x1 <= b + tol:
            left.append(s)
        elif s.x0 >= b - tol:
            right.append(s)
        else:
            return None
    return left, right


def arrange(segs: list[Seg], drop_labels: bool = False) -> list[str]:
    """The page's lines in reading order, header and signature columns unmerged.

    ``drop_labels``: remove the gazette's section labels printed above a header.
    """
    rows = _rows(segs)
    if not rows:
        return []
    r = _rules()
    tol = 0.3 * median(s.height for row in rows for s in row)
    out: list[str] = []
    i = 0
    while i < len(rows):
        zone = _header(rows, i, tol) if any(r["motto"].match(s.text) for s in rows[i]) else None
        if zone:
            start, end, b = zone
            before = out[: len(out) - (i - start)] if i > start else out
            out = before
            cols = [_sides(rows[k], b, tol) for k in range(start, end)]
            left = [_text(c[0]) for c in cols if c and c[0]]
            right = [_text(c[1]) for c in cols if c and c[1]]
            if drop_labels:
                out = _drop_labels(out, left)
            out += left + right
            i = end
            continue
        if r["recipients"].match(rows[i][0].text):
            end, lines = _signature(rows, i, tol, segs)
            if end > i:
                out += lines
                i = end
                continue
        out += _number_and_date(rows[i])
        i += 1
    return out


def _number_and_date(row: list[Seg]) -> list[str]:
    """A row with the number and, after a gap, the place and date (the header above cut off
    or not found): two lines; any other row: one."""
    r = _rules()
    j = next((k for k, s in enumerate(row) if re.match(r"^\W{0,3}Số", s.text)), None)
    if j is not None and j + 1 < len(row) and r["date"].search(_text(row[j + 1 :])):
        return [_text(row[: j + 1]), _text(row[j + 1 :])]
    return [_text(row)]


def _header(rows: list[list[Seg]], q: int, tol: float) -> tuple[int, int, float] | None:
    r = _rules()
    motto = next(s for s in rows[q] if r["motto"].match(s.text))
    b = motto.x0
    if _sides(rows[q], b, tol) is None:
        return None
    start = q
    while start > 0 and q - start < 4 and _sides(rows[start - 1], b, tol) is not None:
        start -= 1
    end, dated = q + 1, any(r["date"].search(s.text) for s in rows[q])
    limit = min(len(rows), q + table("read")["header"]["max_rows"])
    while end < limit:
        sides = _sides(rows[end], b, tol)
        if sides is None or (dated and sides[1]):
            break
        dated = dated or any(r["date"].search(s.text) for s in sides[1])
        end += 1
    return start, end, b


def _drop_labels(lines: list[str], left: list[str]) -> list[str]:
    """Drop the lines just above a header that are gazette labels or repeat its issuer."""
    r = _rules()
    issuer = {re.sub(r"\s+", "", "".join(left[:k])) for k in range(1, 4)}
    while lines and (r["label"].match(lines[-1].strip()) or re.sub(r"\s+", "", lines[-1]) in issuer):
        lines = lines[:-1]
    return lines


def _signature(rows: list[list[Seg]], n: int, tol: float, segs: list[Seg]) -> tuple[int, list[str]]:
    """From the ``Nơi nhận`` row: the signer (right column) first, then the list (left).

    A segment starting in the left half belongs to the list, one starting in the right half to
    the signer; the area ends at a row that runs across the page (a paragraph of body text).
    """
    x0, x1 = min(s.x0 for s in segs), max(s.x1 for s in segs)
    mid, wide = (x0 + x1) / 2, (x1 - x0) * 0.25
    left: list[str] = []
    right: list[str] = []
    end = n
    while end < len(rows):
        row = rows[end]
        if any(s.x0 < mid and s.x1 > mid + wide for s in row):
            break
        if ls := [s for s in row if s.x0 < mid]:
            left.append(_text(ls))
        if rs := [s for s in row if s.x0 >= mid]:
            right.append(_text(rs))
        end += 1
    if not right:
        return n, []
    return end, right + left
