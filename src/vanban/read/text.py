"""Plain text and OCR Markdown: decode bytes to Unicode NFC, converting legacy encodings.

Decoding says what it did. A byte-order mark decides the encoding (UTF-32, UTF-16, UTF-8);
without one, UTF-8 is tried, then whichever of UTF-8 with replacements, Windows-1258, TCVN3 and
VNI reads best as Vietnamese. Bytes that had to be replaced, or an encoding that had to be
guessed, leave a warning on the record; content that decodes to junk is refused as binary.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..errors import EmptyInputError, ReadError
from ..messages import msg
from .base import Extracted
from .encoding import candidates, nfc, odd_count, score, syllable_share, to_unicode

__all__ = ["Decoded", "converted_note", "decode", "decode_bytes"]

# longest first: the UTF-32 LE mark begins with the UTF-16 LE one
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NAMES = {"tcvn3": "TCVN3 (ABC, .VnTime)", "vni": "VNI", "windows-1258": "Windows-1258"}
# what no text file holds: control characters (tab, line and page breaks allowed), C1 controls,
# the replacement character, private-use code points and non-characters
_HARD = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ufffe\uffff]")
_C0 = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.05  # of the visible characters: beyond this the content is binary
MAX_JUNK_SHARE = 0.25  # controls and Latin-1 symbols that Vietnamese does not use
MAX_GUESSED_SYMBOLS = 0.25  # neither letter, digit nor space, in a text whose encoding was guessed


def converted_note(encoding: str) -> str:
    """The note recorded when legacy-encoded text was converted to Unicode."""
    return f"chuyển mã {_NAMES[encoding]} sang Unicode"


def _label(encoding: str) -> str:
    return _NAMES.get(encoding, encoding.upper())


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, the encoding used, and what decoding noted or warns about."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _replaced(text: str, encoding: str) -> tuple[str, ...]:
    """The warning for the bytes decoding had to replace (U+FFFD in ``text``), if any."""
    bad = text.count("\ufffd")
    return (msg("read.replaced", count=bad, encoding=_label(encoding)),) if bad else ()


def _bom(data: bytes) -> Decoded | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(enc, errors="replace")
            return Decoded(text, enc, (), _replaced(text, enc))
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text saved without a mark: zero bytes at every other position (ASCII-heavy text)."""
    head = data[:4096]
    if len(head) < 8:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    enc = "utf-16-le" if odd > 0.4 * len(head) / 2 and even < odd / 8 else None
    if enc is None and even > 0.4 * len(head) / 2 and odd < even / 8:
        enc = "utf-16-be"
    if enc is None:
        return None
    text = data[: len(data) // 2 * 2].decode(enc, errors="replace")
    return Decoded(text, enc, (), (msg("read.utf16_guessed", encoding=enc.upper()),))


def _best(data: bytes) -> Decoded:
    """Bytes that are not valid UTF-8: UTF-8 with its bad bytes replaced, or a legacy encoding,
    whichever reads best as Vietnamese."""
    enc, text = max(candidates(data), key=lambda c: score(c[1]))
    return Decoded(text, enc, () if enc == "utf-8" else (converted_note(enc),), _replaced(text, enc))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``: by its byte-order mark; else by the ``declared`` charset (an HTML page's)
    when the bytes fit it and are not UTF-8 that reads better; else as if nothing was declared
    (UTF-8, or the best guess), with a warning that the declaration was wrong."""
    got = _bom(data)
    if got is not None:
        return got
    if not declared:
        return _plain(data)
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        codec = None
    text = _strict(data, codec) if codec else None
    if text is not None and codec != "utf-8":
        utf8 = _strict(data, "utf-8")
        if utf8 is not None and not utf8.isascii() and score(nfc(utf8)) > score(nfc(text)):
            text = None  # a page saved as UTF-8 under a wrong declaration: read as UTF-8, below
    if codec is not None and text is not None:
        return Decoded(text, codec)
    got = _plain(data)
    key = "read.charset_unknown" if codec is None else "read.charset_wrong"
    warn = msg(key, declared=declared, encoding=_label(got.encoding))
    return Decoded(got.text, got.encoding, got.notes, (warn, *got.warnings))


def _plain(data: bytes) -> Decoded:
    """Decode without a mark or a declared charset."""
    if b"\x00" in data[:4096]:
        got = _utf16_without_bom(data)
        if got is not None:
            return got
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _best(data)


def looks_binary(text: str, guessed: bool = False) -> str | None:
    """The share of unreadable characters when ``text`` is binary content decoded as text, else
    None: more than a few control characters, or many symbols that no Vietnamese text uses; for
    a ``guessed`` encoding also too few letters, or words that are no Vietnamese syllables."""
    visible = len(text) - sum(map(text.count, " \n\t\r"))
    if not visible:
        return None
    junk = odd_count(text) + len(_C0.findall(text))
    if len(_HARD.findall(text)) > MAX_CONTROL_SHARE * visible or junk > MAX_JUNK_SHARE * visible:
        return f"{junk / visible:.0%}"
    if guessed:
        other = sum(not (c.isalnum() or c.isspace()) for c in text)
        share, words = syllable_share(text)
        if other > MAX_GUESSED_SYMBOLS * len(text) or (words >= 2 and share < 0.5):
            return f"{max(other / len(text), 1 - share):.0%}"
    return None


def decode(data: bytes, name: str = "input") -> Extracted:
    """Decode a text file; binary content is a ``ReadError``; legacy Vietnamese encodings
    (Windows-1258, TCVN3, VNI) are detected and converted."""
    if not data.strip():
        raise EmptyInputError(msg("read.blank", name=name))
    got = decode_bytes(data)
    if not got.notes:
        text, enc = to_unicode(got.text)  # a legacy document copied into a Unicode file
        if enc:
            got = Decoded(text, got.encoding, (converted_note(enc),), got.warnings)
    share = looks_binary(got.text, guessed=bool(got.notes or got.warnings))
    if share is not None:
        raise ReadError(msg("read.binary_junk", name=name, share=share))
    text = nfc(got.text.replace("\r\n", "\n").replace("\r", "\n"))
    return Extracted(text, "text", problems=got.notes, warnings=got.warnings)
