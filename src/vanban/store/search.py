"""Full-text search, the engine-free part: query language, folded shadow text, match expressions, snippets.

Text and query are folded the same way (``vanban.normalize.fold``: lower case, no tone or
vowel marks, ``đ``→``d``, both tone placements alike) and punctuation is blanked one character
for one character, so offsets in the shadow are offsets in the original and snippets highlight
the original words. Query syntax: bare words (all must occur; the last one also as a prefix,
unless it is a complete syllable: ``data/syllables.txt``), ``"exact phrase"``, ``word*`` for
an explicit prefix; ``24/CT-TW`` is the phrase ``24 ct tw``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..lexicon import complete_syllables
from ..normalize import fold
from .models import DocumentRow

_PUNCT = re.compile(r"[^\w\s]")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_ALNUM = re.compile(r"[^\W_]+")


class _FoldTable(dict[int, str]):
    """``fold`` one character at a time, each distinct character computed once (for ``translate``).

    ``fold`` over a whole text is a Python loop over every character (≈ 12 ms for a 36 KB
    document, most of what storing one cost); folding is per character (lower case, marks off,
    ``đ``→``d``), so a memo of each character's fold and ``str.translate`` give the same text
    at C speed. Only context-dependent lower-casing (the Greek final sigma) can differ.
    """

    def __missing__(self, code: int) -> str:
        out = self[code] = _PUNCT.sub(" ", fold(chr(code)))
        return out


_FOLD = _FoldTable()


def shadow(s: str) -> str:
    """The folded text the index covers; one character for each character of ``s`` when possible."""
    return s.translate(_FOLD)


def pairs(shadow_text: str) -> str:
    """Adjacent syllables as one token each (``ky cuong`` → ``ky_cuong``): the ``doc_pairs`` index.

    Vietnamese words are mostly two or three syllables, and a syllable pair is far rarer than
    either syllable, so a query's pairs select a small candidate set that ranks cheaply.
    """
    # a shadow holds only word characters and white space, so its words are what ``split``
    # gives unless it holds "_" (a word character that is not part of a syllable)
    words = _ALNUM.findall(shadow_text) if "_" in shadow_text else shadow_text.split()
    return " ".join([a + "_" + b for a, b in pairwise(words)])


def syllables(terms: list[Term]) -> list[str]:
    """The query's syllables in order (the words of every term, split at non-letters)."""
    return [w for t in terms for w in t.words for w in _ALNUM.findall(w)]


def query_pairs(terms: list[Term]) -> list[str]:
    """The syllable pairs of a query's words in order (the last one a prefix when the query's is)."""
    out = [a + "_" + b for a, b in pairwise(syllables(terms))]
    if out and terms[-1].prefix:
        out[-1] += "*"
    return out


def cover_pairs(terms: list[Term]) -> list[list[str]]:
    """The query read as two-syllable words, not necessarily side by side (tier 2).

    ``ke hoach thuc hien`` → ``[[ke_hoach, thuc_hien]]``; an odd count has two readings, the
    leftover syllable first or last (``thue gia tri gia tang`` → ``thue_gia tri_gia`` or
    ``gia_tri gia_tang``), and a document may hold either. Empty below three syllables.
    """
    words = syllables(terms)
    n = len(words)
    out: list[list[str]] = []
    for start in () if n < 3 else (0,) if n % 2 == 0 else (0, 1):
        ps = [words[i] + "_" + words[i + 1] for i in range(start, n - 1, 2)]
        if terms[-1].prefix and start + 2 * len(ps) == n:
            ps[-1] += "*"
        out.append(ps)
    return out


def tiers(terms: list[Term]) -> list[int]:
    """The tiers a query's hits come in (see ``tier_query``)."""
    n = len(syllables(terms))
    return [1, 2, 3, 4] if n >= 3 else [1, 3, 4] if n == 2 else [3, 4]


def pairs_match(terms: list[Term], groups: list[list[tuple[str, ...]]] | None = None) -> str | None:
    """The ``doc_pairs`` MATCH expression (every pair in head or body; filter groups in meta).

    ``None`` for a one-word query. The index has ``detail=column`` (no positions), so a filter
    phrase becomes an AND of its tokens; the exact filter is checked on the document anyway.
    """
    ps = query_pairs(terms)
    if not ps:
        return None
    return " AND ".join(["{head body} : (" + " AND ".join(_quote(p) for p in ps) + ")", *_meta_match(groups)])


def cover_match(terms: list[Term], groups: list[list[tuple[str, ...]]] | None = None) -> str | None:
    """The ``doc_pairs`` MATCH expression of tier 2: any reading of ``cover_pairs``; filter groups."""
    covers = cover_pairs(terms)
    if not covers:
        return None
    alts = " OR ".join("(" + " AND ".join(_quote(p) for p in ps) + ")" for ps in covers)
    return " AND ".join(["{head body} : (" + alts + ")", *_meta_match(groups)])


def _meta_match(groups: list[list[tuple[str, ...]]] | None) -> list[str]:
    out = []
    for g in groups or []:
        alts = ("(" + " AND ".join(_quote(w) for w in alt) + ")" for alt in g)
        out.append("meta : (" + " OR ".join(alts) + ")")
    return out


def _quote(token: str) -> str:
    star = token.endswith("*")
    return '"' + token.rstrip("*") + '"' + ("*" if star else "")


def folded_name(s: str | None) -> str | None:
    """Folded, space-normalized value for exact filters (type, issuer)."""
    return " ".join(_WORD.findall(fold(s))) if s else None


@dataclass(frozen=True)
class Term:
    """One query term: words that must be adjacent, the last possibly a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def regex(self) -> str:
        """The term in a folded text. It opens with its first word, a literal, so that the
        engine skips to its occurrences at C speed (a leading ``\\b`` costs 15× more)."""
        parts = [re.escape(w) for w in self.words]
        tail = r"\w*" if self.prefix else r"(?!\w)"
        return parts[0] + rf"(?<!\w{parts[0]})" + "".join(r"\W+" + p for p in parts[1:]) + tail


def parse_query(q: str) -> list[Term]:
    """Split a query into terms (see the module docstring).

    A last bare word that is a complete syllable is not a prefix: ``so*`` would merge the
    doclists of every syllable starting ``so`` (``soan``, ``soat``, ``song`` …), several
    times the cost of the query, for matches the user did not type.
    """
    terms: list[Term] = []
    for m in _TOKEN.finditer(q):
        phrase, word = m.group(1), m.group(2)
        raw = phrase if phrase is not None else word
        prefix = phrase is None and raw.endswith("*")
        words = tuple(_WORD.findall(shadow(raw)))
        if words:
            terms.append(Term(words, prefix))
    last = terms[-1] if terms else None
    if (
        last
        and not last.prefix
        and len(last.words) == 1
        and not q.rstrip().endswith('"')
        and last.words[0] not in complete_syllables()
    ):
        terms[-1] = Term(last.words, True)
    return terms


def meta_tokens(year: int | None, system: str | None, doc_type_f: str | None, issuer_f: str | None) -> str:
    """Filter values as index tokens (``y2019 sparty tchithi itinh iuy``), in the ``meta`` column.

    A filter then narrows the full-text match itself (a doclist intersection) instead of being
    checked row by row on every match; migration 0002 builds the same string in SQL.
    """
    parts = [f"y{year}" if year else "", f"s{system}" if system else ""]
    parts.append("t" + doc_type_f.replace(" ", "") if doc_type_f else "")
    parts.append(" ".join("i" + w for w in issuer_f.split()) if issuer_f else "")
    return " ".join(p for p in parts if p)


def fts5_match(terms: list[Term], groups: list[list[tuple[str, ...]]]) -> str:
    """The FTS5 MATCH expression: every term in head or body, every filter group in meta."""
    out = [phrase(t, "{head body}") for t in terms]
    for g in groups:
        out.append("meta : (" + " OR ".join('"' + " ".join(alt) + '"' for alt in g) + ")")
    return " AND ".join(out)


def phrase(t: Term, columns: str = "") -> str:
    """One term as an FTS5 phrase (a prefix if it is one), limited to ``columns`` if given."""
    return (columns + " : " if columns else "") + '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")


def pg_tsquery(terms: list[Term], groups: list[list[tuple[str, ...]]]) -> str:
    """The PostgreSQL ``to_tsquery('simple', …)`` expression (every term and filter group)."""
    out = []
    for t in terms:
        words = list(t.words)
        if t.prefix:
            words[-1] += ":*"
        out.append("(" + " <-> ".join(words) + ")")
    for g in groups:
        out.append("(" + " | ".join("(" + " <-> ".join(alt) + ")" for alt in g) + ")")
    return " & ".join(out)


@dataclass(frozen=True)
class Filters:
    """What a search or an export is restricted to; ``None`` means no restriction."""

    doc_type: str | None = None  # "Chỉ thị", "chi thi"
    issuer: str | None = None  # any part of the issuer's name, diacritics optional
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    number: str | None = None  # "24-CT/TW" in any spelling of Đ/spaces/case
    system: str | None = None  # state, party, other
    status: str | None = None  # ok, failed
    deleted: bool = False  # search the removed documents instead

    def groups(self) -> list[list[tuple[str, ...]]]:
        """The filters as ``meta`` token groups (alternatives of phrases); ``clauses`` stays exact."""
        out: list[list[tuple[str, ...]]] = []
        years = None
        if self.year is not None:
            years = [self.year]
        elif self.date_from and self.date_to and self.date_to.year - self.date_from.year < 30:
            years = list(range(self.date_from.year, self.date_to.year + 1))
        if years:
            out.append([(f"y{y}",) for y in years])
        if self.system:
            out.append([(f"s{folded_name(self.system)}",)])
        if self.doc_type:
            out.append([("t" + (folded_name(self.doc_type) or "").replace(" ", ""),)])
        words = (folded_name(self.issuer) or "").split() if self.issuer else []
        if words:
            out.append([tuple("i" + w for w in words)])
        return out

    def clauses(self) -> list[ColumnElement[bool]]:
        """SQL conditions on ``documents`` for these filters."""
        from ..cite import canonical_key

        d = DocumentRow
        out: list[ColumnElement[bool]] = [
            d.deleted_at.is_not(None) if self.deleted else d.deleted_at.is_(None)
        ]
        if self.doc_type:
            out.append(d.doc_type_f == folded_name(self.doc_type))
        if self.issuer:
            out.append(d.issuer_f.contains(folded_name(self.issuer) or "", autoescape=True))
        if self.year is not None:
            out.append(d.year == self.year)
        if self.date_from:
            out.append(d.date >= self.date_from)
        if self.date_to:
            out.append(d.date <= self.date_to)
        if self.number:
            key = canonical_key(self.number, None, None)
            out.append(or_(d.number_key == key.split("@")[0], d.key == key))
        if self.system:
            out.append(d.system == self.system)
        if self.status:
            out.append(d.status == self.status)
        return out


@dataclass(frozen=True)
class Hit:
    """One search result, with a snippet of the original text and where the matches stand in it."""

    id: int
    number: str | None
    doc_type: str | None
    date: dt.date | None
    issuer: str | None
    subject: str | None
    status: str
    score: float
    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()  # offsets into ``snippet``


@dataclass(frozen=True)
class Page:
    """A page of hits; ``next`` is the cursor of the following page (``None`` on the last)."""

    hits: list[Hit]
    next: str | None
    total: int | None = None
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)


FACETS = ("doc_type", "year", "system", "issuer")
FACET_LIMIT = 12


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor for keyset pagination."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    """The values a cursor holds; ``ValueError`` if it is not one of ours."""
    try:
        out = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a search cursor: {cursor!r}") from exc
    if not isinstance(out, list) or len(out) not in (2, 4):
        raise ValueError(f"not a search cursor: {cursor!r}")
    return out


HIT_COLUMNS = (
    DocumentRow.id,
    DocumentRow.number,
    DocumentRow.doc_type,
    DocumentRow.date,
    DocumentRow.issuer,
    DocumentRow.subject,
    DocumentRow.status,
)
NEWEST_FIRST = func.coalesce(DocumentRow.date, dt.date(1, 1, 1))


def listed(filters: Filters) -> Select[Any]:
    """The filtered documents without a query, newest first (sort column ``NEWEST_FIRST``)."""
    return select(*HIT_COLUMNS, NEWEST_FIRST.label("score")).where(*filters.clauses())


def page_after(q: Select[Any], sort: ColumnElement[Any], after: str | None, dated: bool) -> Select[Any]:
    """Order by (sort desc, id) and continue after the cursor (keyset pagination)."""
    d = DocumentRow
    q = q.order_by(sort.desc(), d.id.desc() if dated else d.id)
    if after is None:
        return q
    value, last_id = decode_cursor(after)
    if dated:
        value = dt.date.fromisoformat(str(value))
        return q.where(or_(sort < value, and_(sort == value, d.id < last_id)))
    return q.where(or_(sort < value, and_(sort == value, d.id > last_id)))


def more_than_ranked(ids: Select[Any]) -> Select[Any]:
    """Whether ``ids`` has more than ``RANKED_MAX`` rows (counted up to that)."""
    some = ids.limit(RANKED_MAX + 1).subquery()
    return select(func.count() > RANKED_MAX).select_from(some)


# A hit's score is its tier's base plus its BM25 in that tier, so scores fall down the list:
# the query's syllables side by side (tier 1), its two-syllable words apart (tier 2), the rest.
PHRASE_BONUS = 3000.0
WORDS_BONUS = 2000.0
TIER_BASE = {1: PHRASE_BONUS, 2: WORDS_BONUS, 3: 1000.0, 4: 0.0}


def score(tier: int, rank: float, newest: bool) -> float:
    """A hit's score from its tier and its rank there (lower rank first): it falls down the list.

    By BM25: the tier's base plus BM25. Newest first (rank ``-id``): the base plus the id as a
    fraction below 1.
    """
    return TIER_BASE[tier] + (-rank / 1e12 if newest else -rank)


# A pair tier with more matches than this is listed newest first rather than by BM25: scoring
# reads every match, and the pairs that common are the ones BM25 weighs at nearly nothing.
RANKED_MAX = 1000


def facet_counts(filters: Filters, matching: Select[Any] | None) -> Select[Any]:
    """Counts per combination of the facet columns over every match (one pass; summed per facet).

    The match (``matching``: the ids the query matches, ``None`` without a query) is an ``IN``
    set rather than a join so that the planner cannot probe the full-text index once per
    filtered row.
    """
    d = DocumentRow
    cols = [getattr(d, f) for f in FACETS]
    q = select(*cols, func.count()).where(*filters.clauses())
    if matching is not None:
        q = q.where(d.id.in_(matching))
    return q.group_by(*cols)


def summarize(rows: list[Any]) -> tuple[int, dict[str, list[tuple[Any, int]]]]:
    """The total and the top values of each facet from ``facet_counts`` rows."""
    total = 0
    per: dict[str, dict[Any, int]] = {f: {} for f in FACETS}
    for *values, n in rows:
        total += n
        for f, v in zip(FACETS, values, strict=True):
            per[f][v] = per[f].get(v, 0) + n
    top = {f: sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))[:FACET_LIMIT] for f, c in per.items()}
    return total, top


SNIPPET_CHARS = 220


def snippet(original: str, shadow_text: str, terms: list[Term]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of the original text around the densest cluster of matches, and their offsets.

    When folding changed the length (decomposed input), the window is cut from the shadow.
    """
    source = original if len(original) == len(shadow_text) else shadow_text
    at = _densest(shadow_text, terms) if terms else None
    if at is None:
        return _clip(source, 0, SNIPPET_CHARS), ()
    start = max(0, at - 40)
    while start > 0 and not source[start - 1].isspace() and at - start < 60:
        start -= 1
    end = min(len(source), start + SNIPPET_CHARS)
    pattern = re.compile("|".join(f"(?:{t.regex()})" for t in terms))
    lead = 1 if start > 0 else 0
    # scanned a little past the window, so a word it cuts is not marked as a whole one
    marks = tuple(
        (m.start() - start + lead, m.end() - start + lead)
        for m in pattern.finditer(shadow_text, start, end + 40)
        if m.end() <= end
    )
    return _clip(source, start, end), marks


_ANCHORS_TRIED = 100


def _densest(shadow_text: str, terms: list[Term]) -> int | None:
    """Where the window holding the most distinct query terms starts: the query as typed (one
    scan), else around an occurrence of its rarest term (C-level counts and bounded searches)."""
    whole = re.compile(r"\W+".join(t.regex() for t in terms)).search(shadow_text)
    if whole:
        return whole.start()
    counted = ((len(r.findall(shadow_text)), r) for r in (re.compile(t.regex()) for t in terms))
    present = [(n, r) for n, r in counted if n]
    if not present:
        return None
    rare = min(present, key=lambda x: x[0])[1]
    half = (SNIPPET_CHARS - 40) // 2  # every term found within this of the anchor fits the window
    best, best_n = None, 0
    for i, m in enumerate(rare.finditer(shadow_text)):
        if i == _ANCHORS_TRIED:
            break
        lo, hi = max(0, m.start() - half), m.end() + half
        near = (r.search(shadow_text, lo, hi) for _n, r in present if r is not rare)
        starts = [m.start()] + [x.start() for x in near if x]
        if len(starts) > best_n:
            best, best_n = min(starts), len(starts)
            if best_n == len(present):
                break
    return best


def _clip(s: str, start: int, end: int) -> str:
    body = s[start:end].replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(s) else "")
