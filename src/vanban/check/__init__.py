"""The checker: format, consistency and spelling rules for official documents.

``check(doc)`` runs the text rules of the document's profile (State NĐ 30/2020, Party HD 36,
or a successor profile from a data file) and returns ``Problem``s with spans into
``doc.text``; ``check_file(path)`` adds the layout rules when the file is a DOCX.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..model import Document, Problem
from .profiles import Profile, Rule, load, names, select
from .text_rules import DETECTORS, Ctx, Hit

__all__ = ["Checked", "Profile", "Rule", "check", "check_file", "load", "names", "select"]

_DRAFT = re.compile(r"(?<!\w)(?:DỰ\s+THẢO|\(Dự thảo\)|Dự\s+thảo\s+(?:lần|\d))", re.IGNORECASE)


def is_draft(doc: Document) -> bool:
    """A draft (dự thảo): blanks in the number and date are expected there."""
    return bool(_DRAFT.search(doc.text, 0, max(_header_end(doc) + 200, 3000)))


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


def check(doc: Document, profile: str | Profile | None = None) -> list[Problem]:
    """The problems the rules of ``profile`` (default: chosen from ``doc.system``) find in ``doc``."""
    prof = profile if isinstance(profile, Profile) else select(doc, profile)
    low = doc.text.lower()
    ctx = Ctx(doc, prof, _header_end(doc), is_draft(doc), low if len(low) == len(doc.text) else "")
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


def check_file(path: str | Path, profile: str | None = None) -> Checked:
    """Parse and check a file; a DOCX is also checked for layout (fonts, sizes, margins)."""
    p = Path(path)
    if p.suffix.lower() == ".docx":
        from .layout import check_docx

        return check_docx(p, profile)
    import vanban

    doc = vanban.parse_file(p)
    prof = select(doc, profile)
    return Checked(doc, prof, check(doc, prof))
