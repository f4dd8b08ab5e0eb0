"""Tell the format of a file from its first bytes (never from its name)."""

from __future__ import annotations

import io
import re
import zipfile

__all__ = ["sniff"]

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"BM", "image"),
    (b"{\\rtf", "rtf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"PK\x03\x04", "zip"),
)
_HTML = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S
)
# an edXML packet (QCVN 102:2016) or an e-office export (<EXPORTMAIL>)
# (a DOCTYPE included, so that the reader refuses it with a clear error)
_EDXML = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!DOCTYPE\s+(?:edXML|EXPORTMAIL)\b[^\[>]*(?:\[[^\]]*\])?\s*>\s*)?<(?:edXML|EXPORTMAIL)\b",
    re.S,
)
# Files that are not documents, by their first bytes: the key names the kind in the message
# catalogue (``read.kinds.<key>``), for a clearer error.
_OTHER = (
    (b"\x7fELF", "executable"),
    (b"MZ", "windows_program"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
    (b"ID3", "mp3"),
    (b"OggS", "audio"),
    (b"\x00\x00\x00", "video"),
)


def sniff(data: bytes) -> str:
    """The kind of ``data``: pdf, image, docx, odt, ole (Word 97), rtf, html, edxml, text, zip, empty,
    or ``binary:<key>`` for content that is no document (``read.kinds.<key>`` names it)."""
    if not data:
        return "empty"
    head = data[:16]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    # PDFs may carry junk before the header; the specification tolerates 1 KiB of it.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return _zip_kind(data) if kind == "zip" else kind
    if _EDXML.match(data[:4096].lstrip(b"\xef\xbb\xbf")):
        return "edxml"
    if _HTML.match(data[:4096].lstrip(b"\xef\xbb\xbf")):
        return "html"
    for magic, key in _OTHER:
        if head.startswith(magic):
            return f"binary:{key}"
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" in names:
                return "docx"
            if (
                "mimetype" in names
                and z.getinfo("mimetype").file_size < 256
                and z.read("mimetype").strip().startswith(b"application/vnd.oasis.opendocument.text")
            ):
                return "odt"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return "binary:damaged_zip"
    return "zip"
