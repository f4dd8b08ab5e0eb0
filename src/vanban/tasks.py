"""Tasks (nhiệm vụ): who is assigned what, by when, and to whom they report.

Finds the assignment structures official documents use: numbered sections headed by a unit
(duties listed under it), ``giao/đề nghị X chủ trì, phối hợp …`` sentences, the executors of a
Quyết định's last article. Works on normalized text; spans are offsets into it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .parse import dates
from .units import is_collective, starts_like_unit, unit_key

CUE = re.compile(
    r"(?:[Gg]iao|[Đđ]ề\s+nghị)\s+(?P<who>[^.;:\n]{3,220}?)\s+"
    r"(?P<verb>chủ\s+trì|phối\s+hợp|chủ\s+động|triển\s+khai|thực\s+hiện|báo\s+cáo|khẩn\s+trương|tổ\s+chức|"
    r"nghiên\s+cứu|xem\s+xét|quan\s+tâm|có\s+trách\s+nhiệm|rà\s+soát|tham\s+mưu|hướng\s+dẫn|tiếp\s+tục|"
    r"chỉ\s+đạo|phổ\s+biến|căn\s+cứ|theo\s+dõi|kiểm\s+tra|xây\s+dựng|cung\s+cấp|gửi|trao\s+đổi|nghiêm\s+túc)\b"
)
DEADLINE = re.compile(
    r"(?:trước|chậm\s+nhất\s+(?:là\s+)?(?:vào\s+)?|hạn\s+chót|hoàn\s+thành\s+trong|trước\s+hoặc\s+trong)\s+"
    r"(?:ngày\s+)?(?:" + dates.WORDS.replace("ngày\\s{1,3}", "") + r"|" + dates.NUMERIC + r")",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """An assignment found in the text (normalized offsets)."""

    assignees: list[tuple[str, str, int, int]]  # name, role, start, end
    action: tuple[int, int]
    deadline: tuple[dt.date | None, str, int, int] | None


def _split_units(s: str, base: int) -> list[tuple[str, int, int]]:
    """Split "A; B" (and "A, B" when each part is a unit) into unit names with offsets."""
    out = []
    pos = 0
    for part in re.split(r";", s):
        raw = part
        stripped = raw.strip(" ,.*")
        if stripped:
            off = base + pos + raw.index(stripped)
            out.append((stripped, off, off + len(stripped)))
        pos += len(part) + 1
    return out


def find_tasks(t: str, body: tuple[int, int], sections: list[tuple[str, str, int, int, int]]) -> list[Found]:
    """Assignments in the body ``t[body[0]:body[1]]``."""
    out: list[Found] = []
    top = [s for s in sections if body[0] <= s[2] < body[1] and s[4] <= 4]
    for i, (_label, heading, s, e, level) in enumerate(top):
        if len(heading) > 260:
            continue
        h = heading.strip(" *:")
        h = re.sub(r"^(?:Giao|Đề nghị)\s+", "", h)
        if not h or len(h) > 250 or h.endswith(".") or not starts_like_unit(h) or _has_verb(h):
            continue
        nxt = next((x[2] for x in top[i + 1 :] if x[4] <= level), body[1])
        hoff = t.index(h, s, e) if h in t[s:e] else s
        names = _split_units(h, hoff)
        out.append(Found([(n, "execute", a, b) for n, a, b in names], (s, nxt), _deadline(t, e, nxt)))
    for m in _cues(t, body[0], body[1]):
        who = m.group("who").strip()
        if not starts_like_unit(who) or _has_verb(who):
            continue
        sent_end = _sentence_end(t, m.end(), body[1])
        role = "lead" if m.group("verb").startswith("chủ") and "trì" in m.group("verb") else "execute"
        names = [(n, role, a, b) for n, a, b in _split_units(who, m.start("who"))]
        out.append(Found(names, (m.start(), sent_end), _deadline(t, m.start(), sent_end)))
    return out


_CUE_WORDS = ("giao", "Giao", "GIAO", "đề nghị", "Đề nghị", "ĐỀ NGHỊ")


def _cues(t: str, start: int, end: int) -> list[re.Match[str]]:
    """Matches of ``CUE``, found from its cue words with ``str.find`` (faster than a regex scan)."""
    out = []
    for w in _CUE_WORDS:
        i = t.find(w, start, end)
        while i >= 0:
            if not (i and t[i - 1].isalnum()):
                m = CUE.match(t, i, end)
                if m:
                    out.append(m)
            i = t.find(w, i + len(w), end)
    out.sort(key=lambda m: m.start())
    return out


_VERBS = re.compile(
    r"\b(?:có\s+báo\s+cáo|thực\s+hiện|triển\s+khai|tổ\s+chức\s+thực|báo\s+cáo|quy\s+định|ban\s+hành|được|là|gồm|"
    r"phải|cần|đã|sẽ|nhằm|tăng\s+cường|đẩy\s+mạnh)\b"
)


def _has_verb(s: str) -> bool:
    return bool(_VERBS.search(s))


def _sentence_end(t: str, pos: int, limit: int) -> int:
    m = re.compile(r"\.(?:\s|$)|\n\s*\n|;\s*\n").search(t, pos, limit)
    return m.end() if m else limit


def _deadline(t: str, start: int, end: int) -> tuple[dt.date | None, str, int, int] | None:
    m = DEADLINE.search(t, start, end)
    if not m:
        return None
    d = dates.make(
        m.group("y") or m.group("y2"), m.group("m") or m.group("m2"), m.group("d") or m.group("d2")
    )
    return d, " ".join(m.group().split()), m.start(), m.end()


def key_of(name: str) -> str:
    """Canonical key of an assignee."""
    return unit_key(name)


def collective(name: str) -> bool:
    """A group addressee."""
    return is_collective(name)
