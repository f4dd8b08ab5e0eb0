"""Adding files to the archive: reading, hashing, preparing rows, the batch writer.

``Ingest.add_paths`` lists and reads the files in this process (only regular files are opened),
hashes them, skips what is stored, and hands the rest to the workers (``executor``: this
process, a local process pool, or a Dask cluster), which run ``prepare`` — parse, folded
shadows, syllable pairs — on the bytes; while they parse the next batch this process writes
the previous one in one transaction with its index rows (``Ingest.write``, the one batch
writer). ``replace`` rewrites a stored document (a new version, a retry, a reparse, a
correction); the columns are read from the typed ``Document``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import VanbanError
from ..messages import msg
from ..model import Document, value_of
from ..read import limits, special_kind
from . import review, search
from .backend import SearchBackend, backend_for
from .errors import ArchiveError
from .executor import Workers, workers
from .files import BlobStore, sha256, writer_lock
from .models import CitationRow, DocTextRow, DocumentRow, OriginalRow
from .sidecar import drop_sidecars, sidecar_of

__all__ = [
    "AddResult",
    "Ingest",
    "Parsed",
    "Prepared",
    "Summary",
    "iter_files",
    "parse_bytes",
    "prepare",
    "read_regular",
    "refresh",
    "replace",
]

BATCH = 200  # documents per transaction
BATCH_BYTES = 64 * 2**20  # and at most this much original content held in memory at once
GROUP = 8  # originals per worker task


@dataclass(frozen=True)
class Parsed:
    """What parsing one original produced: the record and text, or the reason it failed.

    ``record`` is what is stored (``Document.to_dict(spans=True)``); ``doc``, when at hand, the
    document it was made from (else ``Prepared.of`` reads the record back).
    """

    record: dict[str, Any] | None
    text: str
    error: str | None
    doc: Document | None = None


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
    return Parsed(doc.to_dict(spans=True), doc.text, None, doc)


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
        """Prepare ``res`` (``name``: the file's, the head of a failed one); the result keeps
        the record, not the document, so that a worker sends back only what is written."""
        doc = res.doc
        if doc is None and res.record is not None:
            doc = Document.from_dict(res.record, res.text)
        vals, cits, txt = _fields(res, doc, name)
        pairs = (search.pairs(txt["head"]), search.pairs(txt["body"]))
        return cls(dataclasses.replace(res, doc=None), vals, cits, txt, pairs)


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


class Ingest:
    """``Archive.add_paths``: files read here, parsed by the workers, written in batches here."""

    def __init__(
        self,
        home: Path,
        blobs: BlobStore,
        sessions: sessionmaker[Session],
        backend: SearchBackend,
        local_db: str | None,
    ) -> None:
        self.home = home
        self.blobs = blobs
        self.Session = sessions
        self.backend = backend
        self.local_db = local_db  # the SQLite file, when the database is one

    def add_paths(
        self,
        paths: Iterable[str | Path],
        jobs: int = 1,
        on_total: Callable[[int], None] | None = None,
        on_result: Callable[[AddResult], None] | None = None,
        follow_symlinks: bool = False,
        dask: str | None = None,
    ) -> Summary:
        """See ``Archive.add_paths``."""
        files = drop_sidecars(list(iter_files(paths, follow_symlinks)))
        if on_total:
            on_total(len(files))
        summary = Summary()

        def done(r: AddResult) -> None:
            summary.results.append(r)
            if on_result:
                on_result(r)

        with writer_lock(self.home), workers(jobs, dask, self.local_db) as pool:
            recover(self.Session, self.blobs)
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
        return summary

    def _start_chunk(
        self, batch: list[Path], pool: Workers, in_flight: set[str], follow: bool = False
    ) -> _Chunk:
        """Read and hash a batch, skip what is stored (or in the batch being written), start parsing."""
        c = _Chunk(batch, [None] * len(batch))
        for i, p in enumerate(batch):
            try:
                data = read_regular(p, follow)
            except OSError as exc:
                c.out[i] = AddResult(
                    str(p), "error", error=msg("ingest.cannot_read", why=exc.strerror or exc)
                )
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
        ex = pool.executor
        c.futures = [ex.submit(prepare_many, g) for g in groups] if ex else groups
        return c

    def _finish_chunk(
        self, c: _Chunk, earlier: dict[str, AddResult], done: Callable[[AddResult], None]
    ) -> dict[str, AddResult]:
        """Write a started batch in one transaction and report in order; its results by SHA-256.

        A duplicate of a file in the batch itself or in ``earlier`` (the batch written before,
        still in flight when this one started) is reported with that file's document.
        """
        prepared = [p for f in c.futures for p in (f.result() if isinstance(f, Future) else prepare_many(f))]
        written = self.write(
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

    def write(self, rows: list[tuple[Path, bytes, str, Prepared, DocumentRow | None]]) -> list[AddResult]:
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
                replace(s, self.backend, failed_doc.id, prep)
                status = "failed" if res.error else "retried"
                results[n] = AddResult(str(p), status, failed_doc.id, failed_doc.version, res.error)
            elif source in current:  # new content for a path added before: a new version
                doc_id, version = current[source]
                version += 1
                replace(s, self.backend, doc_id, prep, {"sha256": sha, "version": version})
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
            self.backend.add_texts(s, [(by_n[n], txt, rows[n][3].pairs) for n, _v, _c, txt in fresh])
            for o in originals:
                if o["document_id"] is None:
                    o["document_id"] = by_n[o.pop("_n")]
        if originals:
            s.execute(insert(OriginalRow), [{**o, "added_at": _now()} for o in originals])
        return [r for r in results if r is not None]


def recover(sessions: sessionmaker[Session], blobs: BlobStore) -> tuple[int, int]:
    """Settle originals a crashed run left staged: ``(published, deleted)`` (under the writer lock)."""

    def known(shas: list[str]) -> set[str]:
        with sessions() as s:
            return set(s.scalars(select(OriginalRow.sha256).where(OriginalRow.sha256.in_(shas))))

    return blobs.recover(known)


def prepare_all(pool: Workers, items: list[tuple[bytes, str, bytes | None]]) -> list[Prepared]:
    """Parse and prepare ``items`` in order, on the workers with a bounded number in flight."""
    if pool.executor is None:
        return [prepare(it) for it in items]
    out: list[Prepared] = []
    window: deque[Future[Prepared]] = deque()
    for it in items:
        window.append(pool.executor.submit(prepare, it))
        if len(window) >= pool.width * 8:
            out.append(window.popleft().result())
    out.extend(f.result() for f in window)
    return out


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _fields(
    res: Parsed, doc: Document | None, name: str
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """The document columns, citation rows and text row of a parse result (``doc``: its document)."""
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
    if doc is None:
        for col in ("key", "number", "number_key", "doc_type", "doc_type_f", "issuer", "issuer_f"):
            vals[col] = None
        vals.update(system=None, subject=None, date=None, year=None)
        txt = {"text": res.text, "head": search.shadow(name), "body": search.shadow(res.text), "meta": ""}
        return vals, cits, txt
    date = doc.date.value if doc.date else None
    number, doc_type = value_of(doc.number), value_of(doc.doc_type)
    issuer, subject = value_of(doc.issuer), value_of(doc.subject)
    vals.update(
        number=number,
        doc_type=doc_type,
        issuer=issuer,
        subject=subject,
        system=doc.system.value,
        date=date,
        year=date.year if date else None,
        key=canonical_key(number, doc_type, date, subject) if number else None,
        number_key=canonical_key(number, None, None) if number else None,
        doc_type_f=search.folded_name(doc_type),
        issuer_f=search.folded_name(issuer),
    )
    for i, c in enumerate(doc.citations):
        cits.append(
            {
                "seq": i,
                "key": c.key,
                "number": c.number,
                "doc_type": c.doc_type,
                "date": c.date,
                "title": c.title,
                "relation": c.relation.value,
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


def replace(
    s: Session, backend: SearchBackend, doc_id: int, prep: Prepared, extra: dict[str, Any] | None = None
) -> None:
    """Rewrite a stored document's record, citations, text and index entry (same transaction);
    the văn thư's corrections (``store.review``) are laid over the new record."""
    corrected = review.latest(s, doc_id) if prep.parsed.record is not None else {}
    if corrected:
        assert prep.parsed.record is not None
        prep = Prepared.of(Parsed(review.apply(prep.parsed.record, corrected), prep.parsed.text, None), "")
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(**prep.vals, **(extra or {})))
    s.execute(delete(CitationRow).where(CitationRow.document_id == doc_id))
    if prep.cits:
        s.execute(insert(CitationRow), [{**c, "document_id": doc_id} for c in prep.cits])
    backend.replace_text(s, doc_id, prep.txt, prep.pairs)


def refresh(s: Session, doc_id: int) -> None:
    """Rewrite a stored document from its record and text, e.g. after a correction (the
    corrections laid over, the search columns, head and index entry written again)."""
    rec = s.scalar(select(DocumentRow.record).where(DocumentRow.id == doc_id))
    if rec is None:
        raise ArchiveError(f"no record for document {doc_id}")
    txt = s.scalar(select(DocTextRow.text).where(DocTextRow.document_id == doc_id)) or ""
    replace(s, backend_for(s.get_bind()), doc_id, Prepared.of(Parsed(rec, txt, None), ""))
