"""Readers: turn an input file into text (``Extracted``) for the parse engine.

The format is told from the content (``detect.sniff``), never from the file name: text and
Markdown (legacy encodings converted), PDF (text layer, OCR where it is missing or bad),
images (OCR), DOCX, DOC/ODT/RTF (through LibreOffice) and HTML pages.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import EmptyInputError, ReadError
from ..messages import msg
from . import limits
from .base import Extracted
from .detect import sniff

__all__ = ["Extracted", "read_bytes", "read_file", "special_kind"]


def read_bytes(data: bytes, name: str = "input") -> Extracted:
    """Extract text from the content of a file (format detected from the bytes)."""
    limits.check_size(len(data), name)
    kind = sniff(data)
    if kind == "empty":
        raise EmptyInputError(msg("read.empty", name=name))
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

        return read_edxml(data, name, read_bytes)
    if kind == "zip":
        raise ReadError(msg("read.zip_archive", name=name))
    if kind.startswith("binary:"):
        raise ReadError(msg("read.binary", name=name, what=msg(f"read.kinds.{kind[7:]}")))
    from .text import decode

    return decode(data, name)


def read_file(path: str | Path) -> Extracted:
    """Extract text from the file at ``path`` (a regular file: a FIFO or a device is refused
    without being opened, so reading never waits on one)."""
    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(
                msg("read.not_regular", name=p, what=msg(f"read.kinds.{special_kind(st.st_mode)}"))
            )
        limits.check_size(st.st_size, str(p))
        with open(os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ReadError(msg("read.cannot_open", name=p, why=exc.strerror or exc)) from None
    return read_bytes(data, str(p))


def special_kind(mode: int) -> str:
    """The catalogue key (``read.kinds.<key>``) of a file that is not a regular file."""
    for test, key in (
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "device"),
        (stat.S_ISBLK, "device"),
        (stat.S_ISLNK, "symlink"),
    ):
        if test(mode):
            return key
    return "special"
