"""Document operations of the archive: get, find, text and originals, versions, reparse,
remove and restore, export (``iter_documents``), links, counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from . import link, search
from .backend import SearchBackend, search_page
from .errors import ArchiveError
from .executor import workers
from .files import BlobStore, writer_lock
from .ingest import BATCH, AddResult, Summary, prepare_all, recover, replace
from .models import DocTextRow, DocumentRow, OriginalRow
from .search import Filters, Page
from .sidecar import sidecar_of

__all__ = ["Documents", "StoredDocument", "Version"]


@dataclass(frozen=True)
class Version:
    """One stored original of a document."""

    version: int
    sha256: str
    size: int
    name: str
    source: str | None
    added_at: dt.datetime


@dataclass(frozen=True)
class StoredDocument:
    """A document as stored: its record, status and versions."""

    id: int
    key: str | None
    number: str | None
    doc_type: str | None
    issuer: str | None
    system: str | None
    date: dt.date | None
    subject: str | None
    status: str
    error: str | None
    record: dict[str, Any] | None
    source: str | None
    sha256: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    versions: tuple[Version, ...] = ()


class Documents:
    """The stored documents: what the archive answers about them and does to them (``Archive``
    is one, and adds files and opening)."""

    def __init__(
        self, home: Path, blobs: BlobStore, sessions: sessionmaker[Session], backend: SearchBackend
    ) -> None:
        self.home = home
        self.blobs = blobs
        self.Session = sessions
        self.backend = backend

    def search(
        self,
        query: str = "",
        filters: Filters | None = None,
        limit: int = 20,
        after: str | None = None,
        facets: bool = True,
    ) -> Page:
        """Ranked full-text search (BM25 on SQLite) with snippets, keyset pages and facet counts.

        Without a query, the filtered documents newest first. ``after`` is the ``next`` cursor of
        the previous page; total and facets come with the first page only.
        """
        with self.Session() as s:
            return search_page(s, self.backend, query, filters or Filters(), limit, after, facets)

    def reparse(
        self,
        failed_only: bool = False,
        jobs: int = 1,
        on_total: Callable[[int], None] | None = None,
        on_result: Callable[[AddResult], None] | None = None,
    ) -> Summary:
        """Parse the stored originals again with the current parser (all, or only failed ones)."""
        summary = Summary()
        with writer_lock(self.home):
            recover(self.Session, self.blobs)
            with self.Session() as s:
                q = select(DocumentRow.id).order_by(DocumentRow.id)
                if failed_only:
                    q = q.where(DocumentRow.status == "failed")
                ids = list(s.scalars(q))
            if on_total:
                on_total(len(ids))
            with workers(jobs) as pool:
                for chunk in (ids[i : i + BATCH] for i in range(0, len(ids), BATCH)):
                    with self.Session() as s:
                        pairs = s.execute(
                            select(DocumentRow.id, OriginalRow.sha256, OriginalRow.name, DocumentRow.source)
                            .join(OriginalRow, OriginalRow.sha256 == DocumentRow.sha256)
                            .where(DocumentRow.id.in_(chunk))
                            .order_by(DocumentRow.id)
                        ).all()
                    items = [
                        (self.blobs.read(sha), name, sidecar_of(Path(src)) if src else None)
                        for _i, sha, name, src in pairs
                    ]
                    parsed = prepare_all(pool, items)
                    results = []
                    with self.Session() as s, s.begin():
                        for (doc_id, _sha, name, _src), prep in zip(pairs, parsed, strict=True):
                            replace(s, self.backend, doc_id, prep)
                            err = prep.parsed.error
                            results.append(
                                AddResult(name, "failed" if err else "reparsed", doc_id, None, err)
                            )
                    for r in results:
                        summary.results.append(r)
                        if on_result:
                            on_result(r)
        return summary

    def remove(self, doc_id: int) -> StoredDocument:
        """Remove a document from search and links (kept, with its originals, for ``restore``)."""
        return self._set_deleted(doc_id, dt.datetime.now(dt.UTC).replace(tzinfo=None))

    def restore(self, doc_id: int) -> StoredDocument:
        """Bring a removed document back."""
        return self._set_deleted(doc_id, None)

    def _set_deleted(self, doc_id: int, when: dt.datetime | None) -> StoredDocument:
        with writer_lock(self.home), self.Session() as s, s.begin():
            n = s.execute(
                update(DocumentRow).where(DocumentRow.id == doc_id).values(deleted_at=when)
            ).rowcount
            if not n:
                raise ArchiveError(f"no document with id {doc_id}")
        out = self.get(doc_id)
        assert out is not None
        return out

    # -- reading -----------------------------------------------------------------------------

    def get(self, doc_id: int) -> StoredDocument | None:
        """The stored document ``doc_id`` (removed ones included), or ``None``."""
        with self.Session() as s:
            d = s.get(DocumentRow, doc_id)
            return _stored(d) if d is not None else None

    def get_by_number(self, number: str) -> list[StoredDocument]:
        """Documents whose number is ``number`` (any spelling of case, spaces, Đ/D), newest first."""
        q = search.listed(Filters(number=number))
        with self.Session() as s:
            ids = [r.id for r in s.execute(q.order_by(DocumentRow.date.desc(), DocumentRow.id.desc()))]
            return [_stored(d) for d in (s.get(DocumentRow, i) for i in ids) if d is not None]

    def find(self, ref: str) -> StoredDocument:
        """A document by id (``"42"``/``"#42"``) or number; ``ArchiveError`` if none or ambiguous."""
        ref = ref.strip()
        if ref.lstrip("#").isdigit():
            d = self.get(int(ref.lstrip("#")))
            if d is not None:
                return d
        found = self.get_by_number(ref)
        if not found:
            raise ArchiveError(f"no document {ref!r} in the archive")
        if len(found) > 1:
            ids = ", ".join(f"#{d.id} ({d.date or '?'})" for d in found)
            raise ArchiveError(f"{len(found)} documents are numbered {ref!r}: {ids}; give the id")
        return found[0]

    def text(self, doc_id: int) -> str:
        """The extracted text of a document (what spans point into)."""
        with self.Session() as s:
            row = s.get(DocTextRow, doc_id)
            return row.text if row else ""

    def original(self, doc_id: int, version: int | None = None) -> tuple[str, bytes]:
        """``(file name, bytes)`` of a document's original (the current one by default)."""
        with self.Session() as s:
            q = select(OriginalRow).where(OriginalRow.document_id == doc_id)
            q = q.where(OriginalRow.version == version) if version else q.order_by(OriginalRow.version.desc())
            o = s.scalars(q.limit(1)).first()
            if o is None:
                raise ArchiveError(
                    f"no original for document {doc_id}" + (f" version {version}" if version else "")
                )
            return o.name, self.blobs.read(o.sha256)

    def iter_documents(self, query: str = "", filters: Filters | None = None) -> Iterator[StoredDocument]:
        """Every document matching (for export), in search order, page by page."""
        after = None
        while True:
            page = self.search(query, filters, limit=500, after=after, facets=False)
            with self.Session() as s:
                rows = {
                    d.id: d
                    for d in s.scalars(
                        select(DocumentRow).where(DocumentRow.id.in_([h.id for h in page.hits]))
                    )
                }
                for h in page.hits:
                    yield _stored(rows[h.id], versions=False)
            if page.next is None:
                return
            after = page.next

    def citing(self, doc_id: int) -> list[link.Link]:
        """What ``doc_id`` cites, with the relation and the stored documents each citation resolves to."""
        with self.Session() as s:
            return link.citing(s, doc_id)

    def cited_by(self, doc_id: int) -> list[tuple[str, link.Brief]]:
        """``(relation, document)`` for every stored document citing ``doc_id``."""
        with self.Session() as s:
            return link.cited_by(s, doc_id)

    def implementation_tree(self, doc_id: int) -> link.Node | None:
        """The chain of documents implementing ``doc_id`` (plans implementing a directive, …)."""
        with self.Session() as s:
            return link.implementation_tree(s, doc_id)

    def stats(self) -> dict[str, int]:
        """Counts for a status line: documents (live, removed, failed) and originals."""
        with self.Session() as s:
            return {
                "documents": s.scalar(
                    select(func.count()).select_from(DocumentRow).where(DocumentRow.deleted_at.is_(None))
                )
                or 0,
                "removed": s.scalar(
                    select(func.count()).select_from(DocumentRow).where(DocumentRow.deleted_at.is_not(None))
                )
                or 0,
                "failed": s.scalar(
                    select(func.count()).select_from(DocumentRow).where(DocumentRow.status == "failed")
                )
                or 0,
                "originals": s.scalar(select(func.count()).select_from(OriginalRow)) or 0,
            }


def _stored(d: DocumentRow, versions: bool = True) -> StoredDocument:
    vs = (
        tuple(Version(o.version, o.sha256, o.size, o.name, o.source, o.added_at) for o in d.originals)
        if versions
        else ()
    )
    return StoredDocument(
        d.id,
        d.key,
        d.number,
        d.doc_type,
        d.issuer,
        d.system,
        d.date,
        d.subject,
        d.status,
        d.error,
        d.record,
        d.source,
        d.sha256,
        d.version,
        d.created_at,
        d.updated_at,
        d.deleted_at,
        vs,
    )
