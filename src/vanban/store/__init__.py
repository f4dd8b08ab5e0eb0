"""The archive: originals stored content-addressed, records in a database, full-text search, links.

Entry point: ``Archive.open(home, db_url)`` (see ``vanban.store.archive``). Other packages share
``vanban.store.db.Base`` and ``vanban.store.db.migrate`` for their own tables.
"""

from .archive import AddResult, Archive, Filters, Hit, Page, StoredDocument
from .errors import ArchiveError

__all__ = ["AddResult", "Archive", "ArchiveError", "Filters", "Hit", "Page", "StoredDocument"]
