"""The checker: format, consistency and spelling rules for official documents.

``check(doc)`` runs the text rules of the document's profile (State NĐ 30/2020, Party HD 36,
or a successor profile from a data file) and returns ``Problem``s with spans into
``doc.text``; ``check_file(path)`` adds the layout rules when the file is a DOCX.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..lexicon import pattern
from ..model import Document, Problem
from .profiles import Profile, Rule, load, names, select
from .text_rules import DETECTORS, Ctx, Hit, blank_date, blank_number

__all__ = ["Checked", "Profile", "Rule", "check", "check_file", "load", "names", "select"]

# The draft mark: "DỰ THẢO" in capitals, "(Dự thảo …)", or "Dự thảo [lần 2]" alone on its line.
# Not "dự thảo" in running text ("… năm 2022 dự thảo Nghị quyết …", "a) Dự thảo hợp đồng").
_DRAFT = pattern("check.draft")


def is_draft(doc: Document) -> bool:
    """A draft (dự thảo): blanks in the number and date are expected there.

    A document is a draft when its header says so ("DỰ THẢO", "Dự thảo lần 2"), or when it
    leaves the number or the day/month of its date blank: a number and a date are given only
    when the signed document is registered and issued (NĐ 30/2020, Điều 15-16; HD 36, II.1.3-1.4),
    so a copy with "Số -HD/BTCTU" or "ngày   tháng 8 năm 2025" is one circulated before issue.
    ``check(doc, final=True)`` judges such a copy as the issued document instead.
    """
    end = _header_end(doc)
    if _DRAFT.search(doc.text, 0, max(end + 200, 3000)):
        return True
    return bool(blank_number(doc, end) or blank_date(doc, end))


def _header_end(doc: Document) -> int:
    if doc.body is not None:
        return doc.body.span[0]
    return min(len(doc.text), 3000)


def problem(rule: Rule, hit: Hit, *, transcription: bool = False, draft: bool = False) -> Problem:
    """The ``Problem`` a hit of ``rule`` reports: severity for the case, message with its clause."""
    severity = rule.severity
    if transcription and rule.transcription:
        severity = rule.transcription
    if draft and rule.draft:
        severity = rule.draft
    text = rule.message.format_map(defaultdict(lambda: "…", {k: v for k, v in hit.args.items() if v}))
    if rule.clause:
        text += f" [{rule.clause}]"
    return Problem(rule.id, severity, text, hit.span, hit.suggestion)


def check(doc: Document, profile: str | Profile | None = None, *, final: bool = False) -> list[Problem]:
    """The problems the rules of ``profile`` (default: chosen from ``doc.system``) find in ``doc``.

    With ``final``, the document is judged as the issued one even when it looks like a draft
    (blanks in its number or date are then errors: the gate before a document goes out).
    """
    prof = profile if isinstance(profile, Profile) else select(doc, profile)
    low = doc.text.lower()
    draft = not final and is_draft(doc)
    ctx = Ctx(doc, prof, _header_end(doc), draft, low if len(low) == len(doc.text) else "")
    out: list[Problem] = []
    for rules, fn in DETECTORS:
        if not ctx.on(*rules):
            continue
        for hit in fn(ctx):
            rule = prof.rules.get(hit.rule)
            if rule is not None:
                out.append(problem(rule, hit, transcription=doc.transcription, draft=ctx.draft))
    out.sort(key=lambda p: (p.span or (-1, -1), p.rule))
    return out


@dataclass(frozen=True)
class Checked:
    """A checked file: the document parsed from it, its profile and the problems found."""

    document: Document
    profile: Profile
    problems: list[Problem]


def check_file(path: str | Path, profile: str | None = None, *, final: bool = False) -> Checked:
    """Parse and check a file; a DOCX is also checked for layout (fonts, sizes, margins)."""
    import vanban

    p = Path(path)
    if p.suffix.lower() != ".docx":
        doc = vanban.parse_file(p)
        prof = select(doc, profile)
        return Checked(doc, prof, check(doc, prof, final=final))
    from .layout import layout_hits, load

    d, text, paras = load(p)  # the text from the paragraphs, so that layout problems have spans
    doc = vanban.parse(text, str(p))
    prof = select(doc, profile)
    problems = check(doc, prof, final=final)
    for hit in layout_hits(d, paras, doc, prof.params):
        rule = prof.rules.get(hit.rule)
        if rule is not None:
            problems.append(problem(rule, hit))
    return Checked(doc, prof, problems)
