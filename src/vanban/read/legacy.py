"""Text typed in a legacy font and shown as Unicode: ``bỏo cỏo tỡnh hỡnh`` for ``báo cáo tình hình``.

A document written in Unicode and then passed once more through a TCVN3 (.VnTime) font table
turns every Latin-1 letter it has (``á`` U+00E1, ``ì`` U+00EC, ``ú`` U+00FA…) into the TCVN3
character of that code (``ỏ``, ``ỡ``, ``ỳ``), and leaves the other Vietnamese letters alone. The
repair maps those characters back; it is applied to a page only when the page then reads as
Vietnamese better, judged by the frequent words of ``data/lexicon/frequent.toml``.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from .encoding import _tcvn3

__all__ = ["repair_legacy_font"]

_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 3
# the Vietnamese letters Latin-1 has: the only ones the second pass through the font changed
_LATIN1_VIET = "àáâãèéêìíòóôõùúý"


@cache
def _table() -> dict[int, str]:
    """TCVN3 character → the Latin-1 letter whose code it took."""
    return {ord(char): chr(code) for code, char in _tcvn3().items() if chr(code) in _LATIN1_VIET}


@cache
def _frequent() -> frozenset[str]:
    with resources.files("vanban.data").joinpath("lexicon", "frequent.toml").open("rb") as fh:
        return frozenset(tomllib.load(fh)["words"])


def _word(word: str, table: dict[int, str], common: frozenset[str]) -> str:
    """The word as written: of the variants with its ambiguous characters mapped back or kept,
    the one that is a frequent word (``bỏo`` → ``báo``); else the word as read."""
    if word.lower() in common:
        return word
    spots = [i for i, c in enumerate(word) if ord(c) in table][:4]
    for mask in range(1, 1 << len(spots)):
        chars = list(word)
        for bit, i in enumerate(spots):
            if mask >> bit & 1:
                chars[i] = table[ord(chars[i])]
        cand = "".join(chars)
        if cand.lower() in common and [c.isupper() for c in cand] == [c.isupper() for c in word]:
            return cand
    return word


def repair_legacy_font(text: str) -> tuple[str, int]:
    """``text`` with legacy-font words mapped back, and how many words were: none unless at
    least ``MIN_WORDS`` frequent words come back (a page of Unicode text has none to repair)."""
    table = _table()
    if not any(ord(c) in table for c in text):
        return text, 0
    common = _frequent()
    fixed: list[str] = []
    changed = 0
    pos = 0
    for m in _WORD.finditer(text):
        w = _word(m.group(), table, common)
        changed += w != m.group()
        fixed += [text[pos : m.start()], w]
        pos = m.end()
    fixed.append(text[pos:])
    if changed >= MIN_WORDS:
        return "".join(fixed), changed
    return text, 0
