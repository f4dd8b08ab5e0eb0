"""One search backend per database engine, chosen once when the archive opens (``backend_for``).

``SqliteFts5Backend``: FTS5 — hits in four tiers (``doc_pairs``, the syllable pairs, by BM25;
``doc_head``; ``doc_fts``), the contentless pair index kept by hand, statements reading
``documents`` through its covering index. ``PostgresBackend``: one ``tsvector`` query (a
generated column, kept by the server) ranked by ``ts_rank_cd``, newest first past
``search.RANKED_MAX`` matches. ``search_page`` is what ``Archive.search`` runs on either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    Engine,
    Executable,
    Float,
    Select,
    and_,
    cast,
    column,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from . import search
from .models import DocTextRow, DocumentRow
from .search import Filters, Hit, Page, Term

__all__ = ["PostgresBackend", "SearchBackend", "SqliteFts5Backend", "backend_for", "search_page"]

Hits = tuple[list[Any], bool, str | None]  # rows of ``search.HIT_COLUMNS`` + score, more, cursor
TextRows = list[tuple[int, dict[str, str], tuple[str, str]]]  # (id, doc_text values, pairs)


class SearchBackend(Protocol):
    """What the archive asks of its database engine's full-text index."""

    name: str

    def hits(self, s: Session, terms: list[Term], filters: Filters, limit: int, after: str | None) -> Hits:
        """A page of hits of a query with terms, ranked; more pages?, the cursor if the
        backend makes its own (else ``None``: the caller makes ``[score, id]``)."""
        ...

    def facet_query(self, terms: list[Term], filters: Filters) -> Executable:
        """The statement counting ``search.FACETS`` over every match (``search.facet_counts``)."""
        ...

    def add_texts(self, s: Session, rows: TextRows) -> None:
        """Insert new documents' ``doc_text`` rows and their index entries."""
        ...

    def replace_text(self, s: Session, doc_id: int, txt: dict[str, str], pairs: tuple[str, str]) -> None:
        """Rewrite a stored document's ``doc_text`` row and its index entries."""
        ...


def backend_for(bind: Engine | Connection) -> SearchBackend:
    """The backend of ``bind``'s engine: SQLite (FTS5) or PostgreSQL (tsvector)."""
    dialect = bind.dialect
    return SqliteFts5Backend(dialect) if dialect.name == "sqlite" else PostgresBackend()


def search_page(
    s: Session,
    backend: SearchBackend,
    query: str,
    filters: Filters,
    limit: int,
    after: str | None,
    facets: bool,
) -> Page:
    """``Archive.search``: hits (ranked by ``backend``, or without a query newest first) with
    snippets, the next page's cursor, and on the first page the total and facet counts."""
    terms = search.parse_query(query)
    if terms:
        rows, more, nxt = backend.hits(s, terms, filters, limit, after)
    else:
        rows, more, nxt = keyset_page(s, search.listed(filters), search.NEWEST_FIRST, after, True, limit)
    texts = {
        r.document_id: (r.text, r.body)
        for r in s.execute(
            select(DocTextRow.document_id, DocTextRow.text, DocTextRow.body).where(
                DocTextRow.document_id.in_([r.id for r in rows])
            )
        )
    }
    hits = []
    for r in rows:
        snip, marks = search.snippet(*texts.get(r.id, ("", "")), terms)
        score = r.score.isoformat() if isinstance(r.score, dt.date) else float(r.score)
        hits.append(
            Hit(r.id, r.number, r.doc_type, r.date, r.issuer, r.subject, r.status, score, snip, marks)
        )
    if more and nxt is None:
        nxt = search.encode_cursor([hits[-1].score, hits[-1].id])
    total = None
    counts: dict[str, list[tuple[Any, int]]] = {}
    if facets and after is None:
        total, counts = search.summarize(list(s.execute(backend.facet_query(terms, filters))))
    return Page(hits, nxt, total, counts)


def keyset_page(
    s: Session, q: Select[Any], sort: ColumnElement[Any], after: str | None, dated: bool, limit: int
) -> Hits:
    """One page of ``q`` in (``sort`` desc, id) order after the cursor ``after``."""
    rows = s.execute(search.page_after(q, sort, after, dated).limit(limit + 1)).all()
    return rows[:limit], len(rows) > limit, None


# -- PostgreSQL ------------------------------------------------------------------------------


class PostgresBackend:
    """``doc_text.tsv`` (a generated ``tsvector``, GIN-indexed): one query per page."""

    name = "postgresql"

    def _match(self, terms: list[Term], filters: Filters) -> tuple[ColumnElement[bool], ColumnElement[float]]:
        q = func.to_tsquery(literal_column("'simple'::regconfig"), search.pg_tsquery(terms, filters.groups()))
        tsv = literal_column("doc_text.tsv")
        # double precision: the score must survive a round trip through the cursor unchanged
        return tsv.op("@@")(q), cast(func.ts_rank_cd(tsv, q, 1), Float(53))

    def _matching(self, terms: list[Term], filters: Filters) -> Select[Any]:
        return select(DocTextRow.document_id).where(self._match(terms, filters)[0])

    def hits(self, s: Session, terms: list[Term], filters: Filters, limit: int, after: str | None) -> Hits:
        """Ranked by ``ts_rank_cd``; newest first when more than ``RANKED_MAX`` match (ranking
        reads every match's tsvector, out of line in TOAST), as a large pair tier on SQLite."""
        if after is not None:  # a newest-first page's cursor holds a date
            newest = isinstance(search.decode_cursor(after)[0], str)
        else:
            newest = bool(s.execute(search.more_than_ranked(self._matching(terms, filters))).scalar())
        cond, score = self._match(terms, filters)
        sort = search.NEWEST_FIRST if newest else score
        d = DocumentRow
        q = (
            select(*search.HIT_COLUMNS, sort.label("score"))
            .select_from(DocTextRow)
            .join(d, d.id == DocTextRow.document_id)
            .where(cond, *filters.clauses())
        )
        return keyset_page(s, q, sort, after, newest, limit)

    def facet_query(self, terms: list[Term], filters: Filters) -> Executable:
        return search.facet_counts(filters, self._matching(terms, filters) if terms else None)

    def add_texts(self, s: Session, rows: TextRows) -> None:
        s.execute(insert(DocTextRow), [{**txt, "document_id": i} for i, txt, _pairs in rows])

    def replace_text(self, s: Session, doc_id: int, txt: dict[str, str], pairs: tuple[str, str]) -> None:
        s.execute(update(DocTextRow).where(DocTextRow.document_id == doc_id).values(**txt))


# -- SQLite FTS5 -----------------------------------------------------------------------------

FTS = table("doc_fts", column("rowid"))
PAIRS = table("doc_pairs", column("rowid"))
HEAD = table("doc_head", column("rowid"))
BM25 = "bm25(6.0, 1.0, 0.0)"  # head, body, meta
LEAN = "INDEXED BY ix_documents_lean"
_PAIRS_INSERT = text("INSERT INTO doc_pairs(rowid, head, body, meta) VALUES (:id, :head, :body, :meta)")
_PAIRS_DELETE = text(
    "INSERT INTO doc_pairs(doc_pairs, rowid, head, body, meta) VALUES ('delete', :id, :head, :body, :meta)"
)


@dataclass(frozen=True)
class _Row:
    id: int
    number: str | None
    doc_type: str | None
    date: dt.date | None
    issuer: str | None
    subject: str | None
    status: str
    score: float


class SqliteFts5Backend:
    """FTS5 tables ``doc_fts`` (head, body, meta), ``doc_head`` and ``doc_pairs`` (contentless)."""

    name = "sqlite"

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def lean(self, q: Select[Any]) -> Executable:
        """``q`` reading ``documents`` through ``ix_documents_lean`` (``INDEXED BY``).

        A document row carries its record JSON in overflow pages before ``deleted_at``; checking
        a filter on the row walks them (≈ 2.5 µs a match at 100k), the index holds only what
        filters and facets read. SQLAlchemy renders no hints for SQLite, so the statement is
        compiled (values inline, quoted by SQLAlchemy) and the hint put after the table name.
        """
        sql = str(q.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True}))
        hinted = sql.replace("FROM documents \n", f"FROM documents {LEAN} \n")
        assert hinted != sql, sql
        return text(hinted)

    def hits(self, s: Session, terms: list[Term], filters: Filters, limit: int, after: str | None) -> Hits:
        """The page of hits in tiers (see ``tier_query``), its cursor.

        The cursor is ``[tier, rank, ids shown with that rank, newest first]``, so a page
        boundary inside a run of equal scores neither repeats nor skips a document, and the
        next page keeps the tier's order.
        """
        tiers = search.tiers(terms)
        start, pos, start_newest = tiers[0], None, False
        if after is not None:
            c = search.decode_cursor(after)
            if len(c) != 4 or c[0] not in tiers:
                raise ValueError(f"not a cursor of this query: {after!r}")
            start, pos, start_newest = c[0], (float(c[1]), [int(i) for i in c[2]]), bool(c[3])
        found: list[tuple[int, int, float, bool]] = []
        for tier in tiers:
            need = limit + 1 - len(found)
            if tier < start or need <= 0:
                continue
            if tier == start and after is not None:
                newest = start_newest
            elif tier >= 3:
                newest = True
            else:
                newest = bool(s.execute(self.lean(tier_is_large(tier, terms, filters))).scalar())
            q = tier_query(tier, terms, filters, need, pos if tier == start else None, newest)
            found += [(tier, r.id, r.rank, newest) for r in s.execute(self.lean(q))]
        more = len(found) > limit
        found = found[:limit]
        nxt = None
        if more:
            tier, _id, rank, newest = found[-1]
            shown = [i for t, i, r, _n in found if t == tier and r == rank]
            if pos is not None and tier == start and pos[0] == rank:
                shown += pos[1]
            nxt = search.encode_cursor([tier, rank, shown, newest])
        d = DocumentRow
        by_id = {
            r.id: r for r in s.execute(select(*search.HIT_COLUMNS).where(d.id.in_([f[1] for f in found])))
        }
        rows = [_Row(*by_id[i][:7], search.score(t, rank, nw)) for t, i, rank, nw in found if i in by_id]
        return rows, more, nxt

    def facet_query(self, terms: list[Term], filters: Filters) -> Executable:
        matching = None
        if terms:
            fts_q = search.fts5_match(terms, filters.groups())
            matching = select(FTS.c.rowid).where(text("doc_fts MATCH :fts_q").bindparams(fts_q=fts_q))
        return self.lean(search.facet_counts(filters, matching))

    def add_texts(self, s: Session, rows: TextRows) -> None:
        s.execute(insert(DocTextRow), [{**txt, "document_id": i} for i, txt, _pairs in rows])
        _write_pairs(s, [(i, pairs, txt["meta"]) for i, txt, pairs in rows])

    def replace_text(self, s: Session, doc_id: int, txt: dict[str, str], pairs: tuple[str, str]) -> None:
        # the contentless pair index forgets a row given the values it was written with
        old = s.execute(
            select(DocTextRow.head, DocTextRow.body, DocTextRow.meta).where(DocTextRow.document_id == doc_id)
        ).first()
        if old is not None:
            was = (search.pairs(old.head), search.pairs(old.body))
            _write_pairs(s, [(doc_id, was, old.meta)], "delete")
        s.execute(update(DocTextRow).where(DocTextRow.document_id == doc_id).values(**txt))
        _write_pairs(s, [(doc_id, pairs, txt["meta"])])


def _write_pairs(s: Session, rows: list[tuple[int, tuple[str, str], str]], op: str = "insert") -> None:
    """Add (or, with ``op="delete"``, remove) ``(id, (head pairs, body pairs), meta)`` in ``doc_pairs``."""
    params = [{"id": i, "head": head, "body": body, "meta": meta} for i, (head, body), meta in rows]
    if params:
        s.execute(_PAIRS_DELETE if op == "delete" else _PAIRS_INSERT, params)


def _passes(rowid: ColumnElement[Any], filters: Filters) -> ColumnElement[bool]:
    """The filters checked on one document (through the narrow covering index: see ``lean``)."""
    d = DocumentRow
    return select(literal_column("1")).select_from(d).where(d.id == rowid, *filters.clauses()).exists()


def _tier_source(
    tier: int, terms: list[Term], filters: Filters, exact: bool = True
) -> tuple[Any, list[ColumnElement[bool]]]:
    """The index a tier reads and the conditions of its rows (see ``tier_query``); without
    ``exact``, a pair tier's candidates are not checked against the exact query."""
    groups = filters.groups()
    fq = search.fts5_match(terms, groups)
    if tier >= 3:  # every term in the head (``doc_head``): tier 3, and what tier 4 leaves out
        in_head = text("doc_head MATCH :hq").bindparams(hq=" AND ".join(search.phrase(t) for t in terms))
        if tier == 3:
            src, conds = HEAD, [in_head]
        else:
            head_ids = select(HEAD.c.rowid).where(in_head)
            src, conds = FTS, [text("doc_fts MATCH :fq").bindparams(fq=fq), FTS.c.rowid.not_in(head_ids)]
    else:
        src = PAIRS
        pq = search.pairs_match(terms, groups) if tier == 1 else search.cover_match(terms, groups)
        conds = [text("doc_pairs MATCH :pq").bindparams(pq=pq)]
        # holding every pair of "a b c" is not holding the phrase, and a reading of an odd
        # count leaves a syllable out: check those (per candidate; bare pairs imply the words)
        if exact and (
            any(len(t.words) > 1 for t in terms) or (tier == 2 and len(search.syllables(terms)) % 2)
        ):
            # the filter groups are in the pair match already, and a repeated term adds nothing:
            # each doclist read here is read once per candidate
            exact_q = search.fts5_match(list(dict.fromkeys(terms)), [])
            check = (
                select(literal_column("1"))
                .select_from(FTS)
                .where(text("doc_fts MATCH :fq").bindparams(fq=exact_q), FTS.c.rowid == PAIRS.c.rowid)
            )
            conds.append(check.exists())
    if tier > 1:  # what an earlier tier holds (a superset of its hits: see ``tier_query``)
        earlier = (
            search.cover_match(terms, groups)
            if tier >= 3 and search.cover_pairs(terms)
            else search.pairs_match(terms, groups)
        )
        if earlier is not None:
            inner = select(PAIRS.c.rowid).where(text("doc_pairs MATCH :pq0").bindparams(pq0=earlier))
            conds.append(src.c.rowid.not_in(inner))
    conds.append(_passes(src.c.rowid, filters))
    return src, conds


def tier_query(
    tier: int,
    terms: list[Term],
    filters: Filters,
    n: int,
    after: tuple[float, list[int]] | None = None,
    newest: bool = False,
) -> Select[Any]:
    """The first ``n`` ``(id, rank)`` of one tier on SQLite, best (lowest rank) first.

    Tier 1: documents holding every syllable pair of the query (``doc_pairs``). Tier 2: the
    others holding the query's two-syllable words apart (``cover_match``). Tier 3: the others
    with every term in the head (number, type, issuer, subject: ``doc_head``, whose doclists
    are short); tier 4: the rest of the exact matches (``doc_fts``). Tiers 1–2 rank by BM25
    over the pairs unless ``newest`` (``tier_is_large``); tiers 3–4 and large tiers come newest first (rank ``-id``), which FTS5 walks in id order and
    stops after ``n`` rows: BM25 reads the whole doclist of every term (to weigh it) and
    scores every match, tens of milliseconds for syllables that most documents hold, which
    it then tells apart least. A pair-tier candidate is checked against the exact query
    (``doc_fts``) unless its pairs imply it. Filters are checked only on the rows the index
    yields, through the covering index. ``after`` is ``(rank, ids already shown with that
    rank)`` of the previous page.
    """
    src, conds = _tier_source(tier, terms, filters)
    if tier >= 3 or newest:
        if after is not None:
            conds.append(src.c.rowid < -after[0])
        rank: Any = (-src.c.rowid).label("rank")
        return select(src.c.rowid.label("id"), rank).where(*conds).order_by(src.c.rowid.desc()).limit(n)
    rank = literal_column("doc_pairs.rank")
    conds.insert(1, text("doc_pairs.rank MATCH :bm").bindparams(bm=BM25))
    if after is not None:
        value, shown = after
        conds.append(or_(rank > value, and_(rank == value, src.c.rowid.not_in(shown))))
    return (
        select(src.c.rowid.label("id"), rank.label("rank"))
        .select_from(src)
        .where(*conds)
        .order_by(rank)
        .limit(n)
    )


def tier_is_large(tier: int, terms: list[Term], filters: Filters) -> Select[Any]:
    """Whether a pair tier has more than ``RANKED_MAX`` candidates (counted up to that, in id
    order, before the exact check, which costs a doclist probe each)."""
    src, conds = _tier_source(tier, terms, filters, exact=False)
    return search.more_than_ranked(select(src.c.rowid).where(*conds))
