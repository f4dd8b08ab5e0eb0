"""Links between documents, resolved at read time from citation keys.

A citation keeps the canonical key of what it cites (``vanban.cite.canonical_key``); a stored
document carries the same key built from its own number, type and date. Joining the two when
asked means a citation to a document not yet archived links by itself the moment that
document arrives, and a removed document stops being a link target at once. A citation
without a date (key without ``@year``) also matches a stored document by number alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .models import CitationRow, DocumentRow

# Relations by which a document carries another out: the implementation chain of a directive.
IMPLEMENTING = ("implements", "continues", "guides")


@dataclass(frozen=True)
class Brief:
    """A document as a link shows it."""

    id: int
    number: str | None
    doc_type: str | None
    date: dt.date | None
    subject: str | None


@dataclass(frozen=True)
class Link:
    """One citation: what it names, how (``relation``), and the stored documents it resolves to."""

    relation: str
    key: str
    number: str | None
    doc_type: str | None
    date: dt.date | None
    title: str | None
    targets: tuple[Brief, ...] = ()


@dataclass(frozen=True)
class Node:
    """A document in an implementation tree, with those implementing it."""

    doc: Brief
    relation: str | None
    children: tuple[Node, ...] = field(default=())


def _brief(d: DocumentRow) -> Brief:
    return Brief(d.id, d.number, d.doc_type, d.date, d.subject)


def citing(s: Session, doc_id: int) -> list[Link]:
    """What document ``doc_id`` cites, in order, each with the stored documents it resolves to."""
    cits = s.scalars(
        select(CitationRow).where(CitationRow.document_id == doc_id).order_by(CitationRow.seq)
    ).all()
    keys = {c.key for c in cits}
    bare = {k for k in keys if "@" not in k and not k.startswith("name:")}
    found: dict[str, list[DocumentRow]] = {}
    if keys:
        rows = s.scalars(
            select(DocumentRow).where(
                DocumentRow.deleted_at.is_(None),
                DocumentRow.id != doc_id,
                or_(DocumentRow.key.in_(keys), DocumentRow.number_key.in_(bare)),
            )
        ).all()
        for d in rows:
            for k in {d.key, d.number_key} & keys:
                found.setdefault(k, []).append(d)
    out: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for c in cits:
        if (c.key, c.relation) in seen:
            continue
        seen.add((c.key, c.relation))
        targets = tuple(_brief(d) for d in sorted(found.get(c.key, []), key=lambda d: d.id))
        out.append(Link(c.relation, c.key, c.number, c.doc_type, c.date, c.title, targets))
    return out


def cited_by(s: Session, doc_id: int, relations: tuple[str, ...] | None = None) -> list[tuple[str, Brief]]:
    """``(relation, document)`` for each stored document citing ``doc_id``."""
    d = s.get(DocumentRow, doc_id)
    if d is None or not d.key:
        return []
    keys = [d.key] + ([d.number_key] if d.number_key and d.number_key != d.key else [])
    q = (
        select(CitationRow.relation, DocumentRow)
        .join(DocumentRow, DocumentRow.id == CitationRow.document_id)
        .where(CitationRow.key.in_(keys), DocumentRow.deleted_at.is_(None), DocumentRow.id != doc_id)
        .order_by(DocumentRow.date, DocumentRow.id)
    )
    if relations:
        q = q.where(CitationRow.relation.in_(relations))
    out: list[tuple[str, Brief]] = []
    seen: set[tuple[str, int]] = set()
    for rel, row in s.execute(q).all():
        if (rel, row.id) not in seen:
            seen.add((rel, row.id))
            out.append((rel, _brief(row)))
    return out


def implementation_tree(s: Session, doc_id: int, max_depth: int = 6) -> Node | None:
    """The documents implementing ``doc_id``, and those implementing them, as a tree (no cycles)."""
    root = s.get(DocumentRow, doc_id)
    if root is None:
        return None

    def grow(brief: Brief, relation: str | None, depth: int, path: frozenset[int]) -> Node:
        if depth >= max_depth:
            return Node(brief, relation)
        kids = []
        for rel, child in cited_by(s, brief.id, IMPLEMENTING):
            if child.id not in path:
                kids.append(grow(child, rel, depth + 1, path | {child.id}))
        return Node(brief, relation, tuple(kids))

    return grow(_brief(root), None, 0, frozenset({doc_id}))
