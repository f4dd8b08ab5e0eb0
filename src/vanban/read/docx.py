"""DOCX through python-docx: body in order, the borderless header table column by column,
text boxes, footnotes; runs in legacy fonts (.VnTime = TCVN3, VNI-Times) converted."""

from __future__ import annotations

import contextlib
import io
import re
from functools import cache

import docx
from lxml import etree

from ..errors import ReadError
from ..rules import table
from . import limits
from .base import Extracted
from .encoding import convert, font_encoding, nfc, to_unicode
from .text import converted_note

__all__ = ["read_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": _W}


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


class _Styles:
    """Resolve the font of a run through run, character/paragraph styles and defaults."""

    def __init__(self, styles_el: etree._Element | None) -> None:
        self.font: dict[str, str | None] = {}
        self.based: dict[str, str | None] = {}
        self.default: str | None = None
        self.para_default: str | None = None
        if styles_el is None:
            return
        d = styles_el.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", _NS)
        self.default = _font_of(d)
        for st in styles_el.findall("w:style", _NS):
            sid = st.get(_q("styleId"))
            self.font[sid] = _font_of(st.find("w:rPr/w:rFonts", _NS))
            b = st.find("w:basedOn", _NS)
            self.based[sid] = b.get(_q("val")) if b is not None else None
            if st.get(_q("type")) == "paragraph" and st.get(_q("default")) in ("1", "true"):
                self.para_default = sid

    @cache  # noqa: B019  (one instance per document, dropped with it)
    def style_font(self, sid: str | None) -> str | None:
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            if self.font.get(sid):
                return self.font[sid]
            sid = self.based.get(sid)
        return None


def _font_of(rfonts: etree._Element | None) -> str | None:
    if rfonts is None:
        return None
    return rfonts.get(_q("ascii")) or rfonts.get(_q("hAnsi")) or rfonts.get(_q("cs"))


class _Walker:
    """Collects the text of a WordprocessingML tree, block by block."""

    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.legacy: set[str] = set()

    def run_text(self, r: etree._Element, pstyle: str | None) -> str:
        rpr = r.find("w:rPr", _NS)
        font = _font_of(rpr.find("w:rFonts", _NS)) if rpr is not None else None
        if not font and rpr is not None and (rs := rpr.find("w:rStyle", _NS)) is not None:
            font = self.styles.style_font(rs.get(_q("val")))
        font = font or self.styles.style_font(pstyle or self.styles.para_default) or self.styles.default
        enc, upper = font_encoding(font)
        parts: list[str] = []
        for el in r:
            tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
            if tag == "t":
                parts.append(el.text or "")
            elif tag == "tab":
                parts.append("\t")
            elif tag in ("br", "cr"):
                parts.append("\n")
            elif tag == "softHyphen" and enc == "tcvn3":
                parts.append("\u00ad")  # TCVN3 puts 'ư' on the soft-hyphen code
            elif tag == "noBreakHyphen":
                parts.append("-")
        text = "".join(parts)
        if enc and text:
            self.legacy.add(enc)
            text = convert(text, enc, upper)
        return text

    def paragraph(self, p: etree._Element, boxes: list[str]) -> str:
        ps = p.find("w:pPr/w:pStyle", _NS)
        pstyle = ps.get(_q("val")) if ps is not None else None
        out: list[str] = []
        self._inline(p, pstyle, out, boxes)
        return "".join(out)

    def _inline(self, el: etree._Element, pstyle: str | None, out: list[str], boxes: list[str]) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            q = etree.QName(child)
            if q.namespace == _MC and q.localname == "AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                if choice is None:
                    choice = child.find(f"{{{_MC}}}Fallback")
                if choice is not None:
                    self._inline(choice, pstyle, out, boxes)
                continue
            if q.localname == "r" and q.namespace == _W:
                out.append(self.run_text(child, pstyle))
                self._boxes(child, boxes)
            elif q.localname in ("del", "moveFrom", "instrText", "delText"):
                continue
            elif q.localname in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent", "fldSimple", "moveTo"):
                self._inline(child, pstyle, out, boxes)

    def _boxes(self, r: etree._Element, boxes: list[str]) -> None:
        """Text boxes anchored in a run (DrawingML or VML), once each."""
        for alt in r.iter(f"{{{_MC}}}AlternateContent"):
            for fb in alt.findall(f"{{{_MC}}}Fallback"):
                alt.remove(fb)
        for tx in r.iter(_q("txbxContent")):
            boxes.append("\n".join(self.blocks(tx)))

    def blocks(self, container: etree._Element) -> list[str]:
        """The blocks (paragraph texts, tables as lines) of a body, cell or text box."""
        out: list[str] = []
        for el in container:
            if not isinstance(el.tag, str):
                continue
            name = etree.QName(el).localname
            if name == "p":
                boxes: list[str] = []
                out.append(self.paragraph(el, boxes))
                out += [b for b in boxes if b.strip()]
            elif name == "tbl":
                out += self.table(el)
            elif name in ("sdt", "sdtContent", "customXml"):
                out += self.blocks(el)
        return out

    def table(self, tbl: etree._Element) -> list[str]:
        rows = []
        for tr in tbl.findall("w:tr", _NS):
            rows.append(["\n".join(self.blocks(tc)).strip() for tc in tr.findall("w:tc", _NS)])
        if not rows:
            return []
        if _layout_table(tbl, rows):
            width = max(len(r) for r in rows)
            cols = [[r[c] for r in rows if c < len(r) and r[c]] for c in range(width)]
            if cols and cols[0] and re.match(r"(?i)\s*n[ơo]i\s*nh[ậa]n", cols[0][0]):
                cols = cols[1:] + cols[:1]  # the signer before the "Nơi nhận" list
            return ["\n".join(c) for c in cols if c]
        return [" | ".join(c.replace("\n", " ") for c in r) for r in rows]


@cache
def _motto() -> re.Pattern[str]:
    return re.compile(table("read")["header"]["motto"])


def _layout_table(tbl: etree._Element, rows: list[list[str]]) -> bool:
    """A table used to lay out columns (header, signature) rather than to hold data:
    no visible borders, at most three columns, or it holds the Quốc hiệu."""
    if max(len(r) for r in rows) > 3:
        return False
    flat = "\n".join("\n".join(r) for r in rows)
    if any(_motto().match(line.strip()) for line in flat.splitlines()):
        return True
    for b in tbl.iter(_q("top"), _q("bottom"), _q("insideH"), _q("insideV"), _q("left"), _q("right")):
        if etree.QName(b.getparent()).localname in ("tblBorders", "tcBorders") and b.get(_q("val")) not in (
            "nil",
            "none",
        ):
            return False
    style = tbl.find("w:tblPr/w:tblStyle", _NS)
    return style is None or "grid" not in (style.get(_q("val")) or "").lower()


def _columns(line: str) -> list[str]:
    """A header line cut where tabs or a run of spaces separate its two columns; a line pushed
    right by tabs or spaces only gives an empty left part."""
    if re.match(r"^(?:\t{2,}| {12,})\S", line):
        return ["", line.strip()]
    return re.split(r"\t+| {3,}", line.strip(), maxsplit=1)


def _tab_header(blocks: list[str]) -> list[str]:
    """A header laid out with tabs or spaces (``ỦY BAN NHÂN DÂN<tab>CỘNG HÒA…``): left parts, then right."""
    lines = [x for b in blocks[:12] for x in b.split("\n")]
    split = [_columns(x) for x in lines]
    q = next((i for i, s in enumerate(split) if len(s) == 2 and _motto().match(s[1].strip())), None)
    if q is None:
        return blocks
    date = re.compile(table("read")["header"]["date"])
    dated = next(
        (i for i in range(q, min(q + 8, len(split))) if len(split[i]) == 2 and date.search(split[i][1])), None
    )
    if dated is not None:
        end = dated + 1
    else:
        end = q
        while end < len(split) and (len(split[end]) == 2 or not lines[end].strip()):
            end += 1
    zone = [s for s in split[:end] if any(p.strip() for p in s)]
    left = [s[0].strip() for s in zone if s[0].strip()]
    right = [s[1].strip() for s in zone if len(s) == 2 and s[1].strip()]
    rest = lines[end:] + [x for b in blocks[12:] for x in b.split("\n")]
    return left + right + rest


def _notes(doc: docx.document.Document, walker: _Walker) -> list[str]:
    """Footnotes and endnotes, numbered as Word shows them."""
    out: list[str] = []
    for rel in doc.part.rels.values():
        if rel.is_external or not rel.reltype.endswith(("/footnotes", "/endnotes")):
            continue
        root = etree.fromstring(rel.target_part.blob)
        for note in root:
            if note.get(_q("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = " ".join(b.strip() for b in walker.blocks(note) if b.strip())
            if text:
                out.append(f"[{note.get(_q('id'))}] {text}")
    return out


def read_docx(data: bytes, name: str) -> Extracted:
    """Extract the text of a DOCX file."""
    limits.check_zip(data, name)
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx fails in many ways on a broken package
        raise ReadError(f"{name}: damaged Word file ({type(exc).__name__}: {exc})") from None
    styles_el = None
    with contextlib.suppress(KeyError, ValueError):
        styles_el = doc.styles.element
    walker = _Walker(_Styles(styles_el))
    blocks = _tab_header(walker.blocks(doc.element.body))
    notes = _notes(doc, walker)
    text = "\n".join(blocks + notes)
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text.replace("\t", " " * 4))
    text = re.sub(r"\n{3,}", "\n\n", text)
    problems = [converted_note(e) for e in sorted(walker.legacy)]
    text, enc = to_unicode(text)
    if enc:
        problems.append(converted_note(enc))
    return Extracted(nfc(text).strip("\n") + "\n", "docx", problems=tuple(problems))
