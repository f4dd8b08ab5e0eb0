"""Layout rules for DOCX input (python-docx): fonts, sizes and styles of Phụ lục I, margins,
page numbers. The text is taken paragraph by paragraph (tables cell by cell) so that every
layout problem has a span in the text the text rules also read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..errors import ReadError
from ..model import Document
from .text_rules import Hit


@dataclass(frozen=True)
class Para:
    """A paragraph of the DOCX and where its text stands in the joined text."""

    paragraph: Paragraph
    start: int
    end: int


def paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    """Body paragraphs in reading order, those of tables cell by cell (nested tables too)."""
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, doc)
        elif child.tag.endswith("}tbl"):
            yield from _table_paragraphs(Table(child, doc))


def _table_paragraphs(table: Table) -> Iterator[Paragraph]:
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                continue
            seen.add(id(cell._tc))
            for child in cell._tc.iterchildren():
                if child.tag.endswith("}p"):
                    yield Paragraph(child, cell)
                elif child.tag.endswith("}tbl"):
                    yield from _table_paragraphs(Table(child, cell))


def text_of(doc: DocxDocument) -> tuple[str, list[Para]]:
    """The joined text (one line per paragraph) and each paragraph's span in it."""
    parts: list[str] = []
    paras: list[Para] = []
    pos = 0
    for p in paragraphs(doc):
        s = p.text
        paras.append(Para(p, pos, pos + len(s)))
        parts.append(s)
        pos += len(s) + 1
    return "\n".join(parts), paras


def _style_attr(p: Paragraph, attr: str) -> Any:
    style = p.style
    while style is not None:
        v = getattr(style.font, attr)
        if v is not None:
            return v
        style = style.base_style
    return None


def run_font(p: Paragraph, run: Any, default_font: str | None) -> str | None:
    """The font a run is shown in: its own, its paragraph style's, or the document default."""
    return run.font.name or _style_attr(p, "name") or default_font


def run_size(p: Paragraph, run: Any, default_size: float | None) -> float | None:
    """The size (pt) a run is shown in."""
    size = run.font.size or _style_attr(p, "size")
    return size.pt if size is not None else default_size


def run_flag(p: Paragraph, run: Any, attr: str) -> bool:
    """Bold or italic as shown (run, then paragraph style)."""
    v = getattr(run.font, attr)
    return bool(v if v is not None else _style_attr(p, attr))


def _defaults(doc: DocxDocument) -> tuple[str | None, float | None]:
    rpr = doc.styles.element.find(".//{*}docDefaults/{*}rPrDefault/{*}rPr")
    font = size = None
    if rpr is not None:
        fonts = rpr.find("{*}rFonts")
        if fonts is not None:
            font = next((v for k, v in fonts.attrib.items() if k.endswith("}ascii")), None)
        sz = rpr.find("{*}sz")
        if sz is not None:
            size = next((int(v) / 2 for k, v in sz.attrib.items() if k.endswith("}val")), None)
    normal = doc.styles["Normal"].font if "Normal" in [s.name for s in doc.styles] else None
    if normal is not None:
        font = normal.name or font
        size = normal.size.pt if normal.size is not None else size
    return font, size


def _runs(p: Paragraph) -> list[Any]:
    return [r for r in p.runs if r.text.strip()]


def _describe(p: Paragraph, runs: list[Any], size: float | None) -> str:
    sizes = sorted({s for r in runs if (s := run_size(p, r, size)) is not None})
    bold = all(run_flag(p, r, "bold") for r in runs)
    italic = all(run_flag(p, r, "italic") for r in runs)
    parts = [f"cỡ {', '.join(f'{s:g}' for s in sizes)}" if sizes else "cỡ không rõ"]
    parts.append("đậm" if bold else "không đậm")
    parts.append("nghiêng" if italic else "không nghiêng")
    return ", ".join(parts)


def _in(v: float | None, rng: list[float]) -> bool:
    return v is not None and rng[0] <= v <= rng[1]


def layout_hits(
    doc: DocxDocument, paras: list[Para], parsed: Document, params: dict[str, Any]
) -> Iterator[Hit]:
    """Layout findings for the rules of ``params['layout']``."""
    lay = params.get("layout", {})
    font, size = _defaults(doc)
    want_font = lay.get("font", "Times New Roman")
    for pa in paras:
        bad = {run_font(pa.paragraph, r, font) for r in _runs(pa.paragraph)} - {want_font}
        if bad:
            yield Hit(
                "layout.font", (pa.start, pa.end), want_font, {"font": ", ".join(sorted(map(str, bad)))}
            )
    title = lay.get("title_line")
    for pa in paras:
        p, runs = pa.paragraph, _runs(pa.paragraph)
        text = " ".join(p.text.split())
        if not runs:
            continue
        if title and text.upper().startswith(title) and title in text:
            ok = all(run_flag(p, r, "bold") and _in(run_size(p, r, size), lay["title_size"]) for r in runs)
            if not ok:
                yield Hit("layout.title", (pa.start, pa.end), None, {"found": _describe(p, runs, size)})
        elif text.startswith("Độc lập") and "Hạnh phúc" in text and "motto_size" in lay:
            ok = all(run_flag(p, r, "bold") and _in(run_size(p, r, size), lay["motto_size"]) for r in runs)
            if not ok:
                yield Hit("layout.motto", (pa.start, pa.end), None, {"found": _describe(p, runs, size)})
        elif text.startswith("Nơi nhận"):
            label = runs[0]
            ok = (
                run_flag(p, label, "bold")
                and run_flag(p, label, "italic")
                and _in(run_size(p, label, size), lay["noi_nhan_size"])
            )
            if not ok:
                yield Hit("layout.noi_nhan", (pa.start, pa.end), None, {"found": _describe(p, [label], size)})
    if parsed.date is not None:
        a = parsed.date.span[0]
        for pa in paras:
            if pa.start <= a < pa.end + 1 and not all(
                run_flag(pa.paragraph, r, "italic") for r in _runs(pa.paragraph)
            ):
                yield Hit("layout.date_italic", (pa.start, pa.end))
    for item in parsed.distribution:
        for pa in paras:
            if pa.start <= item.span[0] < pa.end + 1:
                p, runs = pa.paragraph, _runs(pa.paragraph)
                if runs and not all(_in(run_size(p, r, size), lay["noi_nhan_item_size"]) for r in runs):
                    yield Hit(
                        "layout.noi_nhan_items", (pa.start, pa.end), None, {"found": _describe(p, runs, size)}
                    )
    yield from _sections(doc, lay)


_SIDES = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}


def _sections(doc: DocxDocument, lay: dict[str, Any]) -> Iterator[Hit]:
    for sec in doc.sections:
        for side, rng in lay.get("margins", {}).items():
            v = getattr(sec, f"{side}_margin")
            if v is None:
                continue
            mm = round(v.mm)
            if not rng[0] <= mm <= rng[1]:
                args = {"side": _SIDES[side], "found": mm, "lo": rng[0], "hi": rng[1]}
                yield Hit("layout.margins", None, f"{side}={min(max(mm, rng[0]), rng[1])}", args)
        if _has_page_field(sec.header) and not sec.different_first_page_header_footer:
            yield Hit("layout.page_number_first", None, "different_first_page")


def _has_page_field(header: Any) -> bool:
    if header.is_linked_to_previous:
        return False  # no header of its own (or the previous section's, checked there)
    el = header._element
    instr = [x.text or "" for x in el.iter() if x.tag.endswith("}instrText")]
    simple = [
        v
        for x in el.iter()
        if x.tag.endswith("}fldSimple")
        for k, v in x.attrib.items()
        if k.endswith("}instr")
    ]
    return any("PAGE" in s.upper() for s in (*instr, *simple))


def load(path: Path) -> tuple[DocxDocument, str, list[Para]]:
    """The DOCX at ``path``, its text and its paragraphs; ``ReadError`` when it cannot be read."""
    try:
        d = open_docx(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise ReadError(f"{path}: không đọc được tệp DOCX ({type(exc).__name__})") from None
    text, paras = text_of(d)
    return d, text, paras
