"""PDF: the text layer through pypdfium2, OCR for the pages whose text layer is missing or bad.

Pages are read one at a time (a 1,000-page PDF is never held as images); the running heads,
footers and page numbers the pages repeat are removed; header columns are kept apart.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ..errors import MissingToolError, ReadError
from ..messages import msg
from ..rules import table
from . import limits
from .base import Extracted, Reading
from .encoding import nfc, to_unicode
from .layout import Seg, arrange, split_line
from .legacy import repair_legacy_font
from .quality import judge
from .signatures import read_signatures
from .text import converted_note

__all__ = ["read_pdf"]

_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@cache
def _furniture() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in table("read")["pdf"]["furniture"]))


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # PDFium's last-error code can be stale, so it is only believed with the bytes agreeing.
        code = getattr(exc, "err_code", None)
        encrypted = b"/Encrypt" in data
        if encrypted and code == raw.FPDF_ERR_PASSWORD:
            raise ReadError(
                f"{name}: the PDF is encrypted (password-protected); give the unprotected file"
            ) from None
        if encrypted and code == raw.FPDF_ERR_SECURITY:
            raise ReadError(f"{name}: the PDF is encrypted with an unsupported security handler") from None
        if re.search(rb"/Count\s+0\b", data):
            raise ReadError(f"{name}: the PDF has no pages") from None
        raise ReadError(f"{name}: damaged PDF, it cannot be opened") from None


def _segments(page: pdfium.PdfPage) -> list[Seg]:
    """The page's text as line segments (columns printed on one line cut apart)."""
    tp = page.get_textpage()
    try:
        n = raw.FPDFText_CountChars(tp.raw)
        limits.check_page_chars(n)
        if n <= 0:
            return []
        text = tp.get_text_range()
        height = page.get_height()
        rect = raw.FS_RECTF()
        gap = table("read")["pdf"]["column_gap"]
        segs: list[Seg] = []
        line: list[tuple[str, float, float, float, float]] = []
        for k, ch in enumerate(text[:n]):
            if ch in "\r\n":
                if line:
                    segs += split_line(line, gap)
                    line = []
                continue
            if ch.strip() and raw.FPDFText_GetLooseCharBox(tp.raw, k, ctypes.byref(rect)):
                line.append((ch, rect.left, height - rect.top, rect.right, height - rect.bottom))
            else:
                line.append((ch if ch.strip() else " ", *(line[-1][1:] if line else (0, 0, 0, 0))))
        if line:
            segs += split_line(line, gap)
        return segs
    finally:
        tp.close()


def _page_lines(doc: pdfium.PdfDocument, i: int) -> list[str]:
    page = doc[i]
    try:
        segs = _segments(page)
    finally:
        page.close()
    return [_CTRL.sub("", line) for line in arrange(segs, drop_labels=True)]


def _strip_furniture(pages: list[list[str]]) -> None:
    """Remove, in place, running heads/footers and page numbers at the top or bottom of pages."""
    cfg = table("read")["pdf"]
    edge = cfg["edge_rows"]
    pat = _furniture()

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))

    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({key(x) for x in lines[:edge] + lines[-edge:] if x.strip()})
    need = max(2, int(cfg["repeat_share"] * len(pages) + 0.5))
    repeated = {k for k, c in counts.items() if c >= need and len(k) > 1} if len(pages) > 1 else set()
    for lines in pages:
        for idx in (*range(min(edge, len(lines))), *range(len(lines) - 1, max(len(lines) - edge, 0) - 1, -1)):
            x = lines[idx]
            if not x.strip() or pat.match(x.strip()) or key(x) in repeated:
                lines[idx] = ""
        lines[:] = [x for x in lines if x.strip()]


def read_pdf(data: bytes, name: str) -> Extracted:
    """Extract the text of a PDF, OCR'ing the pages that need it."""
    doc = _open(data, name)
    try:
        n = len(doc)
        if n == 0:
            raise ReadError(f"{name}: the PDF has no pages")
        limits.check_pdf(doc, name)
        pages: list[list[str]] = []
        problems: list[str] = []
        need_ocr: list[int] = []
        reasons: dict[int, str] = {}
        for i in range(n):
            with limits.page_guard(name, i):
                lines = _page_lines(doc, i)
            text = "\n".join(lines)
            text, enc = to_unicode(text)
            if enc:
                problems.append(f"trang {i + 1}: {converted_note(enc)}")
                lines = text.split("\n")
            text, words = repair_legacy_font(text)
            if words:
                problems.append(msg("mailbox.legacy_font", page=i + 1, words=words))
                lines = text.split("\n")
            bad = judge(text)
            if bad:
                need_ocr.append(i)
                reasons[i] = bad
            pages.append(lines)
        readings: list[Reading] = []
        kind = _ocr_pages(doc, need_ocr, reasons, pages, problems, readings, name) if need_ocr else "pdf"
        _strip_furniture(pages)
        meta = {"pages": str(n), **_metadata(doc)}
    finally:
        doc.close()
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for lines in pages:
        starts.append(pos)
        parts.append(nfc("\n".join(lines)) + "\n")
        pos += len(parts[-1])
    return Extracted(
        "".join(parts), kind, tuple(starts), tuple(problems), meta, tuple(readings), read_signatures(data)
    )


def _metadata(doc: pdfium.PdfDocument) -> dict[str, str]:
    """The document information the producer wrote (a scanner's title, the creation date)."""
    try:
        info = doc.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        return {}
    return {f"pdf.{k.lower()}": nfc(_CTRL.sub("", v)).strip()[:500] for k, v in info.items() if v.strip()}


def _ocr_pages(
    doc: pdfium.PdfDocument,
    idx: list[int],
    reasons: dict[int, str],
    pages: list[list[str]],
    problems: list[str],
    readings: list[Reading],
    name: str,
) -> str:
    """OCR the listed pages in place of their text layer; the kind of the result."""
    from .ocr import check_tesseract, ocr_images

    limits.check_ocr_pages(len(idx), name)
    try:
        check_tesseract()
    except MissingToolError as exc:
        if len(idx) == len(pages) and not any(pages):
            raise MissingToolError(f"{name}: scanned PDF without a text layer. {exc}") from None
        problems.append(f"{len(idx)} trang cần OCR nhưng không chạy được: {exc}")
        return "pdf"
    dpi = table("read")["pdf"]["render_dpi"]

    def images() -> Iterator[tuple[object, int]]:
        for i in idx:
            page = doc[i]
            try:
                # in colour (seals and pen come off before OCR), without the signature stamp:
                # an annotation is evidence, never the document's own text
                scale = limits.fit_scale(*page.get_size(), dpi / 72)
                im = page.render(scale=scale, may_draw_forms=False, draw_annots=False).to_pil()
            finally:
                page.close()
            yield im, round(scale * 72)

    first = idx.index(0) + 1 if 0 in idx else 0
    for i, res in zip(idx, ocr_images(images(), first_page=first), strict=True):  # type: ignore[arg-type]
        readings.extend(replace(r, page=i + 1) for r in res.readings)
        problems.append(f"trang {i + 1}: {reasons[i]}, đã nhận dạng chữ (OCR)")
        if res.rotated:
            problems.append(f"trang {i + 1}: ảnh bị xoay, đã xoay {res.rotated}° trước khi nhận dạng")
        if not res.lines:
            problems.append(f"trang {i + 1}: trang trắng, không có chữ")
        pages[i] = list(res.lines)
    return "ocr" if len(idx) == len(pages) else "pdf+ocr"
