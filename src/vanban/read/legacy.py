"""Text typed in a legacy font and shown as Unicode: ``bỏo cỏo tỡnh hỡnh`` for ``báo cáo tình hình``.

A document written in Unicode and then passed once more through a TCVN3 (.VnTime) font table
turns every Latin-1 letter it has (``á`` U+00E1, ``ì`` U+00EC, ``ú`` U+00FA…) into the TCVN3
character of that code (``ỏ``, ``ỡ``, ``ỳ``), and leaves the other Vietnamese letters alone. The
repair maps those characters back where the words then are words of public text, choosing
among the readings of a phrase by the pair counts of ``lexicon.marks``.
"""

from __future__ import annotations

import re
from functools import cache

from ..lexicon.marks import respell, vocabulary
from ..rules import table
from .encoding import _tcvn3

__all__ = ["repair_legacy_font"]

_WORD = re.compile(r"[^\W\d_]+")
# the Vietnamese letters Latin-1 has: the only ones the second pass through the font changed
_LATIN1_VIET = "àáâãèéêìíòóôõùúý"


@cache
def _table() -> dict[int, str]:
    """TCVN3 character → the Latin-1 letter whose code it took."""
    return {ord(char): chr(code) for code, char in _tcvn3().items() if chr(code) in _LATIN1_VIET}


def _variants(word: str, font: dict[int, str], known: frozenset[str]) -> tuple[str, ...]:
    """The word's spellings, in lower case, with any of its ambiguous characters mapped back or
    kept that public text uses (``bỏo`` → ``báo``; ``nhỏ`` stays); the word as read if none."""
    spots = [i for i, c in enumerate(word) if ord(c) in font][:4]
    out = []
    for mask in range(1 << len(spots)):
        chars = list(word.lower())
        for bit, i in enumerate(spots):
            if mask >> bit & 1:
                chars[i] = font.get(ord(chars[i]), chars[i])
        cand = "".join(chars)
        if cand in known:
            out.append(cand)
    return tuple(out) or (word.lower(),)


def _shown_in_legacy_font(text: str) -> bool:
    """Whether many of the words that hold a character the font table changes are no words as
    shown (``cỏc``, ``thỏng``, ``kớnh``) but words mapped back; in Unicode text they are words
    (``nhỏ``, ``giờ``, ``mới``)."""
    cfg = _cfg()
    font, changed = _font()
    known = vocabulary()
    shown = broken = 0
    for word in _WORD.findall(text):
        if changed.isdisjoint(word):
            continue
        if word.lower() in known:
            shown += 1
        elif _variants(word, font, known) != (word.lower(),):
            broken += 1
    return broken >= cfg["min_words"] and broken >= cfg["min_share"] * (broken + shown)


@cache
def _font() -> tuple[dict[int, str], frozenset[str]]:
    """The table in both cases, and the characters it changes."""
    font = {**_table(), **{ord(chr(k).lower()): v for k, v in _table().items()}}
    return font, frozenset(chr(k) for k in font)


def _cfg() -> dict:
    return table("read")["legacy_font"]


def repair_legacy_font(text: str) -> tuple[str, int]:
    """``text`` with legacy-font words mapped back, and how many words were: of each phrase,
    the spellings the pair counts find likeliest (``lexicon.marks.respell``); none unless at
    least ``min_words`` words, and ``min_share`` of those that hold a character the table
    changed, are no words as shown in the text's head (Unicode text has none to repair)."""
    if not _shown_in_legacy_font(text[: _cfg()["head"]]):  # a font shows a whole text one way
        return text, 0
    font, _ = _font()
    known = vocabulary()

    def options(phrase: str, offset: int, found: list[re.Match[str]]) -> list[tuple[str, ...]]:
        return [_variants(m.group(), font, known) for m in found]

    return respell(text, options)
