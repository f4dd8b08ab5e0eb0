"""HTML pages (a document page saved from a website) to text: blocks on their own lines,
table rows as ``a | b``, scripts, styles and site chrome dropped."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..errors import ReadError
from .base import Extracted
from .encoding import best_decoding, nfc, to_unicode
from .text import converted_note

__all__ = ["read_html"]

_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "head",
    "nav",
    "footer",
    "form",
    "button",
)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "section",
        "article",
        "header",
        "blockquote",
        "pre",
        "dt",
        "dd",
        "ul",
        "ol",
        "center",
    ]
)


def read_html(data: bytes, name: str) -> Extracted:
    """Extract the readable text of an HTML page."""
    notes: tuple[str, ...] = ()
    m = _CHARSET.search(data[:4096])
    try:
        source = data.decode(m.group(1).decode("ascii") if m else "utf-8")
    except (UnicodeDecodeError, LookupError):
        source, enc = best_decoding(data)
        notes = (converted_note(enc),)
    source = re.sub(r"^\s*<\?xml[^>]*>", "", source.lstrip("\ufeff"))
    try:
        root = lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"{name}: unreadable HTML ({exc})") from None
    for bad in list(root.iter(*_DROP)):
        if bad.getparent() is not None:
            bad.drop_tree()
    main = next(
        (el for el in (root.find(".//main"), root.find(".//article"), root.find("body")) if el is not None),
        root,
    )
    out: list[str] = []
    _walk(main, out)
    text = "".join(out)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    text, enc = to_unicode(text)
    if enc:
        notes = (*notes, converted_note(enc))
    return Extracted(nfc(text) + "\n", "html", problems=notes)


def _walk(el: etree._Element, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _BLOCK:
        out.append("\n")
    if tag in ("td", "th") and out and not out[-1].endswith("\n"):
        out.append(" | ")
    if el.text and tag:
        out.append(el.text)
    for child in el:
        _walk(child, out)
        if child.tail:
            out.append(child.tail)
    if tag in _BLOCK:
        out.append("\n")
