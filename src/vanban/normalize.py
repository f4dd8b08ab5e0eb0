"""Normalization: the first step after reading. Unicode NFC, one tone placement, Latin letters
for Cyrillic look-alikes, Markdown/OCR artifacts removed, merged header columns split — with an
offset map so that every span found in the normalized text points back into the original.

Same-length rewrites (tone placement, look-alikes) need no map; rewrites that change the length
(NFC of decomposed text, deleted markup) are recorded as edits, so mapping costs nothing on
clean text and one bisect per span otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from .model import Span
from .rules import table


@dataclass(frozen=True)
class _Edits:
    """Edits of one rewrite step: normalized ``[ns, ne)`` replaced original ``[os, oe)``."""

    ns: tuple[int, ...]
    ne: tuple[int, ...]
    os: tuple[int, ...]
    oe: tuple[int, ...]

    def back(self, pos: int, end: bool) -> int:
        i = bisect_right(self.ns, pos) - 1
        if i < 0:
            return pos
        if pos >= self.ne[i] and not (end and pos == self.ne[i] == self.ns[i]):
            return self.oe[i] + (pos - self.ne[i])
        # inside a replacement: starts map to its start, ends to its end
        return self.oe[i] if end else self.os[i]


def _sub(pattern: re.Pattern[str], repl, text: str) -> tuple[str, _Edits | None]:
    """``pattern.sub`` that records where the text changed length."""
    ns: list[int] = []
    ne: list[int] = []
    os_: list[int] = []
    oe: list[int] = []
    out: list[str] = []
    last = 0
    shift = 0
    for m in pattern.finditer(text):
        r = repl(m) if callable(repl) else repl
        a, b = m.span()
        out.append(text[last:a])
        out.append(r)
        last = b
        start = a + shift
        ns.append(start)
        ne.append(start + len(r))
        os_.append(a)
        oe.append(b)
        shift += len(r) - (b - a)
    if not ns:
        return text, None
    out.append(text[last:])
    return "".join(out), _Edits(tuple(ns), tuple(ne), tuple(os_), tuple(oe))


@dataclass(frozen=True)
class Normalized:
    """A normalized text and the way back to the original it came from."""

    text: str
    original: str
    steps: tuple[_Edits, ...] = ()

    def to_original(self, pos: int, end: bool = False) -> int:
        for step in reversed(self.steps):
            pos = step.back(pos, end)
        return pos

    def span(self, start: int, end: int) -> Span:
        """The original span of normalized ``[start, end)``."""
        return self.to_original(start), self.to_original(end, end=True)


@cache
def _tables() -> tuple[dict[int, str], re.Pattern[str], dict[str, str]]:
    data = table("orthography")
    confusables = str.maketrans(data["confusables"])
    tone: dict[str, str] = {}
    for old, new in data["tone"].items():
        for a, b in (
            (old, new),
            (old.upper(), new.upper()),
            (old[0].upper() + old[1:], new[0].upper() + new[1:]),
        ):
            tone[a] = b
    tone_re = re.compile("(?<![qQ])(?:" + "|".join(sorted(tone, key=len, reverse=True)) + r")(?!\w)")
    return confusables, tone_re, tone


_DECOMPOSED = re.compile(
    r"[^\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff][\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff]+"
)
_HEADER_WORDS = (
    r"(?:CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA|Độc\s+lập\s*[-–]\s*Tự\s+do|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|"
    r"V/v\b|Nơi\s+nhận\s*:)"
)
_BLOCK_TAGS = r"p|div|tr|table|thead|tbody|h[1-6]|li|ul|ol|center|section|article|blockquote"
_CLEANUP = re.compile(
    "|".join(
        [
            r"(?P<crlf>\r\n?)",
            r"(?P<zw>[\u200b-\u200d\u2060\ufeff\u00ad])",
            r"(?P<br><br\s*/?>)",
            rf"(?P<block></?(?:{_BLOCK_TAGS})\b[^>\n]{{0,300}}>|</?t[dh]\b[^>\n]{{0,300}}>)",
            r"(?P<tag></?[a-zA-Z][a-zA-Z0-9]{0,10}\b[^<>\n]{0,300}>)",
            r"(?P<nbsp>&nbsp;)",
            r"(?P<amp>&amp;)",
            r"(?P<bold>\*\*|~~|__(?=\S)|(?<=\S)__)",
            r"(?P<esc>\\(?=[*_\-|.\[\]()#+!]))",
            r"(?m:(?P<rule>^[ \t]*(?:[-_=–—|: ]{3,}|\|+|\*[ \t]+\*|[|][ \t]*[|])[ \t]*$))",
            r"(?m:(?P<head>^#{1,6}[ \t]+))",
            r"(?m:(?P<pipe>^[ \t]*\|[ \t]?|[ \t]?\|[ \t]*$))",
            r"(?P<cell>[ \t]+\|[ \t]+)",
            r"(?P<inrule>(?<=\S)[ \t]+[-_=]{4,}(?=[ \t]|$))",
            r"(?P<em>(?<![\w*\\])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*]))",
            r"(?P<tab>(?<=\S)[ \t]*\t[ \t]*(?=\S))",
            r"(?P<hyph>(?<=\d[-/])[ \t]*\n[ \t]*(?=[A-ZĐ0-9])|(?<=[A-ZĐ][-/])\n(?=[A-ZĐ]))",
            r"(?P<item>(?<=[;:])[ \t]+(?=[-–•][ \t]+\S))",
            r"(?P<merge>(?<=\S)[ \t]+(?=" + _HEADER_WORDS + "))",
        ]
    )
)
_REPL = {
    "crlf": "\n",
    "tab": "\n",
    "merge": "\n",
    "br": "\n",
    "block": "\n",
    "cell": "\n\n",
    "inrule": "\n",
    "item": "\n",
    "nbsp": " ",
    "amp": "&",
}


def _cleanup_repl(m: re.Match[str]) -> str:
    return _REPL.get(m.lastgroup or "", "")


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for parsing; see the module docstring for what changes."""
    steps: list[_Edits] = []
    t = text
    if not unicodedata.is_normalized("NFC", t):
        t, edits = _sub(_DECOMPOSED, lambda m: unicodedata.normalize("NFC", m.group()), t)
        if edits:
            steps.append(edits)
    confusables, tone_re, tone = _tables()
    t = t.translate(confusables)
    t = tone_re.sub(lambda m: tone[m.group()], t)
    t, edits = _sub(_CLEANUP, _cleanup_repl, t)
    if edits:
        steps.append(edits)
    return Normalized(t, text, tuple(steps))


def nfc_text(s: str) -> str:
    """A short string normalized like a document (for values and rule tables)."""
    return normalize(s).text


_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(s: str) -> str:
    """Diacritic folding for search: lower case, no marks, ``đ``→``d``; both tone placements agree."""
    s = unicodedata.normalize("NFD", s.translate(_FOLD_EXTRA).lower())
    return "".join(c for c in s if not unicodedata.combining(c))
