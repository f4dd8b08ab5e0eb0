"""Citations (trích dẫn): find every reference to another document, then resolve them.

In the style of eyecite: ``get_citations(text)`` finds, ``resolve_citations(citations)`` merges
the mentions of one document into one citation with its type, date, issuer and title.
Works on normalized text (``vanban.normalize``); spans are offsets into that text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cache

from .lexicon import dates, pattern
from .lexicon.numbers import NUMBER_RE, from_match, is_legal_type, iter_numbers, type_names, type_of
from .model import Citation
from .rules import table


@dataclass(frozen=True)
class Mention:
    """One place the text refers to a document."""

    number: str | None
    doc_type: str | None
    date: dt.date | None
    issuer: str | None
    title: str | None
    relation: str
    span: tuple[int, int]
    named: bool = False
    quoted: bool = False  # the title was quoted ("về việc “…”"): mentions can be compared


@dataclass(frozen=True)
class _Patterns:
    """The citation grammar (``cite.*`` of ``data/lexicon/grammar.toml``) and the relation cues."""

    list_sep: re.Pattern[str]
    date_after: re.Pattern[str]
    issuer_after: re.Pattern[str]
    title_after: re.Pattern[str]
    named_law: re.Pattern[str]
    relations: re.Pattern[str]  # every relation cue in one pass; the last one before a mention wins


@cache
def _patterns() -> _Patterns:
    rel = table("citations")["relation"]
    return _Patterns(
        pattern("cite.list_sep"),
        pattern("cite.date_after"),
        pattern("cite.issuer_after"),
        pattern("cite.title_after"),
        pattern("cite.named_law"),
        re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in rel.items())),
    )


@cache
def _type_words() -> tuple[dict[str, str], int]:
    """Type words as they stand before a number, lower-cased → canonical type; longest in words."""
    words: dict[str, str] = {}
    for name in type_names():
        words[name.lower()] = name
        words[f"{name.lower()} liên tịch"] = name
    for alias, name in table("doc_types")["aliases"].items():
        words.setdefault(alias.lower(), name)
    return words, max(len(w.split()) for w in words)


_LAW_BEFORE = pattern("cite.law_before")
_DATE_BEFORE = pattern("cite.date_before")
_NOT_ISSUER = pattern("cite.not_issuer")
_TITLE_START = pattern("cite.title_start")
_TITLE_TAIL = pattern("cite.title_tail")
_NUMBER_WORD = pattern("cite.number_word")
_NUMBERED = pattern("cite.numbered")
_BASIS_CLAUSE = pattern("cite.basis_clause")


def _type_before(t: str, pos: int) -> tuple[str, int] | None:
    """The type word (and "số") just before ``pos``: "Nghị định số", "Công văn số", "QĐ"."""
    before = t[max(0, pos - 70) : pos]
    m = _NUMBER_WORD.search(before)
    head = before[: m.start()] if m else before
    words, longest = _type_words()
    toks = head.split()
    for k in range(min(longest, len(toks)), 0, -1):
        cand = " ".join(toks[-k:]).lower()
        if cand in words:
            # start of the type word in t
            idx = head.lower().rfind(toks[-k].lower())
            return words[cand], max(0, pos - len(before) + idx)
    return None


def _relation(t: str, start: int) -> str:
    """The relation a mention expresses, from the words of its clause before it."""
    lo = max(0, start - 200)
    clause_start = max(t.rfind(";", lo, start), t.rfind(".", lo, start), t.rfind("\n\n", lo, start))
    begin = max(clause_start + 1, lo)
    basis = _BASIS_CLAUSE.match(t, begin)
    best, rank = "mentions", (-1, 0)
    for m in _patterns().relations.finditer(t, begin, start):
        if t[max(0, m.start() - 5) : m.start()].rstrip().endswith("Luật"):
            continue  # the law's own name ("Luật Thực hiện dân chủ ở cơ sở") is no cue
        r = (m.end(), m.end() - m.start())  # the last cue; the longer of two ending together
        if r > rank:
            best, rank = m.lastgroup or best, r
    if basis:
        # a "Căn cứ …" clause cites its legal bases (amending acts included); a document named in
        # the title of a basis keeps its own cue ("… hướng dẫn tuyên truyền thực hiện Chỉ thị số …")
        nested = best in ("implements", "continues") and NUMBER_RE.search(t, begin, rank[0] - rank[1])
        return best if nested else "basis"
    return best


def _date_before(t: str, pos: int) -> dt.date | None:
    """A date given before the mention: "Ngày 09/4/2013, Chính phủ đã ban hành Nghị định số …"."""
    lo = max(0, pos - 200)
    clause = max(t.rfind(";", lo, pos), t.rfind(".\n", lo, pos), t.rfind("\n\n", lo, pos))
    m = _DATE_BEFORE.search(t, max(lo, clause + 1), pos)
    return _date_at(m)


def _date_at(m: re.Match[str] | None) -> dt.date | None:
    if not m:
        return None
    return dates.from_match(m)


def get_citations(t: str, start: int = 0, end: int | None = None, own: str | None = None) -> list[Mention]:
    """Every mention of another document in ``t[start:end]``, in text order."""
    p = _patterns()
    end = len(t) if end is None else end
    out: list[Mention] = []
    last_type: tuple[str | None, int] = (None, -1)
    for m in iter_numbers(t, start, end):
        parsed = from_match(m)
        if own and parsed.value == own:
            last_type = (None, -1)
            continue
        tb = _type_before(t, m.start())
        doc_type: str | None = None
        if tb:
            doc_type = tb[0]
        elif last_type[0] and p.list_sep.match(t[last_type[1] : m.start()]):
            doc_type = last_type[0]
        if doc_type in (None, "Văn bản") or (doc_type and not tb and type_of(parsed)):
            doc_type = type_of(parsed) or doc_type
        if (
            doc_type is None
            and parsed.year
            and parsed.symbols[0].startswith("QH")
            and _LAW_BEFORE.search(t, max(0, m.start() - 160), m.start())
        ):
            doc_type = "Luật"  # "Luật Doanh nghiệp số 59/2020/QH14"
        if doc_type in (None, "Văn bản") and not parsed.party and not parsed.year and not parsed.type_abbr:
            doc_type = "Công văn"  # a State number without a type code: NĐ 30/2020, Phụ lục I, II.3
        after = t[m.end() : m.end() + 400]
        date = _date_at(p.date_after.match(after)) or _date_before(t, tb[1] if tb else m.start())
        nxt = NUMBER_RE.search(after)
        after = after[: nxt.start()] if nxt else after  # details up to the next cited number
        ci = after.find("của ", 0, 60)
        im = p.issuer_after.match(after, ci) if ci >= 0 else None
        issuer = im.group("issuer").strip().removesuffix(" và").rstrip(" ,") if im else None
        if issuer and _NOT_ISSUER.match(issuer):
            issuer = None  # "theo quy định của Nghị định số …": another document, not an issuer
        ts = _TITLE_START.search(after, 0, 200)
        tm = p.title_after.match(after, ts.start()) if ts and len(ts.group()) > 1 else None
        title = (tm.group("quoted") or tm.group("title")).strip(" ,") if tm else None
        if title and not tm.group("quoted"):
            title = _TITLE_TAIL.sub("", title) or title
        s = tb[1] if tb else m.start()
        out.append(
            Mention(
                parsed.value,
                doc_type,
                date,
                issuer,
                title,
                _relation(t, s),
                (s, m.end()),
                quoted=bool(tm and tm.group("quoted")),
            )
        )
        last_type = (doc_type, m.end())
    words, _ = _type_words()
    for m in p.named_law.finditer(t, start, end):
        after = t[m.end() : m.end() + 60]
        if _NUMBERED.match(after):
            continue  # numbered: found above
        name = " ".join(m.group().split())
        kind = words.get(" ".join(m.group("type").split()).lower(), m.group("type"))
        date = _date_at(p.date_after.match(after))
        out.append(Mention(None, kind, date, None, name, _relation(t, m.start()), m.span(), named=True))
    out.sort(key=lambda x: x.span)
    return out


def canonical_key(
    number: str | None, doc_type: str | None, date: dt.date | None, title: str | None = None
) -> str:
    """A key that names one document: the number, and the year where numbers recur each year."""
    if not number:
        return "name:" + " ".join((title or "").lower().split())
    key = re.sub(r"\s+", "", number).upper().replace("Đ", "D")
    if not re.search(r"/(?:19|20)\d{2}/", number) and date and not is_legal_type(doc_type):
        key += f"@{date.year}"
    return key


def resolve_citations(mentions: list[Mention]) -> list[Citation]:
    """One citation per cited document, in order of first mention, the details merged."""
    by_key: dict[str, Mention] = {}
    order: list[str] = []
    for mt in mentions:
        k = mt.number or ("name:" + (mt.title or "").lower())
        if k not in by_key:
            by_key[k] = mt
            order.append(k)
            continue
        cur = by_key[k]
        by_key[k] = replace(
            cur,
            doc_type=cur.doc_type or mt.doc_type,
            date=cur.date or mt.date,
            issuer=cur.issuer or mt.issuer,
            title=cur.title or mt.title,
            relation=cur.relation if cur.relation != "mentions" else mt.relation,
        )
    out = []
    for k in order:
        mt = by_key[k]
        out.append(
            Citation(
                mt.number,
                mt.doc_type,
                mt.date,
                mt.issuer,
                mt.title,
                mt.relation,
                canonical_key(mt.number, mt.doc_type, mt.date, mt.title),
                mt.span,
                mt.named,
            )
        )
    return out


@dataclass(frozen=True)
class Conflict:
    """Two mentions of one document that disagree on its date or its (quoted) title."""

    kind: str  # date, title
    number: str
    first: Mention
    other: Mention


def inconsistencies(mentions: list[Mention]) -> list[Conflict]:
    """Mentions of one document that disagree with an earlier one."""
    seen: dict[str, Mention] = {}
    seen_quoted: dict[str, list[Mention]] = {}
    out: list[Conflict] = []
    for mt in mentions:
        if not mt.number:
            continue
        first = seen.setdefault(mt.number, mt)
        if first is mt:
            if mt.quoted:
                seen_quoted[mt.number] = [mt]
            continue
        if first.date and mt.date and first.date != mt.date:
            out.append(Conflict("date", mt.number, first, mt))
        quoted = [x for x in seen_quoted.get(mt.number, []) if x is not mt]
        if mt.quoted and quoted and _quoted_core(quoted[0].title or "") != _quoted_core(mt.title or ""):
            out.append(Conflict("title", mt.number, quoted[0], mt))
        if mt.quoted:
            seen_quoted.setdefault(mt.number, []).append(mt)
    return out


def _quoted_core(title: str) -> str:
    return " ".join(title.lower().split()).strip(' .,;”"')
