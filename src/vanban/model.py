"""The record of one official document (văn bản): frozen dataclasses, every value with its span.

A span is ``(start, end)``: character offsets into ``Document.text``, the text exactly as the
reader produced it (before normalization), so a UI can highlight the value where it stands.
``Document.to_dict()`` gives the JSON record of ``../shared/eval/FIELDS.md`` plus spans;
``Document.from_dict()`` reads it back. The closed sets (system, role, relation, deadline kind,
recurrence, severity) are ``StrEnum``s: a value compares, hashes and serializes as its string.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from .errors import RecordError
from .messages import msg

Span = tuple[int, int]
NOWHERE: Span = (0, 0)  # the span of a value a record without ``detail`` does not place


class System(StrEnum):
    """The rules a document follows: NĐ 30/2020 (State), HD 36-HD/VPTW (Party), or neither."""

    state = "state"
    party = "party"
    other = "other"


class Role(StrEnum):
    """What a unit is given in a task: chủ trì, phối hợp, thực hiện, or the addressee's duty."""

    lead = "lead"
    coordinate = "coordinate"
    execute = "execute"
    addressee = "addressee"


class Relation(StrEnum):
    """How a document stands to one it cites (the cues of ``data/citations.toml``, or a mention)."""

    basis = "basis"
    implements = "implements"
    continues = "continues"
    guides = "guides"
    amends = "amends"
    replaces = "replaces"
    responds = "responds"
    reports = "reports"
    mentions = "mentions"


class DeadlineKind(StrEnum):
    """A deadline's form: a date, counted from the date of issue, recurring, or none read."""

    absolute = "absolute"
    relative = "relative"
    recurring = "recurring"
    none = "none"


class Recurrence(StrEnum):
    """How often a recurring duty falls due (the keys of ``data/tasks.toml [recurrence]``)."""

    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
    half_yearly = "half_yearly"
    yearly = "yearly"


class Severity(StrEnum):
    """How bad a problem is."""

    error = "error"
    warning = "warning"
    info = "info"


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
    relation: Relation
    key: str  # canonical key for linking in the archive
    span: Span
    named: bool = False  # a law or code cited by its name, without a number

    def __post_init__(self) -> None:
        object.__setattr__(self, "relation", Relation(self.relation))


@dataclass(frozen=True)
class Assignee:
    """A unit (đơn vị) a task is given to, as printed, with its canonical key."""

    name: str
    role: Role
    key: str
    group: bool  # a collective addressee ("Các Sở, ban, ngành") a tracker may expand
    span: Span

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))


@dataclass(frozen=True)
class Deadline:
    """Thời hạn: absolute, year-less, relative to the date of issue, or recurring."""

    date: dt.date | None
    kind: DeadlineKind
    text: str
    span: Span
    recurrence: Recurrence | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DeadlineKind(self.kind))
        if self.recurrence is not None:
            object.__setattr__(self, "recurrence", Recurrence(self.recurrence))

    @property
    def explicit(self) -> dt.date | None:
        """The date FIELDS.md calls ``deadline``: none for one counted from the date of issue."""
        return self.date if self.kind != DeadlineKind.relative else None


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
    severity: Severity
    message: str
    span: Span | None = None
    suggestion: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))


Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Reading:
    """A zone of a page read on its own (``number.seq``, ``date.day``, ``date.month``, ``signer``).

    ``value`` is what the readings agree on, or None (illegible); ``readings`` are all of them;
    ``box`` is the zone in the page image (pixels at ``dpi``) for the review crop; ``lines``
    are a signature block's OCR lines as read (fragments a seal left of the name), for matching
    a known signer; ``by_hand`` is the handwritten-digit reader's reading (one of ``readings``).
    """

    field: str
    value: str | None
    readings: tuple[str, ...]
    agreement: float
    page: int
    box: Box
    dpi: int
    lines: tuple[str, ...] = ()
    by_hand: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "value": self.value,
            "readings": list(self.readings),
            "agreement": round(self.agreement, 3),
            "page": self.page,
            "box": list(self.box),
            "dpi": self.dpi,
            **({"lines": list(self.lines)} if self.lines else {}),
            **({"by_hand": self.by_hand} if self.by_hand is not None else {}),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Reading:
        """The reading ``to_dict`` wrote."""
        return cls(
            d["field"],
            d["value"],
            tuple(d["readings"]),
            d["agreement"],
            d["page"],
            _box(d["box"]),
            d["dpi"],
            tuple(d.get("lines") or ()),
            d.get("by_hand"),
        )


def _box(v: Any) -> Box:
    a, b, c, e = v
    return (a, b, c, e)


@dataclass(frozen=True)
class PdfSignature:
    """One signature field of a PDF."""

    field: str
    signer: str | None
    organization: str | None
    unit: str | None
    locality: str | None
    email: str | None
    signed_at: dt.datetime | None
    time_source: str  # "timestamp" | "signer" | "stamp" | "none"
    intact: bool | None
    coverage: str  # "entire_file" | "entire_revision" | "partial" | "unknown"
    trusted: bool | None
    digest: str | None
    stamp: str | None
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ISO 8601 times, problems as a list."""
        d = asdict(self)
        d["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        d["problems"] = list(self.problems)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PdfSignature:
        """The signature ``to_dict`` wrote."""
        at = d["signed_at"]
        fields = {
            **d,
            "signed_at": dt.datetime.fromisoformat(at) if at else None,
            "problems": tuple(d["problems"]),
        }
        return cls(**fields)


@dataclass(frozen=True)
class Document:
    """The structured record of one official document."""

    text: str
    source: str | None = None
    system: System = System.other
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
    readings: tuple[Reading, ...] = ()  # zones of a scan read on their own
    signatures: tuple[PdfSignature, ...] = ()  # the PDF's digital signatures
    # metadata that came with the file (an edXML packet, an e-office export): flat key → value;
    # the fields it gave have the source "metadata" (see ``vanban.metadata``)
    meta: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "system", System(self.system))

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, when the reader recorded pages."""
        if not self.pages:
            return None
        return max(1, bisect_right(self.pages, offset))

    def to_dict(self, spans: bool = True, detail: bool = False) -> dict[str, Any]:
        """The FIELDS.md record (JSON-ready); with ``spans``, where each value stands; with
        ``detail`` also what the record leaves out (see ``record``)."""
        return record(self, spans, detail)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], text: str | None = None) -> Document:
        """The document a record of ``to_dict()`` describes; ``text`` when the record has none.

        A record made with ``detail`` gives back the same document. Without it, what FIELDS.md
        leaves out is not known: a unit's key and span, a deadline's words and span, the spans
        of sections and signer markers are ``""``/``NOWHERE``, and the body and the date's words
        are cut from ``text`` at their spans. Raises ``RecordError`` for a record without spans
        or with a value of the wrong kind.
        """
        try:
            return _document(d, text)
        except KeyError as exc:
            raise RecordError(
                msg("common.record_invalid", reason=msg("common.record_missing", key=exc))
            ) from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise RecordError(msg("common.record_invalid", reason=exc)) from exc


def value_of(t: Text | Number | None) -> str | None:
    """The words of a value, or None."""
    return t.value if t else None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def record(doc: Document, spans: bool = True, detail: bool = False) -> dict[str, Any]:
    """Serialize ``doc`` to the JSON record of FIELDS.md.

    With ``detail`` (and ``spans``) the record also holds what FIELDS.md leaves out, so that
    ``Document.from_dict`` gives back the same document: ``text``, ``pages``, ``body``, the date's
    words (``date_text``), the signer's marker spans, each section's span, each task's units
    (``units``: name, role, key, group, span) and its deadline's words and span.
    """
    s = doc.signer
    out: dict[str, Any] = {
        "source": doc.source,
        "system": doc.system,
        "issuer": value_of(doc.issuer),
        "issuer_parent": value_of(doc.issuer_parent),
        "number": doc.number.value if doc.number else None,
        "doc_type": value_of(doc.doc_type),
        "place": value_of(doc.place),
        "date": _iso(doc.date.value) if doc.date else None,
        "subject": value_of(doc.subject),
        "urgency": value_of(doc.urgency),
        "secrecy": value_of(doc.secrecy),
        "recipients": [r.value for r in doc.recipients],
        "signer": {
            "authority": s.authority if s else None,
            "markers": [m.value for m in s.markers] if s else [],
            "title": value_of(s.title) if s else None,
            "name": value_of(s.name) if s else None,
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
        "tasks": [_task(t, spans, detail) for t in doc.tasks],
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
        "sections": [
            {
                "label": x.label,
                "heading": x.heading,
                "level": x.level,
                **({"span": list(x.span)} if detail else {}),
            }
            for x in doc.sections
        ],
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
    if detail:
        out["text"] = doc.text
        out["pages"] = list(doc.pages)
        out["body"] = value_of(doc.body)
        out["date_text"] = doc.date.text if doc.date else None
        out["signer"]["marker_spans"] = [list(m.span) for m in s.markers] if s else []
    return out


def _task(t: Task, spans: bool, detail: bool) -> dict[str, Any]:
    dl = t.deadline
    out: dict[str, Any] = {
        "assignees": [a.name for a in t.assignees],
        "roles": {a.name: a.role for a in t.assignees},
        # FIELDS.md: an explicit date (a relative one, counted from the date of issue, is "due")
        "deadline": _iso(dl.explicit) if dl else None,
        "due": _iso(dl.date) if dl else None,
        "deadline_kind": dl.kind if dl else None,
        "recurrence": dl.recurrence if dl else None,
        "report_to": t.report_to,
        "report_via": t.report_via,
        "action": t.action.value,
    }
    if spans:
        out["span"] = list(t.action.span)
    if detail:
        out["units"] = [
            {"name": a.name, "role": a.role, "key": a.key, "group": a.group, "span": list(a.span)}
            for a in t.assignees
        ]
        out["deadline_text"] = dl.text if dl else None
        out["deadline_span"] = list(dl.span) if dl else None
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


# --- reading a record back ---------------------------------------------------------------------


def _span(v: Any) -> Span:
    if not (isinstance(v, list | tuple) and len(v) == 2 and all(isinstance(x, int) for x in v)):
        raise TypeError(f"span {v!r}")
    return (v[0], v[1])


def _where(sp: Mapping[str, Any], name: str) -> Span:
    """The span of ``name``; a value set by hand (a confirmed correction) has none."""
    return _span(sp[name]) if name in sp else NOWHERE


def _date(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v is not None else None


def _text(d: Mapping[str, Any], sp: Mapping[str, Any], name: str) -> Text | None:
    v = d[name]
    return Text(v, _where(sp, name)) if v is not None else None


def _texts(values: list[str], spans: list[Any]) -> tuple[Text, ...]:
    if len(values) != len(spans):
        raise ValueError(f"{len(values)} values, {len(spans)} spans")
    return tuple(Text(v, _span(s)) for v, s in zip(values, spans, strict=True))


def _number(d: Mapping[str, Any], sp: Mapping[str, Any]) -> Number | None:
    if d["number"] is None:
        return None
    p = d["number_parts"] or {"seq": None, "year": None, "type_abbr": None, "symbols": ()}
    return Number(d["number"], _where(sp, "number"), p["seq"], p["year"], p["type_abbr"], tuple(p["symbols"]))


def _signer(d: Mapping[str, Any], sp: Mapping[str, Any]) -> Signer | None:
    s = d["signer"]
    if "signer" not in sp and not any((s["authority"], s["markers"], s["title"], s["name"])):
        return None
    marker_spans = s.get("marker_spans") or [NOWHERE] * len(s["markers"])
    return Signer(
        s["authority"],
        _texts(s["markers"], marker_spans),
        Text(s["title"], _where(sp, "signer.title")) if s["title"] is not None else None,
        Text(s["name"], _where(sp, "signer.name")) if s["name"] is not None else None,
        _where(sp, "signer"),
    )


def _citation(c: Mapping[str, Any]) -> Citation:
    return Citation(
        number=c["number"],
        doc_type=c["doc_type"],
        date=_date(c["date"]),
        issuer=c["issuer"],
        title=c["title"],
        relation=Relation(c["relation"]),
        key=c["key"],
        span=_span(c["span"]),
        named=c["named"],
    )


def _assignees(t: Mapping[str, Any]) -> tuple[Assignee, ...]:
    if "units" in t:
        return tuple(
            Assignee(u["name"], Role(u["role"]), u["key"], u["group"], _span(u["span"])) for u in t["units"]
        )
    return tuple(Assignee(n, Role(t["roles"][n]), "", False, NOWHERE) for n in t["assignees"])


def _deadline(t: Mapping[str, Any]) -> Deadline | None:
    if t["deadline_kind"] is None:
        return None
    span = t.get("deadline_span")
    return Deadline(
        date=_date(t["due"]),
        kind=DeadlineKind(t["deadline_kind"]),
        text=t.get("deadline_text") or "",
        span=_span(span) if span is not None else NOWHERE,
        recurrence=Recurrence(t["recurrence"]) if t["recurrence"] is not None else None,
    )


def _task_of(t: Mapping[str, Any]) -> Task:
    action = Text(t["action"], _span(t["span"]))
    return Task(_assignees(t), action, _deadline(t), t["report_to"], t["report_via"])


def _problem(p: Mapping[str, Any]) -> Problem:
    span = p["span"]
    return Problem(
        p["rule"],
        Severity(p["severity"]),
        p["message"],
        _span(span) if span is not None else None,
        p["suggestion"],
    )


def _document(d: Mapping[str, Any], text: str | None) -> Document:
    sp = d["spans"]
    text = d.get("text", text) or ""
    body: Text | None = None
    if "body" in sp:
        bs = _span(sp["body"])
        body = Text(d["body"] if "body" in d else text[bs[0] : bs[1]], bs)
    date: Date | None = None
    if (day := _date(d["date"])) is not None:
        ds = _where(sp, "date")
        date = Date(day, d["date_text"] if "date_text" in d else text[ds[0] : ds[1]], ds)
    return Document(
        text=text,
        source=d["source"],
        system=System(d["system"]),
        issuer=_text(d, sp, "issuer"),
        issuer_parent=_text(d, sp, "issuer_parent"),
        number=_number(d, sp),
        doc_type=_text(d, sp, "doc_type"),
        place=_text(d, sp, "place"),
        date=date,
        subject=_text(d, sp, "subject"),
        urgency=_text(d, sp, "urgency"),
        secrecy=_text(d, sp, "secrecy"),
        recipients=_texts(d["recipients"], sp.get("recipients", [])),
        body=body,
        sections=tuple(
            Section(x["label"], x["heading"], _span(x["span"]) if "span" in x else NOWHERE, x["level"])
            for x in d["sections"]
        ),
        signer=_signer(d, sp),
        distribution=_texts(d["distribution"], sp.get("distribution", [])),
        citations=tuple(_citation(c) for c in d["citations"]),
        tasks=tuple(_task_of(t) for t in d["tasks"]),
        transcription=d["transcription"],
        pages=tuple(d.get("pages", ())),
        problems=tuple(_problem(p) for p in d["problems"]),
        confidence=dict(d.get("confidence") or {}),
        sources=dict(d.get("sources") or {}),
        readings=tuple(Reading.from_dict(r) for r in d.get("evidence") or ()),
        signatures=tuple(PdfSignature.from_dict(g) for g in d.get("signatures") or ()),
        meta=tuple((d.get("metadata") or {}).items()),
    )
