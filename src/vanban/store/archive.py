"""The archive's library API: ``Archive`` is what the CLI and the web app call.

    from vanban.store import Archive, Filters
    with Archive.open() as ar:                      # VANBAN_HOME / VANBAN_DB or the defaults
        summary = ar.add_paths(["inbox/"], jobs=2)  # or ar.add_file("cv.pdf")
        page = ar.search("chi thi 24 ky cuong", Filters(year=2024))
        doc = ar.get(page.hits[0].id)
        ar.citing(doc.id), ar.cited_by(doc.id), ar.implementation_tree(doc.id)

Writes (add, reparse, rm, restore) hold the data directory's writer lock; each batch of
documents is one transaction that writes the record, its citations, its text and the
full-text index together. Originals are staged before the transaction and published after it
(``vanban.store.files``), so a crash leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import VanbanError
from ..messages import msg
from ..read import limits, special_kind
from . import link, review, search
from .db import is_sqlite, make_engine, migrate, session_factory, sqlite_url
from .errors import ArchiveError
from .files import BlobStore, os_error, sha256, writer_lock
from .models import CitationRow, DocTextRow, DocumentRow, OriginalRow
from .pool import process_pool
from .search import Filters, Hit, Page
from .sidecar import drop_sidecars, sidecar_of

__all__ = ["AddResult", "Archive", "Filters", "Hit", "Page", "StoredDocument", "Summary", "default_home"]

BATCH = 200  # documents per transaction
BATCH_BYTES = 64 * 2**20  # and at most this much original content held in memory at once


def default_home() -> Path:
    """``VANBAN_HOME`` or the user's data directory (``~/.local/share/vanban`` on Linux)."""
    env = os.environ.get("VANBAN_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("vanban", appauthor=False)


@dataclass(frozen=True)
class Parsed:
    """What parsing one original produced: the record and text, or the reason it failed."""

    record: dict[str, Any] | None
    text: str
    error: str | None


def parse_bytes(data: bytes, name: str, meta: bytes | None = None) -> Parsed:
    """Read and parse the content of a file (``vanban.parse_bytes``, with the metadata file
    that came with it); never raises."""
    import vanban

    try:
        doc = vanban.parse_bytes(data, name, meta)
    except VanbanError as exc:
        return Parsed(None, "", str(exc))
    except Exception as exc:  # a parser bug must not lose the original
        return Parsed(None, "", f"{type(exc).__name__}: {exc}")
    return Parsed(doc.to_dict(spans=True), doc.text, None)


@dataclass(frozen=True)
class Prepared:
    """A parse result made ready to write: the document columns, citation rows, text row and
    syllable pairs (``doc_pairs``). Built in the parsing process, so that the writer only writes."""

    parsed: Parsed
    vals: dict[str, Any]
    cits: list[dict[str, Any]]
    txt: dict[str, str]
    pairs: tuple[str, str]  # head, body

    @classmethod
    def of(cls, res: Parsed, name: str) -> Prepared:
        vals, cits, txt = _fields(res, name)
        return cls(res, vals, cits, txt, (search.pairs(txt["head"]), search.pairs(txt["body"])))


@dataclass
class _Chunk:
    """A batch of files between ``_start_chunk`` (read, hashed, parsing) and ``_finish_chunk``."""

    files: list[Path]
    out: list[AddResult | None]
    items: list[tuple[int, Path, bytes, str]] = field(default_factory=list)
    stored: dict[str, DocumentRow] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)  # sha → index of its first file
    todo: list[tuple[int, Path, bytes, str]] = field(default_factory=list)
    futures: list[Any] = field(default_factory=list)  # Future[list[Prepared]], or the jobs themselves


def prepare(item: tuple[bytes, str] | tuple[bytes, str, bytes | None]) -> Prepared:
    """Parse one original (and its metadata file) and prepare its rows (what a worker process runs)."""
    data, name, *meta = item
    res = parse_bytes(data, name, meta[0]) if meta and meta[0] is not None else parse_bytes(data, name)
    return Prepared.of(res, name)


def prepare_many(items: list[tuple[bytes, str, bytes | None]]) -> list[Prepared]:
    """``prepare`` over a few originals: one task per group halves the pool's cost per file."""
    return [prepare(it) for it in items]


GROUP = 8  # originals per worker task


@dataclass(frozen=True)
class AddResult:
    """The outcome for one input file.

    ``status``: ``added`` (a new document), ``version`` (new content for a document already
    added from the same path), ``duplicate`` (content already stored), ``retried`` (content
    stored earlier with a failure, parsed again), ``failed`` (stored, but could not be read or
    parsed: ``error`` says why; ``vanban reparse --failed`` retries), ``error`` (not stored),
    ``skipped`` (not a regular file — a FIFO, socket, device — or a symbolic link not followed:
    never opened; ``error`` says which).
    """

    path: str
    status: str
    document_id: int | None = None
    version: int | None = None
    error: str | None = None


@dataclass
class Summary:
    """Counts of one ``add_paths`` run and the failures with their reasons."""

    results: list[AddResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failures(self) -> list[AddResult]:
        return [r for r in self.results if r.status in ("failed", "error")]


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


def iter_files(paths: Iterable[str | Path], follow_symlinks: bool = False) -> Iterator[Path]:
    """Files named, and the entries under folders named (recursively, sorted, hidden ones skipped).

    A folder named is walked even when it is a symbolic link. Inside it, symbolic links (to
    files or folders) are listed, for ``add`` to report them skipped, unless ``follow_symlinks``:
    then they are followed, each folder walked once (a link loop ends). Special files (FIFOs,
    sockets, devices) are listed too; ``add`` skips them without opening them.
    """
    for p in map(Path, paths):
        if not p.is_dir():
            yield p
            continue
        seen: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(p, followlinks=follow_symlinks):
            if follow_symlinks:
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen:
                    dirs[:] = []
                    continue
                seen.add((st.st_dev, st.st_ino))
            links = [] if follow_symlinks else [d for d in dirs if os.path.islink(os.path.join(root, d))]
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in links)
            for f in sorted(files + links):
                if not f.startswith("."):
                    yield Path(root) / f


def read_regular(p: Path, follow_symlinks: bool = False) -> bytes | str:
    """The content of the regular file ``p``, or why it is skipped (a ``str``) when it is a
    symbolic link not to be followed or not a regular file. Such a file is never opened; the
    checks are made again on the open file, so a file swapped for a FIFO or a link in between
    is refused too and reading never blocks. ``OSError`` when it cannot be read;
    ``ReadError`` when it is larger than the reader's limit."""
    st = os.stat(p) if follow_symlinks else os.lstat(p)
    if stat.S_ISLNK(st.st_mode):
        return msg("ingest.symlink")
    if not stat.S_ISREG(st.st_mode):
        return msg("ingest.special", what=msg(f"read.kinds.{special_kind(st.st_mode)}"))
    limits.check_size(st.st_size, str(p))
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_symlinks else os.O_NOFOLLOW)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return msg("ingest.symlink")
        raise
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            return msg("ingest.special", what=msg(f"read.kinds.{special_kind(st.st_mode)}"))
        limits.check_size(st.st_size, str(p))
        return fh.read()


class Archive:
    """Originals in a data directory, records and search in a database (SQLite or PostgreSQL)."""

    def __init__(self, home: Path, engine: Engine) -> None:
        self.home = home
        self.engine = engine
        self.blobs = BlobStore(home)
        self.Session: sessionmaker[Session] = session_factory(engine)
        self.dialect = engine.dialect.name

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, home: str | Path | None = None, db_url: str | None = None) -> Archive:
        """Open (creating and migrating if needed) the archive in ``home`` with database ``db_url``.

        Defaults: ``VANBAN_HOME`` / the user data dir, and ``VANBAN_DB`` / ``<home>/vanban.db``.
        ``ArchiveError`` if the data directory cannot be written.
        """
        root = Path(home).expanduser() if home else default_home()
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise os_error(exc, root) from None
        blobs = BlobStore(root)
        blobs.prepare()
        url = db_url or os.environ.get("VANBAN_DB") or sqlite_url(root / "vanban.db")
        engine = make_engine(url)
        try:
            migrate(engine)
        except OperationalError as exc:
            engine.dispose()
            raise ArchiveError(f"cannot open the database {engine.url!r}: {exc.orig}") from None
        return cls(root, engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def recover(self) -> tuple[int, int]:
        """Settle originals a crashed run left staged: ``(published, deleted)``."""
        with writer_lock(self.home):
            return self._recover()

    def _recover(self) -> tuple[int, int]:
        def known(shas: list[str]) -> set[str]:
            with self.Session() as s:
                return set(s.scalars(select(OriginalRow.sha256).where(OriginalRow.sha256.in_(shas))))

        return self.blobs.recover(known)

    # -- adding ------------------------------------------------------------------------------

    def add_file(self, path: str | Path) -> AddResult:
        """Add one file (see ``AddResult`` for the outcomes)."""
        return self.add_paths([path]).results[0]

    def add_paths(
        self,
        paths: Iterable[str | Path],
        jobs: int = 1,
        on_total: Callable[[int], None] | None = None,
        on_result: Callable[[AddResult], None] | None = None,
        follow_symlinks: bool = False,
    ) -> Summary:
        """Add files and folders (recursively); parse with ``jobs`` processes.

        Symbolic links are not followed unless ``follow_symlinks`` (a folder named is walked
        even when it is one); they and special files are reported ``skipped``, never opened.
        ``on_total(n)`` is called once the files are listed, ``on_result`` after each file's
        transaction commits. ``ArchiveError`` (after rolling back the batch in progress) when the
        data directory or database cannot be written.
        """
        files = drop_sidecars(list(iter_files(paths, follow_symlinks)))
        if on_total:
            on_total(len(files))
        summary = Summary()

        def done(r: AddResult) -> None:
            summary.results.append(r)
            if on_result:
                on_result(r)

        with writer_lock(self.home):
            self._recover()
            pool = process_pool(jobs)
            try:
                # pipelined: the workers parse the next batch while this process writes one
                pending: _Chunk | None = None
                written: dict[str, AddResult] = {}
                for batch in _file_batches(files):
                    chunk = self._start_chunk(
                        batch, pool, set(pending.first) if pending else set(), follow_symlinks
                    )
                    if pending:
                        written = self._finish_chunk(pending, written, done)
                    pending = chunk
                if pending:
                    self._finish_chunk(pending, written, done)
            finally:
                if pool:
                    pool.shutdown(cancel_futures=True)
        return summary

    def _start_chunk(
        self, batch: list[Path], pool: ProcessPoolExecutor | None, in_flight: set[str], follow: bool = False
    ) -> _Chunk:
        """Read and hash a batch, skip what is stored (or in the batch being written), start parsing."""
        c = _Chunk(batch, [None] * len(batch))
        for i, p in enumerate(batch):
            try:
                data = read_regular(p, follow)
            except OSError as exc:
                c.out[i] = AddResult(str(p), "error", error=msg("ingest.cannot_read", why=exc.strerror or exc))
                continue
            except VanbanError as exc:  # larger than the reader's limit: not stored
                c.out[i] = AddResult(str(p), "error", error=str(exc))
                continue
            if isinstance(data, str):
                c.out[i] = AddResult(str(p), "skipped", error=data)
                continue
            c.items.append((i, p, data, sha256(data)))
        with self.Session() as s:
            c.stored = dict(
                s.execute(
                    select(OriginalRow.sha256, DocumentRow)
                    .join(DocumentRow, DocumentRow.id == OriginalRow.document_id)
                    .where(OriginalRow.sha256.in_([it[3] for it in c.items]))
                ).all()
            )
        for i, p, data, sha in c.items:
            doc = c.stored.get(sha)
            if sha in c.first or sha in in_flight or (doc is not None and doc.status != "failed"):
                c.out[i] = AddResult(
                    str(p), "duplicate", doc.id if doc else None, doc.version if doc else None
                )
                continue
            c.first[sha] = i
            c.todo.append((i, p, data, sha))
        jobs = [(data, p.name, sidecar_of(p)) for _i, p, data, _sha in c.todo]
        groups = [jobs[i : i + GROUP] for i in range(0, len(jobs), GROUP)]
        c.futures = [pool.submit(prepare_many, g) for g in groups] if pool else groups
        return c

    def _finish_chunk(
        self, c: _Chunk, earlier: dict[str, AddResult], done: Callable[[AddResult], None]
    ) -> dict[str, AddResult]:
        """Write a started batch in one transaction and report in order; its results by SHA-256.

        A duplicate of a file in the batch itself or in ``earlier`` (the batch written before,
        still in flight when this one started) is reported with that file's document.
        """
        prepared = [p for f in c.futures for p in (f.result() if isinstance(f, Future) else prepare_many(f))]
        written = self._write(
            [
                (p, data, sha, prep, c.stored.get(sha))
                for (_i, p, data, sha), prep in zip(c.todo, prepared, strict=True)
            ]
        )
        for (i, *_rest), r in zip(c.todo, written, strict=True):
            c.out[i] = r
        by_sha = {sha: c.out[i] for sha, i in c.first.items()}
        sha_of = {i: sha for i, _p, _d, sha in c.items}
        for i, r in enumerate(c.out):
            assert r is not None
            twin = (
                by_sha.get(sha_of[i]) or earlier.get(sha_of[i])
                if r.document_id is None and i in sha_of
                else None
            )
            done(AddResult(r.path, r.status, twin.document_id, twin.version) if twin and twin is not r else r)
        return {sha: r for sha, r in by_sha.items() if r is not None}

    def _write(self, rows: list[tuple[Path, bytes, str, Prepared, DocumentRow | None]]) -> list[AddResult]:
        """Stage the originals, write the documents in one transaction, publish the originals.

        New documents go in with bulk statements (a few per batch, not per document); a new
        version or a retried failure updates its document in place.
        """
        if not rows:
            return []
        staged = []
        try:
            for _p, data, sha, _res, _doc in rows:
                self.blobs.stage(sha, data)
                staged.append(sha)
            with self.Session() as s, s.begin():
                results = self._insert(s, rows)
        except OperationalError as exc:
            self.blobs.discard(staged)
            raise ArchiveError(
                f"the database refused the write ({exc.orig}); nothing of this batch was added"
            ) from None
        except BaseException:
            self.blobs.discard(staged)
            raise
        self.blobs.publish(staged)
        return results

    def _insert(
        self, s: Session, rows: list[tuple[Path, bytes, str, Prepared, DocumentRow | None]]
    ) -> list[AddResult]:
        sources = [str(p.resolve()) for p, *_ in rows]
        current = {
            src: (i, v)
            for src, i, v in s.execute(
                select(DocumentRow.source, DocumentRow.id, DocumentRow.version)
                .where(DocumentRow.source.in_(sources), DocumentRow.deleted_at.is_(None))
                .order_by(DocumentRow.id)
            )
        }
        results: list[AddResult | None] = [None] * len(rows)
        fresh: list[tuple[int, dict[str, Any], list[dict[str, Any]], dict[str, Any]]] = []
        originals: list[dict[str, Any]] = []
        for n, ((p, data, sha, prep, failed_doc), source) in enumerate(zip(rows, sources, strict=True)):
            res, vals, cits, txt = prep.parsed, dict(prep.vals), prep.cits, prep.txt
            orig = {"sha256": sha, "size": len(data), "name": p.name, "source": source}
            if failed_doc is not None:  # same content, stored earlier with a failure: parse again
                _replace(s, failed_doc.id, prep)
                status = "failed" if res.error else "retried"
                results[n] = AddResult(str(p), status, failed_doc.id, failed_doc.version, res.error)
            elif source in current:  # new content for a path added before: a new version
                doc_id, version = current[source]
                version += 1
                _replace(s, doc_id, prep, {"sha256": sha, "version": version})
                originals.append({**orig, "document_id": doc_id, "version": version})
                status = "failed" if res.error else "version"
                results[n] = AddResult(str(p), status, doc_id, version, res.error)
            else:
                now = _now()
                vals.update(source=source, sha256=sha, version=1, created_at=now, updated_at=now)
                fresh.append((n, vals, cits, txt))
                originals.append({**orig, "document_id": None, "version": 1, "_n": n})
        if fresh:
            ids = s.scalars(
                insert(DocumentRow).returning(DocumentRow.id, sort_by_parameter_order=True),
                [vals for _n, vals, _c, _t in fresh],
            ).all()
            by_n = {}
            for (n, *_rest), doc_id in zip(fresh, ids, strict=True):
                by_n[n] = doc_id
                p, _data, _sha, prep, _f = rows[n]
                err = prep.parsed.error
                results[n] = AddResult(str(p), "failed" if err else "added", doc_id, 1, err)
            cit_rows = [{**c, "document_id": by_n[n]} for n, _v, cits, _t in fresh for c in cits]
            if cit_rows:
                s.execute(insert(CitationRow), cit_rows)
            s.execute(insert(DocTextRow), [{**txt, "document_id": by_n[n]} for n, _v, _c, txt in fresh])
            if s.get_bind().dialect.name == "sqlite":
                _write_pairs(s, [(by_n[n], rows[n][3].pairs, txt["meta"]) for n, _v, _c, txt in fresh])
            for o in originals:
                if o["document_id"] is None:
                    o["document_id"] = by_n[o.pop("_n")]
        if originals:
            s.execute(insert(OriginalRow), [{**o, "added_at": _now()} for o in originals])
        return [r for r in results if r is not None]

    # -- reparse, rm, restore ------------------------------------------------------------------

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
            self._recover()
            with self.Session() as s:
                q = select(DocumentRow.id).order_by(DocumentRow.id)
                if failed_only:
                    q = q.where(DocumentRow.status == "failed")
                ids = list(s.scalars(q))
            if on_total:
                on_total(len(ids))
            pool = process_pool(jobs)
            try:
                for chunk in _chunks(ids, BATCH):
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
                    parsed = _map(pool, jobs, items)
                    results = []
                    with self.Session() as s, s.begin():
                        for (doc_id, _sha, name, _src), prep in zip(pairs, parsed, strict=True):
                            _replace(s, doc_id, prep)
                            err = prep.parsed.error
                            results.append(
                                AddResult(name, "failed" if err else "reparsed", doc_id, None, err)
                            )
                    for r in results:
                        summary.results.append(r)
                        if on_result:
                            on_result(r)
            finally:
                if pool:
                    pool.shutdown(cancel_futures=True)
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
        q, _sort = search.hits_query(self.dialect, [], Filters(number=number))
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
        filters = filters or Filters()
        terms = search.parse_query(query)
        with self.Session() as s:
            if terms and self.sqlite:
                rows, more, nxt = self._ranked(s, terms, filters, limit, after)
            else:  # PostgreSQL, or no terms: one query, ranked or (large, or no terms) newest first
                if after is not None:  # a newest-first page's cursor holds a date
                    newest = bool(terms) and isinstance(search.decode_cursor(after)[0], str)
                else:
                    newest = bool(terms) and bool(
                        s.execute(search.is_large(self.dialect, terms, filters)).scalar()
                    )
                q, sort = search.hits_query(self.dialect, terms, filters, newest)
                q = search.page_after(q, sort, after, dated=not terms or newest).limit(limit + 1)
                rows = s.execute(q).all()
                more = len(rows) > limit
                rows = rows[:limit]
                nxt = None
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
                fq = search.facet_counts(self.dialect, terms, filters)
                if self.sqlite:
                    fq = search.lean(fq, self.engine.dialect)
                total, counts = search.summarize(list(s.execute(fq)))
        return Page(hits, nxt, total, counts)

    def _ranked(
        self, s: Session, terms: list[search.Term], filters: Filters, limit: int, after: str | None
    ) -> tuple[list[Any], bool, str | None]:
        """SQLite: the page of hits in tiers (see ``search.tier_query``), its cursor.

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
                large = search.lean(search.tier_is_large(tier, terms, filters), self.engine.dialect)
                newest = bool(s.execute(large).scalar())
            q = search.tier_query(tier, terms, filters, need, pos if tier == start else None, newest)
            found += [(tier, r.id, r.rank, newest) for r in s.execute(search.lean(q, self.engine.dialect))]
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
        cols = (d.id, d.number, d.doc_type, d.date, d.issuer, d.subject, d.status)
        by_id = {r.id: r for r in s.execute(select(*cols).where(d.id.in_([f[1] for f in found])))}
        rows = [_Row(*by_id[i][:7], search.score(t, rank, nw)) for t, i, rank, nw in found if i in by_id]
        return rows, more, nxt

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
        from sqlalchemy import func

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

    @property
    def sqlite(self) -> bool:
        """Whether the database is SQLite."""
        return is_sqlite(self.engine)


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


def _chunks(seq: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _file_batches(files: list[Path]) -> Iterator[list[Path]]:
    """Batches of at most ``BATCH`` files and ``BATCH_BYTES`` of content (a big file goes alone)."""
    batch: list[Path] = []
    size = 0
    for p in files:
        try:
            n = p.stat().st_size
        except OSError:
            n = 0  # reported as unreadable when the batch reads it
        if batch and (len(batch) >= BATCH or size + n > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(p)
        size += n
    if batch:
        yield batch


def _map(
    pool: ProcessPoolExecutor | None, jobs: int, items: list[tuple[bytes, str, bytes | None]]
) -> list[Prepared]:
    """Parse and prepare ``items`` in order, in the pool with a bounded number in flight."""
    if pool is None:
        return [prepare(it) for it in items]
    out: list[Prepared] = []
    window: deque[Future[Prepared]] = deque()
    for it in items:
        window.append(pool.submit(prepare, it))
        if len(window) >= jobs * 8:
            out.append(window.popleft().result())
    out.extend(f.result() for f in window)
    return out


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _fields(res: Parsed, name: str) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """The document columns, citation rows and text row of a parse result."""
    from .. import __version__
    from ..cite import canonical_key

    rec = res.record
    vals: dict[str, Any] = {
        "parser_version": __version__,
        "record": rec,
        "status": "failed" if res.error else "ok",
        "error": res.error,
        "updated_at": _now(),
        "needs_review": bool(review.pending(rec)),
    }
    cits: list[dict[str, Any]] = []
    if rec is None:
        for col in ("key", "number", "number_key", "doc_type", "doc_type_f", "issuer", "issuer_f"):
            vals[col] = None
        vals.update(system=None, subject=None, date=None, year=None)
        txt = {"text": res.text, "head": search.shadow(name), "body": search.shadow(res.text), "meta": ""}
        return vals, cits, txt
    date = dt.date.fromisoformat(rec["date"]) if rec.get("date") else None
    number, doc_type, issuer, subject = (
        rec.get("number"),
        rec.get("doc_type"),
        rec.get("issuer"),
        rec.get("subject"),
    )
    vals.update(
        number=number,
        doc_type=doc_type,
        issuer=issuer,
        subject=subject,
        system=rec.get("system"),
        date=date,
        year=date.year if date else None,
        key=canonical_key(number, doc_type, date, subject) if number else None,
        number_key=canonical_key(number, None, None) if number else None,
        doc_type_f=search.folded_name(doc_type),
        issuer_f=search.folded_name(issuer),
    )
    for i, c in enumerate(rec.get("citations", [])):
        cits.append(
            {
                "seq": i,
                "key": c["key"],
                "number": c.get("number"),
                "doc_type": c.get("doc_type"),
                "date": dt.date.fromisoformat(c["date"]) if c.get("date") else None,
                "title": c.get("title"),
                "relation": c.get("relation") or "mentions",
            }
        )
    held = review.held(rec)  # misread values do not count in filters and facets until confirmed
    if "date" in held:
        vals["year"] = None
    for col in {"doc_type", "issuer"} & held:
        vals[col] = vals[f"{col}_f"] = None
    head = search.shadow(" ".join(x for x in (number, doc_type, issuer, subject) if x))
    meta = search.meta_tokens(vals["year"], vals["system"], vals["doc_type_f"], vals["issuer_f"])
    return vals, cits, {"text": res.text, "head": head, "body": search.shadow(res.text), "meta": meta}


def _replace(s: Session, doc_id: int, prep: Prepared, extra: dict[str, Any] | None = None) -> None:
    """Rewrite a stored document's record, citations, text and index entry (same transaction);
    the văn thư's corrections (``store.review``) are laid over the new record."""
    corrected = review.latest(s, doc_id) if prep.parsed.record is not None else {}
    if corrected:
        assert prep.parsed.record is not None
        prep = Prepared.of(Parsed(review.apply(prep.parsed.record, corrected), prep.parsed.text, None), "")
    cits, txt = prep.cits, prep.txt
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(**prep.vals, **(extra or {})))
    s.execute(delete(CitationRow).where(CitationRow.document_id == doc_id))
    if cits:
        s.execute(insert(CitationRow), [{**c, "document_id": doc_id} for c in cits])
    sqlite = s.get_bind().dialect.name == "sqlite"
    if sqlite:  # the contentless pair index forgets a row given the values it was written with
        old = s.execute(
            select(DocTextRow.head, DocTextRow.body, DocTextRow.meta).where(DocTextRow.document_id == doc_id)
        ).first()
        if old is not None:
            was = (search.pairs(old.head), search.pairs(old.body))
            _write_pairs(s, [(doc_id, was, old.meta)], "delete")
    s.execute(update(DocTextRow).where(DocTextRow.document_id == doc_id).values(**txt))
    if sqlite:
        _write_pairs(s, [(doc_id, prep.pairs, txt["meta"])])


def refresh(s: Session, doc_id: int) -> None:
    """Rewrite a stored document from its record and text, e.g. after a correction (the
    corrections laid over, the search columns, head and index entry written again)."""
    rec = s.scalar(select(DocumentRow.record).where(DocumentRow.id == doc_id))
    if rec is None:
        raise ArchiveError(f"no record for document {doc_id}")
    txt = s.scalar(select(DocTextRow.text).where(DocTextRow.document_id == doc_id)) or ""
    _replace(s, doc_id, Prepared.of(Parsed(rec, txt, None), ""))


_PAIRS_INSERT = text("INSERT INTO doc_pairs(rowid, head, body, meta) VALUES (:id, :head, :body, :meta)")
_PAIRS_DELETE = text(
    "INSERT INTO doc_pairs(doc_pairs, rowid, head, body, meta) VALUES ('delete', :id, :head, :body, :meta)"
)


def _write_pairs(s: Session, rows: list[tuple[int, tuple[str, str], str]], op: str = "insert") -> None:
    """Add (or, with ``op="delete"``, remove) ``(id, (head pairs, body pairs), meta)`` in ``doc_pairs``."""
    params = [{"id": i, "head": head, "body": body, "meta": meta} for i, (head, body), meta in rows]
    if params:
        s.execute(_PAIRS_DELETE if op == "delete" else _PAIRS_INSERT, params)


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
