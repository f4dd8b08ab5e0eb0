"""vanban: read Vietnamese official documents (văn bản hành chính, văn bản của Đảng),
extract their record, archive and search them, and track the tasks they assign.

The public API is small::

    import vanban
    doc = vanban.parse(text)            # -> Document
    doc = vanban.parse_file("cv.pdf")   # any supported format
    doc.to_dict()                       # the JSON record of FIELDS.md, with spans
"""

from __future__ import annotations

from pathlib import Path

from .assess import assess
from .errors import ReadError, VanbanError
from .model import Document
from .parse import parse as _parse

__all__ = ["Document", "ReadError", "VanbanError", "parse", "parse_bytes", "parse_file"]
__version__ = "0.1.0"


def parse(text: str, source: str | None = None) -> Document:
    """Parse the text of one document."""
    return assess(_parse(text, source))


def parse_file(path: str | Path) -> Document:
    """Read a file (text, PDF, scan, DOCX…) and parse it; ``ReadError`` if it cannot be read."""
    from .read import read_file

    return _from_extracted(read_file(path), str(path))


def parse_bytes(data: bytes, name: str = "input") -> Document:
    """Parse the content of a file (format detected from the bytes); ``ReadError`` if unreadable."""
    from .read import read_bytes

    return _from_extracted(read_bytes(data, name), name)


def _from_extracted(ex, source: str) -> Document:
    from dataclasses import replace

    from .model import Problem

    doc = assess(_parse(ex.text, source, ex.pages), ex)
    if ex.problems:
        notes = tuple(Problem("read.note", "info", p) for p in ex.problems)
        doc = replace(doc, problems=notes + doc.problems)
    return doc
