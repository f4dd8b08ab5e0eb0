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

The work is done by job: ``ingest`` (reading, hashing, preparing on the workers of
``executor``, the batch writer), ``documents`` (get, versions, reparse, remove/restore,
export, links), ``search`` with the engine's ``backend`` (chosen here, once).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from .backend import backend_for
from .db import make_engine, migrate, session_factory, sqlite_url
from .documents import Documents, StoredDocument
from .errors import ArchiveError
from .files import BlobStore, os_error, writer_lock
from .ingest import AddResult, Ingest, Summary, recover, refresh
from .search import Filters, Hit, Page

__all__ = [
    "AddResult",
    "Archive",
    "Filters",
    "Hit",
    "Page",
    "StoredDocument",
    "Summary",
    "default_home",
    "refresh",
]


def default_home() -> Path:
    """``VANBAN_HOME`` or the user's data directory (``~/.local/share/vanban`` on Linux)."""
    env = os.environ.get("VANBAN_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("vanban", appauthor=False)


class Archive(Documents):
    """Originals in a data directory, records and search in a database (SQLite or PostgreSQL)."""

    def __init__(self, home: Path, engine: Engine) -> None:
        super().__init__(home, BlobStore(home), session_factory(engine), backend_for(engine))
        self.engine = engine
        local_db = engine.url.database if self.sqlite else None
        self._ingest = Ingest(home, self.blobs, self.Session, self.backend, local_db)

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

    @property
    def sqlite(self) -> bool:
        """Whether the database is SQLite."""
        return self.backend.name == "sqlite"

    def recover(self) -> tuple[int, int]:
        """Settle originals a crashed run left staged: ``(published, deleted)``."""
        with writer_lock(self.home):
            return recover(self.Session, self.blobs)

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
        dask: str | None = None,
    ) -> Summary:
        """Add files and folders (recursively); parse with ``jobs`` processes, or on the Dask
        cluster ``dask`` (``local:N`` or a scheduler's address: see ``store.executor``).

        Symbolic links are not followed unless ``follow_symlinks`` (a folder named is walked
        even when it is one); they and special files are reported ``skipped``, never opened.
        ``on_total(n)`` is called once the files are listed, ``on_result`` after each file's
        transaction commits. ``ArchiveError`` (after rolling back the batch in progress) when the
        data directory or database cannot be written, or the Dask cluster cannot be used.
        """
        return self._ingest.add_paths(paths, jobs, on_total, on_result, follow_symlinks, dask)
