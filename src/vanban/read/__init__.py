"""Readers: turn an input file into text (``Extracted``) for the parse engine."""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from .base import Extracted
from .text import decode

__all__ = ["Extracted", "read_bytes", "read_file"]

MAX_BYTES = 200 * 1024 * 1024


def read_bytes(data: bytes, name: str = "input") -> Extracted:
    """Extract text from the content of a file (format detected from the bytes)."""
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
