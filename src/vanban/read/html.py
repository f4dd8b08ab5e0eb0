"""HTML pages (a document page saved from a website) to text: blocks on their own lines,
table rows as ``a | b``, scripts, styles and site chrome dropped."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..errors import ReadError
from ..messages import msg
from .base import Extracted
from .encoding import nfc, to_unicode
from .text import converted_note, decode_bytes

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
_CHARSET = re.compile(rb"""<meta[^<>]+charset=["']?([\w-]+)""", re.I)
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
    m = _CHARSET.search(data[:4096])
    got = decode_bytes(data, m.group(1).decode("ascii") if m else None)
    notes = got.notes
    source = re.sub(r"^\s*<\?xml[^>]*>", "", got.text.lstrip("\ufeff"))
    try:
        root = lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(msg("read.html_unreadable", name=name, why=exc)) from None
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
    return Extracted(nfc(text) + "\n", "html", problems=notes, warnings=got.warnings)


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
