"""Units (đơn vị): canonical keys so that ``Sở Thông tin và Truyền thông``, ``Sở TT&TT`` and
``Sở Thông tin - Truyền thông`` are one unit; collective addressees recognised as groups."""

from __future__ import annotations

import re
from functools import cache

from .normalize import fold
from .rules import table


@cache
def _vocab() -> tuple[re.Pattern[str], dict[str, str], tuple[str, ...], re.Pattern[str]]:
    u = table("units")
    abbr = u["abbreviations"]
    abbr_re = re.compile(
        r"(?<![\w&])(" + "|".join(re.escape(a) for a in sorted(abbr, key=len, reverse=True)) + r")(?![\w&])"
    )
    starts = sorted(u["starts"], key=len, reverse=True)
    start_re = re.compile(r"^(?:" + "|".join(re.escape(s) for s in starts) + r")(?=\s|$)")
    return abbr_re, abbr, tuple(u["collective"]), start_re


def starts_like_unit(text: str) -> bool:
    """True when ``text`` begins with a word that begins a unit's name."""
    return bool(_vocab()[3].match(text))


@cache
def unit_key(name: str) -> str:
    """The canonical key of a unit name: abbreviations expanded, folded, connectors unified."""
    abbr_re, abbr, _, _ = _vocab()
    s = abbr_re.sub(lambda m: abbr[m.group(1)], name)
    s = fold(s)
    s = re.sub(r"\s*(?:&|-|–|,)\s*", " va ", s)
    s = re.sub(r"\b(?:va\s+)+", "va ", s)
    s = re.sub(r"^(?:cac|giao|de nghi)\s+", "", s)
    return " ".join(re.sub(r"[^\w\s]", " ", s).split())


def is_collective(name: str) -> bool:
    """A collective addressee ("Các Sở, ban, ngành", "UBND các quận, huyện")."""
    low = name.lower()
    return any(low.startswith(c) or f" {c}" in low for c in _vocab()[2])
