"""Số và ký hiệu: document numbers, State (NĐ 30/2020) and Party (HD 36); the grammar is
``numbers.*`` of ``data/lexicon/grammar.toml``.

State: ``3241/UBND-KGVX``, ``15/QĐ-BNV``; legal documents add the year: ``15/2020/NĐ-CP``.
Party: ``1138-CV/ĐU``, ``24-CT/TU``. The type abbreviations come from ``data/doc_types.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..rules import table
from . import pattern

NUMBER_RE = pattern("numbers.number")  # iter_numbers checks the left edge


@dataclass(frozen=True)
class Parsed:
    """The parts of a number."""

    value: str
    seq: str
    year: int | None
    type_abbr: str | None
    symbols: tuple[str, ...]
    party: bool


@cache
def _types() -> tuple[dict[str, str], dict[str, str], set[str]]:
    state: dict[str, str] = {}
    party: dict[str, str] = {}
    legal: set[str] = set()
    for t in table("doc_types")["type"]:
        for a in t["abbr"]:
            party.setdefault(a, t["name"])
            if not t.get("party_only"):
                state.setdefault(a, t["name"])
        if t.get("legal"):
            legal.add(t["name"])
    return state, party, legal


def type_names() -> list[str]:
    """Every document type name, longest first (for matching type words in text)."""
    return sorted((t["name"] for t in table("doc_types")["type"]), key=len, reverse=True)


def parse_number(seq: str, year: str | None, rest: str, sep: str | None) -> Parsed:
    """Assemble a canonical number from its parts (the header regex's groups)."""
    rest = re.sub(r"\s+", "", rest)
    if "/" in rest and sep != "/":  # Party form: seq-TYPE/ISSUER
        ptype, _, issuer = rest.partition("/")
        value = f"{seq}-{ptype}/{issuer}"
        return Parsed(value, seq, None, ptype, tuple(issuer.split("-")), True)
    syms = tuple(rest.split("-"))
    value = f"{seq}/{year}/{rest}" if year else f"{seq}/{rest}"
    return Parsed(value, seq, int(year) if year else None, _state_abbr(syms), syms, False)


def iter_numbers(t: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """Document numbers in ``t[start:end]`` that stand alone (not inside a longer token)."""
    for m in NUMBER_RE.finditer(t, start, len(t) if end is None else end):
        a = m.start()
        if a and (t[a - 1].isalnum() or t[a - 1] in "/.-_"):
            continue
        yield m


def from_match(m: re.Match[str]) -> Parsed:
    """Parts of a ``NUMBER_RE`` match."""
    if m.group("ptype"):
        return parse_number(m.group("seq"), None, f"{m.group('ptype')}/{m.group('psym')}", "-")
    return parse_number(m.group("seq"), m.group("year"), m.group("sym"), "/")


def _state_abbr(syms: tuple[str, ...]) -> str | None:
    state, _, _ = _types()
    return syms[0] if len(syms) > 1 and syms[0] in state else None


def type_of(p: Parsed) -> str | None:
    """The document type the number's abbreviation names, if it names one."""
    state, party, _ = _types()
    if p.party:
        return party.get(p.type_abbr or "")
    return state.get(p.type_abbr or "")


def is_legal_type(name: str | None) -> bool:
    """A legal-document type (văn bản QPPL) whose numbers carry the year."""
    return name in _types()[2]
