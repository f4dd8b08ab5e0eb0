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

from .lexicon import fold as fold  # the search folding, re-exported
from .lexicon import pattern
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
        if r == m.group():
            continue  # a match the callback declined
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
def _tables() -> tuple[re.Pattern[str], dict[int, str], re.Pattern[str], dict[str, str]]:
    data = table("orthography")
    confusables = str.maketrans(data["confusables"])
    confusable_re = re.compile("[" + re.escape("".join(data["confusables"])) + "]")
    tone: dict[str, str] = {}
    for old, new in data["tone"].items():
        for a, b in (
            (old, new),
            (old.upper(), new.upper()),
            (old[0].upper() + old[1:], new[0].upper() + new[1:]),
        ):
            tone[a] = b
    firsts = "".join(sorted({k[0] for k in tone}))
    seconds = "".join(sorted({k[1] for k in tone}))
    tone_re = re.compile(f"[{firsts}][{seconds}](?!\\w)")
    return confusable_re, confusables, tone_re, tone


# a word holding combining marks (decomposed text): composed word by word, so that spans of
# whole words map exactly and the callback runs once per word, not once per letter. A match
# starts only where a word starts (``(?<!\S)``): tried inside a long word without marks, it
# would scan to the word's end from every letter (quadratic).
_DECOMPOSED = re.compile(r"(?<!\S)[^\s\u0300-\u036f]*[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff]\S*")
_HEADER_WORDS = pattern("normalize.header_words")
_MERGE_WINDOW = 8000  # header columns merge only at the top; "Nơi nhận" is handled by tables
_BLOCK_TAGS = r"p|div|tr|table|thead|tbody|h[1-6]|li|ul|ol|center|section|article|blockquote"
# (name, pattern, triggers): a branch runs only when one of its triggers occurs in the text
# (no triggers: always), and every branch begins with the character it consumes, so the
# scanner skips ordinary letters fast. Each runs in time linear in the text: a branch opening
# with a run of blanks starts only at the run's first blank (``(?<![ \t])``), and runs that
# could be split several ways are possessive or atomic, so no position is scanned twice.
_BRANCHES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("crlf", r"\r\n?", ("\r",)),
    (
        "zw",
        r"[\u200b-\u200d\u2060\ufeff\u00ad]",
        ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"),
    ),
    ("br", r"<br\s*/?>", ("<br", "<BR")),
    ("block", rf"</?(?:{_BLOCK_TAGS})\b[^>\n]{{0,300}}>|</?t[dh]\b[^>\n]{{0,300}}>", ("<",)),
    ("tag", r"</?[a-zA-Z][a-zA-Z0-9]{0,10}\b[^<>\n]{0,300}>", ("<",)),
    ("nbsp", r"&nbsp;", ("&nbsp;",)),
    ("amp", r"&amp;", ("&amp;",)),
    ("bold", r"\*\*|~~|__", ("**", "~~", "__")),
    ("esc", r"\\(?=[*_\-|.\[\]()#+!])", ("\\",)),
    (
        "rule",
        r"\n(?:(?>(?:[ \t]*\t)?)[-_=–—|: ]{3,}+(?:\t[ \t]*+)?|[ \t]*+(?:\|++|\*[ \t]++\*)[ \t]*+)(?=\n|$)",
        (),
    ),
    ("head", r"\n#{1,6}[ \t]+", ("\n#",)),
    ("pipe", r"\n[ \t]*+(?:\|[ \t]*+)++|(?<![ \t|])(?:[ \t]*+\|)++[ \t]*+(?=\n|$)", ("|",)),
    ("cell", r"(?<![ \t])[ \t]++\|[ \t]++", (" | ", " |\t", "\t| ", " |  ")),
    ("inrule", r"(?<![ \t])[ \t]++[-_=]{4,}(?=[ \t\n]|$)", (" ----", " ____", " ====", "\t----")),
    ("em", r"\*", ("*",)),
    ("tab", r"\t[ \t]*", ("\t",)),
    ("hyph", r"[-/][ \t]*\n[ \t]*(?=[A-ZĐ0-9])", ("-\n", "/\n", "- \n", "/ \n", "-  \n")),
    ("item", r"[;:][ \t]+(?=[-–•][ \t]+\S)", ("; -", ": -", "; –", ": –", "; •", ": •", ";  -", ":  -")),
)
_FIXED = {"crlf": "\n", "br": "\n", "block": "\n", "cell": "\n\n", "inrule": "\n", "nbsp": " ", "amp": "&"}
_NEWLINE = {"rule", "head"}


_BRANCH_RE = {n: re.compile(f"(?P<{n}>{p})") for n, p, _ in _BRANCHES}


def _cleanup_repl(m: re.Match[str]) -> str:
    kind = m.lastgroup or ""
    if kind in _FIXED:
        return _FIXED[kind]
    if kind in _NEWLINE:
        return "\n"
    s, a, b = m.string, m.start(), m.end()
    before = s[a - 1] if a else "\n"
    after = s[b] if b < len(s) else "\n"
    if kind == "pipe":
        return "\n" if m.group().startswith("\n") else ""
    if kind == "em":  # emphasis, even inside a word ("Q*Đ*-TTg"); a star standing alone stays
        return "*" if (before.isspace() and after.isspace()) or before == "\\" else ""
    if kind == "tab":
        return "\n" if not before.isspace() and not after.isspace() else ""
    if kind == "hyph":  # "24-\nCT/TU": a number broken at its separator
        return m.group()[0] if (before.isdigit() or before in "ABCDEFGHIJKLMNOPQRSTUVWXYZĐ") else m.group()
    if kind == "item":
        return m.group()[0] + "\n"
    return ""


def _split_merged(head: str) -> tuple[str, _Edits | None]:
    """Split two header columns merged on one line: the spaces before a header word that follows
    other text on its line become a line break. Found from the header words themselves (a fast
    scan), not from every run of spaces."""
    ns: list[int] = []
    ne: list[int] = []
    os_: list[int] = []
    oe: list[int] = []
    out: list[str] = []
    last = shift = 0
    for m in _HEADER_WORDS.finditer(head):
        b = m.start()
        a = b
        while a > last and head[a - 1] in " \t":
            a -= 1
        if a == b or a == 0 or head[a - 1] == "\n":
            continue
        out += [head[last:a], "\n"]
        ns.append(a + shift)
        ne.append(a + shift + 1)
        os_.append(a)
        oe.append(b)
        shift += 1 - (b - a)
        last = b
    if not ns:
        return head, None
    out.append(head[last:])
    return "".join(out), _Edits(tuple(ns), tuple(ne), tuple(os_), tuple(oe))


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for parsing; see the module docstring for what changes."""
    steps: list[_Edits] = []
    t = text
    if not unicodedata.is_normalized("NFC", t):
        t, edits = _sub(_DECOMPOSED, lambda m: unicodedata.normalize("NFC", m.group()), t)
        if edits:
            steps.append(edits)
    confusable_re, confusables, tone_re, tone = _tables()
    if confusable_re.search(t):
        t = t.translate(confusables)
    t = tone_re.sub(
        lambda m: (
            m.group() if m.start() and m.string[m.start() - 1] in "qQ" else tone.get(m.group(), m.group())
        ),
        t,
    )
    # one pass per kind of artifact present: a single-branch pattern scans at C speed
    for name, _, triggers in _BRANCHES:
        if not triggers or any(x[0] in t and x in t for x in triggers):
            t, edits = _sub(_BRANCH_RE[name], _cleanup_repl, t)
            if edits:
                steps.append(edits)
    merged, edits = _split_merged(t[:_MERGE_WINDOW])
    if edits:
        t = merged + t[_MERGE_WINDOW:]
        steps.append(edits)
    return Normalized(t, text, tuple(steps))
