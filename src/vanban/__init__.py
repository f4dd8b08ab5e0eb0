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

from .assess import assess, looks_ocrd
from .errors import ReadError, VanbanError
from .model import Document
from .parse import parse as _parse

__all__ = ["Document", "ReadError", "VanbanError", "parse", "parse_bytes", "parse_file"]
__version__ = "0.1.0"


def parse(text: str, source: str | None = None) -> Document:
    """Parse the text of one document."""
    return assess(_parse(text, source))


def parse_file(path: str | Path, meta: str | Path | None = None) -> Document:
    """Read a file (text, PDF, scan, DOCX, edXML packet…) and parse it; ``ReadError`` if it
    cannot be read. ``meta``: an e-office export or edXML packet whose metadata is the record's."""
    from .read import read_file

    side = None
    if meta is not None:
        try:
            side = Path(meta).read_bytes()
        except OSError as exc:
            raise ReadError(f"{meta}: {exc.strerror or exc}") from None
    return _from_extracted(read_file(path), str(path), side, str(meta or "metadata"))


def parse_bytes(data: bytes, name: str = "input", meta: bytes | None = None) -> Document:
    """Parse the content of a file (format detected from the bytes); ``ReadError`` if unreadable.
    ``meta``: the content of an e-office export or edXML packet that came with it."""
    from .read import read_bytes

    return _from_extracted(read_bytes(data, name), name, meta)


def _from_extracted(ex, source: str, meta: bytes | None = None, meta_name: str = "metadata") -> Document:
    from dataclasses import replace

    from .lexicon.marks import restore_marks, restore_read_marks, restore_unmarked, unmarked
    from .messages import msg
    from .metadata import apply
    from .model import Problem
    from .read.edxml import packet_meta
    from .read.legacy import repair_legacy_font
    from .read.ocr import clean_line

    if ex.kind != "pdf":  # a PDF's pages are repaired one by one as they are read
        text, words = repair_legacy_font(ex.text)
        if words:
            ex = replace(ex, text=text, warnings=(*ex.warnings, msg("mailbox.legacy_text", words=words)))
    ocrd = ex.kind == "text" and looks_ocrd(ex.text)
    restored = unmarked(ex.text)
    if restored:  # không dấu: every word's marks guessed from its neighbours, whatever the format
        text, words = restore_unmarked(ex.text)
        ex = replace(ex, text=text, warnings=(*ex.warnings, msg("mailbox.unmarked", words=words)))
    elif ocrd:  # OCR'd before it came: its specks and tone marks as vanban's own OCR's
        text = "\n".join(clean_line(line) for line in ex.text.split("\n"))
        ex = replace(ex, text=restore_read_marks(restore_marks(text)[0])[0])
    doc = assess(
        _parse(ex.text, source, ex.pages), ex, ocrd=restored or (ocrd if ex.kind == "text" else None)
    )
    if ex.problems or ex.warnings:
        notes = tuple(Problem("read.warning", "warning", w) for w in ex.warnings)
        notes += tuple(Problem("read.note", "info", p) for p in ex.problems)
        doc = replace(doc, problems=notes + doc.problems)
    given = {**(ex.meta if ex.meta.get("format") in ("edxml", "eoffice") else {})}
    if meta is not None:
        given.update(packet_meta(meta, meta_name))
    return apply(doc, given) if given else doc
