"""``--fix``: write a corrected copy with the fixes that are certain (never in place).

A problem is fixed when its rule says ``fix = true``: its suggestion then replaces the span
(text rules) or states the setting (layout rules).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as open_docx
from docx.shared import Mm, Pt

from ..errors import VanbanError
from ..model import Problem
from .profiles import Profile


def certain(problems: list[Problem], profile: Profile) -> list[Problem]:
    """The problems whose fix is certain, without overlapping spans (first wins)."""
    out: list[Problem] = []
    last_end = -1
    for p in sorted(problems, key=lambda p: p.span or (-1, -1)):
        rule = profile.rules.get(p.rule)
        if rule is None or not rule.fix or p.suggestion is None:
            continue
        if p.span is not None:
            if p.span[0] < last_end:
                continue
            last_end = p.span[1]
        out.append(p)
    return out


def fix_text(text: str, problems: list[Problem], profile: Profile) -> tuple[str, int]:
    """``text`` with the certain replacements made, and how many were made."""
    edits = [p for p in certain(problems, profile) if p.span and not p.rule.startswith("layout.")]
    for p in reversed(edits):
        a, b = p.span  # type: ignore[misc]
        text = text[:a] + (p.suggestion or "") + text[b:]
    return text, len(edits)


def _guard(src: Path, out: Path) -> None:
    if out.resolve() == src.resolve():
        raise VanbanError(f"--fix không ghi đè tệp gốc {src}: hãy chọn tệp khác")


def write_text(src: Path, out: Path, text: str, problems: list[Problem], profile: Profile) -> int:
    """Write the corrected text to ``out``; the number of fixes."""
    _guard(src, out)
    fixed, n = fix_text(text, problems, profile)
    out.write_text(fixed, encoding="utf-8")
    return n


def write_docx(src: Path, out: Path, problems: list[Problem], profile: Profile) -> int:
    """Write a corrected copy of a DOCX: layout settings and in-run text replacements."""
    from .layout import text_of

    _guard(src, out)
    d = open_docx(str(src))
    _, paras = text_of(d)
    lay = profile.params.get("layout", {})
    n = 0
    for p in certain(problems, profile):
        if p.rule == "layout.margins":
            side, mm = (p.suggestion or "").split("=")
            for sec in d.sections:
                setattr(sec, f"{side}_margin", Mm(int(mm)))
            n += 1
            continue
        if p.rule == "layout.page_number_first":
            for sec in d.sections:
                sec.different_first_page_header_footer = True
            n += 1
            continue
        para = next((x for x in paras if p.span and x.start <= p.span[0] <= x.end), None)
        if para is None:
            continue
        runs = [r for r in para.paragraph.runs if r.text]
        if p.rule.startswith("layout."):
            n += _format(p.rule, runs, lay)
            continue
        a, b = p.span[0] - para.start, p.span[1] - para.start  # type: ignore[index]
        pos = 0
        for r in runs:
            if pos <= a and b <= pos + len(r.text):
                r.text = r.text[: a - pos] + (p.suggestion or "") + r.text[b - pos :]
                n += 1
                break
            pos += len(r.text)
    d.save(str(out))
    return n


def _format(rule: str, runs: list, lay: dict) -> int:
    for r in runs:
        if rule == "layout.font":
            r.font.name = lay.get("font", "Times New Roman")
            rpr = r._element.get_or_add_rPr()
            rpr.get_or_add_rFonts().set(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", r.font.name
            )
        elif rule == "layout.title":
            r.font.bold = True
            r.font.size = Pt(lay["title_size"][0])
        elif rule == "layout.motto":
            r.font.bold = True
            r.font.size = Pt(lay["motto_size"][-1])
        elif rule == "layout.date_italic":
            r.font.italic = True
        elif rule == "layout.noi_nhan_items":
            r.font.size = Pt(lay["noi_nhan_item_size"][0])
    if rule == "layout.noi_nhan" and runs:
        runs[0].font.bold = runs[0].font.italic = True
        runs[0].font.size = Pt(lay["noi_nhan_size"][0])
    return 1 if runs else 0
