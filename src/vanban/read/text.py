"""Plain text and OCR Markdown: decode bytes to Unicode, refusing binary junk."""

from __future__ import annotations

from ..errors import ReadError
from .base import Extracted

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes, name: str = "input") -> Extracted:
    """Decode a text file; binary content or an undecodable encoding is a ``ReadError``."""
    if not data.strip():
        raise ReadError(f"{name}: the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Extracted(data.decode(enc, errors="replace"), "text")
    if b"\x00" in data[:4096]:
        raise ReadError(f"{name}: binary content, not a text document")
    try:
        return Extracted(data.decode("utf-8"), "text")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{name}: not UTF-8 text (byte {exc.start}); convert it to UTF-8 or give the original file"
        ) from None
