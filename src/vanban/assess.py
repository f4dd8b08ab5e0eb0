"""Confidence and evidence (độ tin cậy): the parsed record reconciled with what came with the file.

The parser reads the text; a scanned or e-signed PDF brings more evidence than its text: the
zones of the first page read again on their own (``read.scan``), the PDF's digital signatures
(signing time, signing body), the producer's metadata (a scanner's document title, the scan's
date). ``assess`` weighs them per field — number, date, type, issuer, signer — and gives each
value a confidence (0–1) and where it came from (``text``, ``ocr``, ``zone``, ``signature``,
``metadata``). A value the evidence cannot settle is left out or given a low confidence, so
that it is shown for review: a wrong value given with confidence is worse than no value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache

from .lexicon import fold, landmark
from .model import Date, Document, Number, Signer, Text
from .read.base import Extracted, Reading
from .read.encoding import is_syllable
from .read.scan import name_in
from .rules import table

__all__ = ["assess"]

_DIGITS = re.compile(r"\d+")


@cache
def _cfg() -> dict:
    return table("assess")


@cache
def _title_seq() -> re.Pattern[str]:
    return re.compile(_cfg()["metadata"]["title_seq"])


@cache
def _symbol() -> re.Pattern[str]:
    return re.compile(_cfg()["number"]["symbol"])


@dataclass
class _Field:
    value: object
    confidence: float
    source: str


def _ocr_kind(ex: Extracted | None) -> bool:
    return bool(ex and "ocr" in ex.kind)


def _readings(ex: Extracted | None, name: str) -> list[Reading]:
    return [r for r in (ex.readings if ex else ()) if r.field == name]


def _signed_on(ex: Extracted | None) -> dt.date | None:
    """The local date of the first intact digital signature (or of its visible stamp)."""
    tz = dt.timezone(dt.timedelta(hours=_cfg()["date"]["utc_offset_hours"]))
    for s in ex.signatures if ex else ():
        if s.signed_at is not None and s.intact is not False:
            at = s.signed_at if s.signed_at.tzinfo else s.signed_at.replace(tzinfo=tz)
            return at.astimezone(tz).date()
    return None


def _created_on(ex: Extracted | None) -> dt.date | None:
    """The scan's date from the PDF's CreationDate (``D:20200803110959+07'00'``)."""
    raw = ex.meta.get("pdf.creationdate", "") if ex else ""
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})", raw)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _line_at(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _number_line(doc: Document) -> tuple[int, int] | None:
    """The span of the ``Số:`` line in the first lines of the text."""
    pos = 0
    so = landmark("so")
    for _ in range(_cfg()["number"]["header_lines"]):
        end = doc.text.find("\n", pos)
        end = len(doc.text) if end < 0 else end
        line = doc.text[pos:end]
        if so.starts(line.lstrip(" -*#|")):
            return pos, end
        if end >= len(doc.text):
            break
        pos = end + 1
    return None


def _symbol_in(line: str) -> str | None:
    """The printed symbol after the number on a ``Số:`` line (``/UBND-KT``, ``/TB - UBND``)."""
    m = _symbol().search(line)
    if not m:
        return None
    parts = [p.strip() for p in m.group(1).split("-") if p.strip()]
    if not parts or not all(_part_ok(p) for p in parts):
        return None
    return "-".join(parts)


def _part_ok(part: str) -> bool:
    """A symbol part is capitals (``UBND``, ``KGVX``, ``CCQLĐĐ``), or a known mixed-case
    abbreviation (``TTr``)."""
    return (part.isupper() and part.isalpha() and 1 <= len(part) <= 10) or part in _cfg()["number"][
        "mixed_case"
    ]


def _number(doc: Document, ex: Extracted | None, year: int | None) -> tuple[Number | None, _Field | None]:
    cfg = _cfg()["number"]
    n = doc.number
    if not _ocr_kind(ex):
        if n is None:
            return None, None
        source = "metadata" if ex and ex.kind == "edxml" else "text"
        return n, _Field(n.value, cfg["text"], source)
    line = _number_line(doc)
    symbol = None
    if n is not None and "/" in n.value and n.seq and n.seq.isdigit():
        symbol = n.value.split("/", 1)[1]
        if not all(_part_ok(p) for p in re.split(r"[-/]", symbol) if p):
            symbol = None
    if symbol is None and line:
        symbol = _symbol_in(doc.text[line[0] : line[1]])
    zone = next((r for r in _readings(ex, "number.seq")), None)
    meta = _meta_seq(ex, year)
    parsed = n.seq if n is not None and n.seq and n.seq.isdigit() else None
    seq, conf, source = None, 0.0, "ocr"
    if meta and (meta == (zone.value if zone else None) or meta == parsed):
        seq, conf, source = meta, cfg["agreed"], "metadata+zone"
    elif meta:
        seq, conf, source = meta, cfg["metadata_only"], "metadata"
    elif zone and zone.value and zone.value == parsed:
        seq, conf, source = zone.value, cfg["zone_and_text"], "zone"
    elif zone and zone.value:
        seq, conf, source = zone.value, cfg["zone_only"], "zone"
    elif parsed and n is not None:
        return n, _Field(n.value, cfg["ocr_text"], "ocr")
    if seq is None or symbol is None:
        return (n, _Field(n.value, cfg["ocr_text"], "ocr")) if n else (None, None)
    value = f"{seq}/{symbol}"
    if n is not None and n.value == value:
        return n, _Field(value, max(conf, cfg["zone_and_text"]), source)
    span = line or (n.span if n else (0, 0))
    parts = tuple(p for p in re.split(r"[-/]", symbol) if p)
    out = Number(value, span, seq, None, n.type_abbr if n else None, parts)
    return out, _Field(value, conf, source)


def _meta_seq(ex: Extracted | None, year: int | None) -> str | None:
    """The document's number in the scanner's title (``ub-3580-2020-01``) when the year beside
    it is the document's year."""
    title = ex.meta.get("pdf.title", "") if ex else ""
    m = _title_seq().search(title)
    if not m or year is None or int(m.group("year")) != year:
        return None
    return m.group("seq")


def _votes(readings: list[Reading], lo: int, hi: int) -> Counter[int]:
    c: Counter[int] = Counter()
    for r in readings:
        for x in r.readings:
            if x and lo <= int(x) <= hi:
                c[int(x)] += 1
    return c


def _date(doc: Document, ex: Extracted | None) -> tuple[Date | None, _Field | None, int | None]:
    """The date of issue, weighed: digits read in the day and month zones, the text's date,
    the signing date (a document is signed on or after its date, mostly the same day) and the
    scan's date. Also the year, for the number."""
    cfg = _cfg()["date"]
    d = doc.date
    signed = _signed_on(ex)
    if not _ocr_kind(ex):
        if d is None:
            return None, None, None
        conf = cfg["text"]
        if signed and (d.value > signed or (signed - d.value).days > cfg["max_days_before_signing"]):
            conf = cfg["text_disagrees"]
        return d, _Field(d.value.isoformat(), conf, "text"), d.value.year
    years = _votes(_readings(ex, "date.year"), 1990, 2100)
    year = d.value.year if d else (years.most_common(1)[0][0] if years else None)
    if year is None:
        year = signed.year if signed else None
    if year is None:
        return d, (_Field(d.value.isoformat(), cfg["ocr_text"], "ocr") if d else None), None
    days = _votes(_readings(ex, "date.day"), 1, 31)
    months = _votes(_readings(ex, "date.month"), 1, 12)
    if d and d.value.year == year:
        days[d.value.day] += cfg["text_vote"]
        months[d.value.month] += cfg["text_vote"]
    created = _created_on(ex)
    best: tuple[float, dt.date] | None = None
    start = dt.date(year, 1, 1)
    for k in range((dt.date(year, 12, 31) - start).days + 1):
        cand = start + dt.timedelta(days=k)
        score = cfg["day_weight"] * days[cand.day] + cfg["month_weight"] * months[cand.month]
        for prior, w in ((signed, cfg["signed_weight"]), (created, cfg["created_weight"])):
            if prior is None:
                continue
            gap = (prior - cand).days
            if gap < 0:
                score -= cfg["after_signing_penalty"] if prior is signed else 0
            elif gap == 0:
                score += w
            elif gap <= cfg["near_days"]:
                score += w * (1 - gap / (cfg["near_days"] + 1)) / 2
        if best is None or score > best[0]:
            best = (score, cand)
    if best is None or best[0] <= 0:
        return None, None, year
    value = best[1]
    read_day, read_month = days[value.day], months[value.month]
    if read_day >= 2 and read_month >= 2:
        conf, source = cfg["zone_agreed"], "zone"
    elif read_day >= 2:
        conf, source = cfg["zone_day"], "zone"
    elif read_day >= 1:
        conf, source = cfg["zone_weak"], "zone"
    else:
        conf, source = cfg["prior_only"], "signature" if signed else "metadata"
    if signed and (value > signed or (signed - value).days > cfg["max_days_before_signing"]):
        conf = min(conf, cfg["text_disagrees"])
    if d and d.value == value:
        return d, _Field(value.isoformat(), conf, source), year
    span = d.span if d else (0, 0)
    return Date(value, d.text if d else "", span), _Field(value.isoformat(), conf, source), year


def _signer(doc: Document, ex: Extracted | None) -> tuple[Signer | None, _Field | None]:
    cfg = _cfg()["signer"]
    s = doc.signer
    parsed = s.name.value if s and s.name else None
    if not _ocr_kind(ex):
        return s, (_Field(parsed, cfg["text"], "text") if parsed else None)
    zone = next((r for r in _readings(ex, "signer.name") if r.value), None)
    clean = name_in(parsed) if parsed else None
    if zone and clean and fold(zone.value or "") == fold(clean):
        return s, _Field(clean, cfg["agreed"], "zone")
    if zone and zone.value:
        name = Text(zone.value, s.name.span if s and s.name else (s.span if s else (0, 0)))
        base = s or Signer(None, (), None, None, name.span)
        conf = cfg["zone_only"] if zone.agreement >= cfg["zone_agreement"] else cfg["zone_weak"]
        return replace(base, name=name), _Field(zone.value, conf, "zone")
    if clean and s and s.name:
        conf = cfg["ocr_clean"] if clean == parsed else cfg["ocr_repaired"]
        return replace(s, name=Text(clean, s.name.span)), _Field(clean, conf, "ocr")
    if parsed and s:
        return replace(s, name=None), None
    return s, None


def _doc_type(doc: Document, ex: Extracted | None, number: Number | None) -> _Field | None:
    cfg = _cfg()["doc_type"]
    t = doc.doc_type
    if t is None:
        return None
    if not _ocr_kind(ex):
        return _Field(t.value, cfg["text"], "text")
    conf = cfg["ocr"]
    abbr = number.value.split("/", 1)[1].split("-")[0] if number and "/" in number.value else ""
    named = _abbr_types().get(abbr)
    if named and named == t.value:
        conf = cfg["ocr_agreed"]
    elif named and named != t.value:
        conf = cfg["ocr_disagrees"]
    return _Field(t.value, conf, "ocr")


@cache
def _abbr_types() -> dict[str, str]:
    """State type abbreviations (``QĐ`` → ``Quyết định``) from ``doc_types.toml``."""
    return {a: row["name"] for row in table("doc_types")["type"] for a in row.get("abbr", [])}


def _issuer(doc: Document, ex: Extracted | None) -> _Field | None:
    cfg = _cfg()["issuer"]
    i = doc.issuer
    if i is None:
        return None
    if not _ocr_kind(ex):
        return _Field(i.value, cfg["text"], "text")
    words = re.findall(r"[^\W\d_]+", i.value)
    ok = sum(is_syllable(w) for w in words) == len(words) and len(words) >= 2
    conf = cfg["ocr_clean"] if ok else cfg["ocr"]
    signer_org = " ".join(filter(None, (s.unit or s.signer or "" for s in ex.signatures))) if ex else ""
    if ok and signer_org and fold(i.value) in fold(signer_org):
        conf = cfg["ocr_signature"]
    return _Field(i.value, conf, "ocr")


def assess(doc: Document, ex: Extracted | None = None) -> Document:
    """``doc`` with each key field weighed against the evidence that came with the file, its
    confidence and source recorded (``Document.confidence``, ``Document.sources``)."""
    date, fdate, year = _date(doc, ex)
    number, fnum = _number(doc, ex, year)
    signer, fsig = _signer(doc, ex)
    fields = {
        "number": fnum,
        "date": fdate,
        "doc_type": _doc_type(doc, ex, number),
        "issuer": _issuer(doc, ex),
        "signer.name": fsig,
    }
    return replace(
        doc,
        number=number,
        date=date,
        signer=signer,
        confidence={k: round(f.confidence, 3) for k, f in fields.items() if f},
        sources={k: f.source for k, f in fields.items() if f},
        readings=tuple(ex.readings) if ex else (),
        signatures=tuple(ex.signatures) if ex else (),
    )
