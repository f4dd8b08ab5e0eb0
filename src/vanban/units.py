"""Units (đơn vị): canonical keys so that ``Sở Thông tin và Truyền thông``, ``Sở TT&TT`` and
``Sở Thông tin - Truyền thông`` are one unit; collective addressees recognised as groups.
Vocabulary in ``data/units.toml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import fold, pattern
from .rules import table, trie_regex


@dataclass(frozen=True)
class _Vocab:
    abbr_re: re.Pattern[str]
    abbr: dict[str, str]
    collective: tuple[str, ...]
    start: re.Pattern[str]
    not_start: re.Pattern[str]
    not_in_name: re.Pattern[str]
    max_words: int


def _alt(words: list[str]) -> str:
    return trie_regex(words)


@cache
def _vocab() -> _Vocab:
    u = table("units")
    abbr = u["abbreviations"]
    abbr_re = re.compile(
        r"(?<![\w&])(" + "|".join(re.escape(a) for a in sorted(abbr, key=len, reverse=True)) + r")(?![\w&])"
    )
    start = pattern("units.start", collective=_alt(u["collective_nouns"]), starts=_alt(u["starts"]))
    not_start = re.compile(rf"^(?:{_alt(u['not_starts'])})(?!\w)")
    # lower-case words only: "Ban Chỉ đạo" is a name, "… chỉ đạo …" a sentence
    inside = rf"(?<!\w)(?:{_alt(u['not_in_name'])})(?!\w)|(?<!\w)(?:{_alt(u['not_last'])})$|[.;:!?()\"“”]"
    return _Vocab(
        abbr_re, abbr, tuple(u["collective"]), start, not_start, re.compile(inside), int(u["max_words"])
    )


def starts_like_unit(text: str) -> bool:
    """True when ``text`` begins with a word that begins a unit's name."""
    v = _vocab()
    return bool(v.start.match(text)) and not v.not_start.match(text)


def is_unit_name(name: str) -> bool:
    """True when ``name`` is a name the unit grammar accepts: it starts like a unit, is short,
    holds no word that only a sentence has and does not end with a connector (never a fragment
    such as ``Bộ Công an, do`` or ``Ban tổ chức hoặc cơ quan``)."""
    text = " ".join(name.split()).rstrip(",- ")
    v = _vocab()
    if not text or len(text.split()) > v.max_words or not starts_like_unit(text):
        return False
    return v.not_in_name.search(text) is None and not name.rstrip().endswith((",", "-"))


_KEY_LEAD = pattern("units.key_lead")


@cache
def unit_key(name: str) -> str:
    """The canonical key of a unit name: abbreviations expanded, folded, connectors unified."""
    v = _vocab()
    s = v.abbr_re.sub(lambda m: v.abbr[m.group(1)], name)
    s = fold(s)
    s = re.sub(r"(?:(?<!\s)\s++)?(?:&|-|–|,)\s*+", " va ", s)  # blanks taken from their first
    s = re.sub(r"\b(?:va\s+)+", "va ", s)
    s = _KEY_LEAD.sub("", s)
    return " ".join(re.sub(r"[^\w\s]", " ", s).split())


def is_collective(name: str) -> bool:
    """A collective addressee ("Các Sở, ban, ngành", "UBND các quận, huyện")."""
    low = name.lower()
    return any(low.startswith(c) or f" {c}" in low for c in _vocab().collective)
