"""The record of one official document (văn bản): frozen dataclasses, every value with its span.

A span is ``(start, end)``: character offsets into ``Document.text``, the text exactly as the
reader produced it (before normalization), so a UI can highlight the value where it stands.
``Document.to_dict()`` gives the JSON record of ``../shared/eval/FIELDS.md`` plus spans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Text:
    """A string extracted from the document, and where it stands."""

    value: str
    span: Span


@dataclass(frozen=True)
class Number:
    """Số và ký hiệu: ``3241/UBND-KGVX``, ``15/2020/NĐ-CP``, ``1138-CV/ĐU``."""

    value: str
    span: Span
    seq: str | None = None  # the ordinal as printed ("01814" keeps its zero)
    year: int | None = None  # QPPL numbers carry the year: 15/2020/NĐ-CP
    type_abbr: str | None = None  # QĐ, CV, KH… (None for a State công văn)
    symbols: tuple[str, ...] = ()  # issuer / drafting-unit symbols: ("UBND", "KGVX")


@dataclass(frozen=True)
class Date:
    """A calendar date and the words it was read from."""

    value: dt.date
    text: str
    span: Span


@dataclass(frozen=True)
class Signer:
    """Chữ ký: the authority markers (TM./KT./T/M…), the signer's own title and name."""

    authority: str | None  # first marker: TM., KT., TL., TUQ., Q., T/M, K/T, T/L, T/UQ
    markers: tuple[Text, ...]  # every marker line, e.g. "TL. CỤC TRƯỞNG", "KT. TRƯỞNG BAN …"
    title: Text | None
    name: Text | None
    span: Span


@dataclass(frozen=True)
class Citation:
    """A reference to another document (trích dẫn): number, type, date, issuer, title, relation."""

    number: str | None  # None for a law cited by name only
    doc_type: str | None
    date: dt.date | None
    issuer: str | None
    title: str | None
    relation: str  # basis, implements, continues, guides, amends, replaces, responds, reports, mentions
    key: str  # canonical key for linking in the archive
    span: Span
    named: bool = False  # a law or code cited by its name, without a number


@dataclass(frozen=True)
class Assignee:
    """A unit (đơn vị) a task is given to, as printed, with its canonical key."""

    name: str
    role: str  # lead (chủ trì), coordinate (phối hợp), execute, addressee
    key: str
    group: bool  # a collective addressee ("Các Sở, ban, ngành") a tracker may expand
    span: Span


@dataclass(frozen=True)
class Deadline:
    """Thời hạn: absolute, year-less, relative to the date of issue, or recurring."""

    date: dt.date | None
    kind: str  # absolute, relative, recurring, none
    text: str
    span: Span
    recurrence: str | None = None  # yearly, half-yearly, quarterly, monthly, weekly


@dataclass(frozen=True)
class Task:
    """An assignment of work (nhiệm vụ) to units, with its deadline and report obligation."""

    assignees: tuple[Assignee, ...]
    action: Text
    deadline: Deadline | None
    report_to: str | None = None
    report_via: str | None = None


@dataclass(frozen=True)
class Section:
    """A numbered part of the body (``1.``, ``Điều 3.``, ``I.``) and its heading."""

    label: str
    heading: str
    span: Span
    level: int


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input or the document, with where it is."""

    rule: str
    severity: str  # error, warning, info
    message: str
    span: Span | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class Document:
    """The structured record of one official document."""

    text: str
    source: str | None = None
    system: str = "other"  # state (NĐ 30/2020), party (HD 36-HD/VPTW), other
    issuer: Text | None = None
    issuer_parent: Text | None = None
    number: Number | None = None
    doc_type: Text | None = None
    place: Text | None = None
    date: Date | None = None
    subject: Text | None = None
    urgency: Text | None = None
    secrecy: Text | None = None
    recipients: tuple[Text, ...] = ()
    body: Text | None = None
    sections: tuple[Section, ...] = ()
    signer: Signer | None = None
    distribution: tuple[Text, ...] = ()
    citations: tuple[Citation, ...] = ()
    tasks: tuple[Task, ...] = ()
    transcription: bool = False  # a web transcription: "(Đã ký)" in place of a signature
    pages: tuple[int, ...] = ()  # offset where each page starts (readers of paged formats)
    problems: tuple[Problem, ...] = field(default=())
    confidence: Mapping[str, float] = field(default_factory=dict)  # field → 0–1 (vanban.assess)
    sources: Mapping[str, str] = field(default_factory=dict)  # field → text, ocr, zone, signature, metadata
    readings: tuple[Any, ...] = ()  # zones of a scan read on their own (read.base.Reading)
    signatures: tuple[Any, ...] = ()  # the PDF's digital signatures (read.signatures.PdfSignature)
    # metadata that came with the file (an edXML packet, an e-office export): flat key → value;
    # the fields it gave have the source "metadata" (see ``vanban.metadata``)
    meta: tuple[tuple[str, str], ...] = ()

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, when the reader recorded pages."""
        if not self.pages:
            return None
        from bisect import bisect_right

        return max(1, bisect_right(self.pages, offset))

    def to_dict(self, spans: bool = True) -> dict[str, Any]:
        """The FIELDS.md record (JSON-ready); with ``spans``, where each value stands."""
        return record(self, spans)


def _val(t: Text | None) -> str | None:
    return t.value if t else None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def record(doc: Document, spans: bool = True) -> dict[str, Any]:
    """Serialize ``doc`` to the JSON record of FIELDS.md."""
    s = doc.signer
    out: dict[str, Any] = {
        "source": doc.source,
        "system": doc.system,
        "issuer": _val(doc.issuer),
        "issuer_parent": _val(doc.issuer_parent),
        "number": doc.number.value if doc.number else None,
        "doc_type": _val(doc.doc_type),
        "place": _val(doc.place),
        "date": _iso(doc.date.value) if doc.date else None,
        "subject": _val(doc.subject),
        "urgency": _val(doc.urgency),
        "secrecy": _val(doc.secrecy),
        "recipients": [r.value for r in doc.recipients],
        "signer": {
            "authority": s.authority if s else None,
            "markers": [m.value for m in s.markers] if s else [],
            "title": _val(s.title) if s else None,
            "name": _val(s.name) if s else None,
        },
        "distribution": [d.value for d in doc.distribution],
        "citations": [
            {
                "number": c.number,
                "doc_type": c.doc_type,
                "date": _iso(c.date),
                "issuer": c.issuer,
                "title": c.title,
                "relation": c.relation,
                "key": c.key,
                "named": c.named,
                **({"span": list(c.span)} if spans else {}),
            }
            for c in doc.citations
        ],
        "tasks": [
            {
                "assignees": [a.name for a in t.assignees],
                "roles": {a.name: a.role for a in t.assignees},
                # FIELDS.md: an explicit date (a relative one, counted from the date of issue, is "due")
                "deadline": _iso(t.deadline.date) if t.deadline and t.deadline.kind != "relative" else None,
                "due": _iso(t.deadline.date) if t.deadline else None,
                "deadline_kind": t.deadline.kind if t.deadline else None,
                "recurrence": t.deadline.recurrence if t.deadline else None,
                "report_to": t.report_to,
                "report_via": t.report_via,
                "action": t.action.value,
                **({"span": list(t.action.span)} if spans else {}),
            }
            for t in doc.tasks
        ],
        "number_parts": (
            {
                "seq": doc.number.seq,
                "year": doc.number.year,
                "type_abbr": doc.number.type_abbr,
                "symbols": list(doc.number.symbols),
            }
            if doc.number
            else None
        ),
        "sections": [{"label": x.label, "heading": x.heading, "level": x.level} for x in doc.sections],
        "transcription": doc.transcription,
        "confidence": dict(doc.confidence),
        "sources": dict(doc.sources),
        "signatures": [sg.to_dict() for sg in doc.signatures],
        "evidence": [r.to_dict() for r in doc.readings],
        "problems": [
            {
                "rule": p.rule,
                "severity": p.severity,
                "message": p.message,
                "span": list(p.span) if p.span else None,
                "suggestion": p.suggestion,
            }
            for p in doc.problems
        ],
    }
    if spans:
        out["spans"] = _spans(doc)
    if doc.meta:
        out["metadata"] = dict(doc.meta)
    return out


def _spans(doc: Document) -> dict[str, Any]:
    sp: dict[str, Any] = {}
    for name in ("issuer", "issuer_parent", "doc_type", "place", "subject", "urgency", "secrecy", "body"):
        v = getattr(doc, name)
        if v is not None:
            sp[name] = list(v.span)
    if doc.number:
        sp["number"] = list(doc.number.span)
    if doc.date:
        sp["date"] = list(doc.date.span)
    if doc.signer:
        sp["signer"] = list(doc.signer.span)
        if doc.signer.name:
            sp["signer.name"] = list(doc.signer.name.span)
        if doc.signer.title:
            sp["signer.title"] = list(doc.signer.title.span)
    if doc.recipients:
        sp["recipients"] = [list(r.span) for r in doc.recipients]
    if doc.distribution:
        sp["distribution"] = [list(d.span) for d in doc.distribution]
    return sp
