"""Plain text and OCR Markdown: decode bytes to Unicode NFC, converting legacy encodings."""

from __future__ import annotations

from ..errors import EmptyInputError, ReadError
from .base import Extracted
from .encoding import best_decoding, nfc, to_unicode

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_NAMES = {"tcvn3": "TCVN3 (ABC, .VnTime)", "vni": "VNI", "windows-1258": "Windows-1258"}


def converted_note(encoding: str) -> str:
    """The note recorded when legacy-encoded text was converted to Unicode."""
    return f"chuyển mã {_NAMES[encoding]} sang Unicode"


def decode(data: bytes, name: str = "input") -> Extracted:
    """Decode a text file; binary content is a ``ReadError``; legacy Vietnamese encodings
    (Windows-1258, TCVN3, VNI) are detected and converted."""
    if not data.strip():
        raise EmptyInputError(f"{name}: the file is empty")
    text = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            break
    if text is None:
        if b"\x00" in data[:4096]:
            raise ReadError(f"{name}: binary content, not a text document")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, enc = best_decoding(data)
            return _extracted(text, (converted_note(enc),))
    text, enc = to_unicode(text)
    return _extracted(text, (converted_note(enc),) if enc else ())


def _extracted(text: str, problems: tuple[str, ...]) -> Extracted:
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    return Extracted(text, "text", problems=problems)
