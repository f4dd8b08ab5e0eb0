"""Readers: turn an input file into text (``Extracted``) for the parse engine.

The format is told from the content (``detect.sniff``), never from the file name: text and
Markdown (legacy encodings converted), PDF (text layer, OCR where it is missing or bad),
images (OCR), DOCX, DOC/ODT/RTF (through LibreOffice) and HTML pages.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import EmptyInputError, ReadError
from .base import Extracted
from .detect import sniff

__all__ = ["Extracted", "read_bytes", "read_file"]

MAX_BYTES = 200 * 1024 * 1024


def read_bytes(data: bytes, name: str = "input") -> Extracted:
    """Extract text from the content of a file (format detected from the bytes)."""
    kind = sniff(data)
    if kind == "empty":
        raise EmptyInputError(f"{name}: the file is empty (0 bytes)")
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, name)
    if kind == "image":
        from .ocr import read_image

        return read_image(data, name)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data, name)
    if kind in ("ole", "odt", "rtf"):
        from .office import read_office

        return read_office(data, name, kind)
    if kind == "html":
        from .html import read_html

        return read_html(data, name)
    if kind == "edxml":
        from .edxml import read_edxml

        return read_edxml(data, name)
    if kind == "zip":
        raise ReadError(f"{name}: a ZIP archive, not a document (a Word file holds word/document.xml)")
    if kind.startswith("binary:"):
        raise ReadError(f"{name}: not a document but {kind[7:]}")
    from .text import decode

    return decode(data, name)


def read_file(path: str | Path) -> Extracted:
    """Extract text from the file at ``path``."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(f"{p}: {size // 2**20} MiB is larger than the {MAX_BYTES // 2**20} MiB limit")
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"{p}: {exc.strerror or exc}") from None
    return read_bytes(data, str(p))
