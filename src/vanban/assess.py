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
import itertools
import re
import unicodedata
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from rapidfuzz import fuzz

from .lexicon import fold, known_signers, landmark, pattern, repair_caps, type_abbreviations, type_names
from .lexicon.marks import restore_marks
from .messages import msg
from .model import Date, Document, Number, Problem, Signer, Text
from .read.base import Extracted, Reading
from .read.encoding import is_syllable, syllable_share
from .read.scan import PARTIAL, fold_key, name_in, supports
from .rules import table

__all__ = ["assess"]

# a zone left unread is reported when its field has no value from other evidence either
ILLEGIBLE = {"number.seq": "number", "date.day": "date", "signer.name": "signer.name"}

_DIGITS = re.compile(r"\d+")
_MARKUP = str.maketrans("", "", "~*_`|")  # Markdown around a number OCR'd to Markdown


@cache
def _cfg() -> dict:
    return table("assess")


@cache
def _title_seq() -> re.Pattern[str]:
    return re.compile(_cfg()["metadata"]["title_seq"])


@cache
def _symbol() -> re.Pattern[str]:
    return re.compile(_cfg()["number"]["symbol"])


_TEXT: ContextVar[str] = ContextVar("text_key", default="text")
"""Which confidence a text's value gets: ``text``, or ``noisy_text`` for a text OCR'd before
it reached vanban (its words often malformed)."""


@cache
def _junk() -> re.Pattern[str]:
    return re.compile(_cfg()["noise"]["junk"])


def looks_ocrd(text: str) -> bool:
    """Whether a text looks OCR'd with damage: malformed syllables, junk or misread tone marks
    in its head."""
    cfg = _cfg()["noise"]
    head = text[: cfg["head"]]
    share, n = syllable_share(head)
    junk = len(_junk().findall(head)) / max(1, len(head))
    if (n >= cfg["min_words"] and share < cfg["min_valid_share"]) or junk > cfg["max_junk"]:
        return True
    head = text[: cfg["marks_head"]]
    misread = restore_marks(head)[1]
    return misread >= cfg["marks_min"] and 1000 * misread >= cfg["marks_per_1000"] * len(head.split())


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


_LINE_MAX = 400  # characters of a line the number is looked for in (two columns run together)


def _number_line(doc: Document) -> tuple[int, int] | None:
    """The span of the number (from ``Số:`` to the end of its line) in the first lines of the
    text; OCR may have run it into the line of another column."""
    return _number_line_in(doc.text)


@lru_cache(maxsize=8)  # asked several times per document; a str keeps its hash
def _number_line_in(text: str) -> tuple[int, int] | None:
    so = landmark("so")
    pos = 0
    for _ in range(_cfg()["number"]["header_lines"]):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos : min(end, pos + _LINE_MAX)]  # a header line is short; junk is not read
        offset = 0
        for k, word in enumerate(line.split()):
            at = line.find(word, offset)
            offset = at + len(word)
            w = word.lstrip(" -*#|_")
            # "Số:" (with its colon, or opening the line), not the "số" of "văn bản số 12/…"
            head = so.head(w)
            glued = head not in (None, len(w))  # "só:5$Ÿ", "Só:2360/UBND-KT": the number runs into "Số:"
            follow = (w[head:] if glued else "") + line[offset : offset + 40]
            after = follow.split()[0] if follow.split() else ""
            # "SỞ TÀI NGUYÊN…" (no colon, a body's name follows), not "Số: ẦŸŨ /rB"
            body = not w.endswith(":") and after.isalpha() and after.isupper() and len(after) > 1
            if (
                ((so.matches(w) and (w[-1:] in ":;" or k == 0)) or glued)
                and ("/" in follow or "-" in follow)
                and not body
            ):
                return pos + at, end
        if end >= len(text):
            break
        pos = end + 1
    return None


def _text_conf(doc: Document, span: tuple[int, int], line: tuple[int, int] | None, cfg: dict) -> float:
    """The confidence of a value read from a text: as the text is judged (clean or noisy), less
    where its own line is garbled (OCR junk before the value), least where the page has that
    line but the value stands elsewhere (a number or date cited in the body while the
    document's own was left unreadable: a handwritten number OCR'd to nothing)."""
    if line is not None and not line[0] <= span[0] <= line[1]:
        return cfg["elsewhere"]
    if line is not None and _junk().search(doc.text[line[0] : max(span[1], line[0])].translate(_MARKUP)):
        return min(cfg[_TEXT.get()], cfg["noisy_text"])
    return cfg[_TEXT.get()]


def _hand_filled(doc: Document) -> bool:
    """Whether the day of the place/date line is not clean digits (``ngày ỗ tháng``, ``ngày
    2? tháng``): the văn thư wrote the day and the number in by hand, and OCR read neither
    reliably."""
    line = _date_line(doc)
    if line is None:
        return False
    words = doc.text[line[0] : line[1]].split()
    at = next((k for k, w in enumerate(words) if fold(w).startswith("ngay")), None)
    if at is None:
        return False
    if fold(words[at]).rstrip(",") != "ngay" or at + 2 > len(words):
        return True  # the day run into "ngày" ("ngày.3", "ngàyo")
    return not (re.fullmatch(r"\d{1,2}", words[at + 1]) and landmark("thang").matches(words[at + 2]))


def _garbled_seq(doc: Document, line: tuple[int, int] | None) -> bool:
    """Whether the digits of the ``Số:`` line are mixed with what digits are not (``6Ä3#8⁄``,
    ``$6Š§Õ``): OCR of a handwritten number, whose digits cannot be trusted. Clean: digits,
    then the symbol's slash or hyphen, or a space and its first capital (``~~3241~~ UBND``)."""
    if line is None:
        return False
    text = doc.text[line[0] : line[1]]
    _, colon, rest = text.partition(":")
    rest = (rest if colon else text.split(None, 1)[-1]).translate(_MARKUP)
    return not re.match(r"\s*\d[\d.]*(?:\s*[/-]|\s+[A-ZĐ])", rest)


def _date_line(doc: Document) -> tuple[int, int] | None:
    """The place/date line (``Hà Nội, ngày … tháng … năm …``) among the first lines."""
    return _date_line_in(doc.text)


@lru_cache(maxsize=8)
def _date_line_in(text: str) -> tuple[int, int] | None:
    ngay, thang = landmark("ngay"), landmark("thang")
    pos = 0
    for _ in range(_cfg()["number"]["header_lines"]):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos : min(end, pos + _LINE_MAX)]
        words = line.split()
        if any(fold(w).startswith("ngay") or ngay.head(w) is not None for w in words) and any(
            thang.matches(w) for w in words
        ):
            return pos, end
        if end >= len(text):
            break
        pos = end + 1
    return None


def _symbol_in(line: str, type_abbr: str | None) -> str | None:
    """The printed symbol after the number on a ``Số:`` line (``/UBND-KT``, ``/TB - UBND``),
    repaired where OCR misread it: letters whose capital has the same shape read in lower case
    (``/c-vp``), a type abbreviation the type line names read wrong or in part (``/rB``,
    ``C-VP`` for ``PC-VP`` under ``PHIẾU CHUYỂN``)."""
    m = _symbol().search(line)
    raw = m.group(1) if m else None
    if raw is None:
        # no slash left: the first hyphenated run of letters after "Số:" (``4đ6§”C-VP``)
        tail = re.search(
            r"(?<![A-Za-zĐđ])([A-Za-zĐđ]{1,10}(?:\s*-\s*[A-Za-zĐđ]{1,10}){1,3})(?![A-Za-zĐđ])", line[3:45]
        )
        raw = tail.group(1) if tail else None
    if raw is None:
        return None
    parts = [_same_shape_caps(p.strip()) for p in raw.split("-") if p.strip()]
    known = type_abbreviations()
    if parts and parts[0] not in known and _undoubled(parts[0]) in known:
        parts[0] = _undoubled(parts[0])  # QĐĐ: a letter read twice
    if type_abbr and parts and parts[0] != type_abbr and parts[0] not in known:
        first = parts[0].upper()
        if first in type_abbr or (len(first) == len(type_abbr) and set(first) & set(type_abbr)):
            parts[0] = type_abbr
    if not parts or not all(_part_ok(p) for p in parts):
        return None
    return "-".join(parts)


def _party_symbol(line: str) -> str | None:
    """A Party number's symbol after its digits on a ``Số`` line (HD 36: ``215-CV/TU``,
    ``12 - KH/BTGTU``): the type's abbreviation, a slash, the body's (``CV/TU``); None on a
    State line, whose hyphens stand between letters (``/UBND-KT``)."""
    m = _party().search(line)
    if not m:
        return None
    kind = _same_shape_caps(m.group(1))
    body = [_same_shape_caps(p.strip()) for p in m.group(2).split("-") if p.strip()]
    if kind not in type_abbreviations() or not body or not all(_part_ok(p) for p in body):
        return None
    return f"{kind}/{'-'.join(body)}"


@cache
def _party() -> re.Pattern[str]:
    return re.compile(_cfg()["number"]["party_symbol"])


def _undoubled(part: str) -> str:
    return "".join(c for i, c in enumerate(part) if i == 0 or c != part[i - 1])


def _same_shape_caps(part: str) -> str:
    """A symbol part OCR read in lower case where the capitals look the same (``vp``, ``vP`` →
    ``VP``)."""
    same = _cfg()["number"]["same_shape"]
    lower = [c for c in part if c.islower()]
    return part.upper() if lower and all(c in same for c in lower) else part


def _part_ok(part: str) -> bool:
    """A symbol part is capitals (``UBND``, ``KGVX``, ``CCQLĐĐ``), or a known mixed-case
    abbreviation (``TTr``)."""
    return (part.isupper() and part.isalpha() and 1 <= len(part) <= 10) or part in _cfg()["number"][
        "mixed_case"
    ]


def _number(
    doc: Document, ex: Extracted | None, year: int | None, type_abbr: str | None
) -> tuple[Number | None, _Field | None]:
    cfg = _cfg()["number"]
    n = doc.number
    line = _number_line(doc)
    if not _ocr_kind(ex):
        if n is None and line and (_TEXT.get() == "noisy_text" or ex is None or ex.kind == "text"):
            return _number_of_line(doc, line, type_abbr)  # perhaps OCR'd before it came: as a scan's
        if n is None:
            return None, None
        if ex and ex.kind == "edxml":
            return n, _Field(n.value, cfg["text"], "metadata")
        conf = _text_conf(doc, n.span, line, cfg)
        if _garbled_seq(doc, line) or _hand_filled(doc):
            conf = min(conf, cfg["noisy_text"])
        if _TEXT.get() == "noisy_text" and n.seq and not n.year and n.value.startswith(f"{n.seq}/"):
            symbol = _symbol_in(n.value[len(n.seq) :], type_abbr)  # QĐĐ-UBND, UBND-DT as a scan's
            repaired = f"{n.seq}/{_barred(symbol)[0]}" if symbol else n.value
            if repaired != n.value:
                parts = tuple(p for p in re.split(r"[-/]", repaired[len(n.seq) + 1 :]) if p)
                n, conf = replace(n, value=repaired, symbols=parts), min(conf, cfg["noisy_text"])
        return n, _Field(n.value, conf, "text")
    if n is not None and line and not line[0] <= n.span[0] <= line[1]:
        n = None  # a number cited in the body, not the document's own
    symbol = None
    if n is not None and "/" in n.value and n.seq and n.seq.isdigit():
        symbol = _symbol_in(n.value[len(n.seq) :], type_abbr)
    if symbol is None and line:
        symbol = _symbol_in(doc.text[line[0] : line[1]], type_abbr)
    zone = next((r for r in _readings(ex, "number.seq")), None)
    meta = _meta_seq(ex, year)
    parsed = n.seq if n is not None and n.seq and n.seq.isdigit() else None
    if parsed is None and line:  # the digits OCR read on the number line itself
        parsed = _seq_on(doc.text[line[0] : line[1]])
    seq, conf, source = None, 0.0, "ocr"
    if meta and ((zone and meta in zone.readings) or meta == parsed):
        seq, conf, source = meta, cfg["agreed"], "metadata+zone"
    elif meta:
        seq, conf, source = meta, cfg["metadata_only"], "metadata"
    elif zone and zone.value and zone.value == parsed and _beside_the_page(zone) >= 2:
        seq, conf, source = zone.value, cfg["zone_and_text"], "zone"
    elif zone and zone.value:
        seq, conf, source = zone.value, cfg["zone_only"], "zone"
    elif parsed:
        seq, conf, source = parsed, cfg["ocr_text"], "ocr"
    party = _party_symbol(doc.text[line[0] : line[1]]) if line else None
    if party and seq:  # 215-CV/TU: the Party's form, whose slash stands after the type
        value = f"{seq}-{party}"
        if n is not None and n.value == value:
            return n, _Field(value, conf, source)
        parts = tuple(re.split(r"[-/]", party))
        return Number(value, line or (0, 0), seq, None, parts[0], parts), _Field(value, conf, source)
    if seq is None or symbol is None:
        return (n, _Field(n.value, cfg["ocr_text"], "ocr")) if n else (None, None)
    symbol, unsure = _barred(symbol)
    value = f"{seq}/{symbol}"
    if n is not None and n.value == value and source == "metadata":  # the title and the page OCR agree
        conf = max(conf, cfg["zone_and_text"])  # (the zone's vote weighed the page OCR already)
    if unsure:
        conf = min(conf, cfg["unsure_symbol"])
    if n is not None and n.value == value:
        return n, _Field(value, conf, source)
    span = line or (n.span if n else (0, 0))
    parts = tuple(p for p in re.split(r"[-/]", symbol) if p)
    out = Number(value, span, seq, None, n.type_abbr if n else None, parts)
    return out, _Field(value, conf, source)


def _beside_the_page(zone: Reading) -> int:
    """How many of a zone's readings support its value besides the page OCR's own reading
    (which is one of them, and the text's number: it cannot confirm itself)."""
    return sum(supports(r, zone.value) for r in zone.readings if zone.value) - 1


def _barred(symbol: str) -> tuple[str, bool]:
    """OCR loses the bar of Đ: a D may be a Đ. A part that is a known part but for that bar is
    given its bar (UBND-DT → UBND-ĐT); either way the symbol is unsure (never confident)."""
    cfg = _cfg()["number"]
    unsure = any(
        c in cfg["unsure_letters"] for p in symbol.split("-") if p not in cfg["sure_parts"] for c in p
    )
    if unsure:
        barred = {p.replace("Đ", "D"): p for p in cfg["barred_parts"]}
        symbol = "-".join(barred.get(p, p) for p in symbol.split("-"))
    return symbol, unsure


def _number_of_line(
    doc: Document, line: tuple[int, int], type_abbr: str | None
) -> tuple[Number | None, _Field | None]:
    """The number of a text OCR'd before it came, from its ``Số:`` line as a scan's is read
    (``Số: 1965/pC-VP``, ``Só:587 /GM-VP``): the digits before the slash, the symbol repaired;
    for review, never confident."""
    text = doc.text[line[0] : line[1]]
    seq, party = _seq_on(text), _party_symbol(text)
    if seq and party:
        parts = tuple(re.split(r"[-/]", party))
        value = f"{seq}-{party}"
        return Number(value, line, seq, None, parts[0], parts), _Field(
            value, _cfg()["number"]["noisy_text"], "text"
        )
    symbol = _symbol_in(text, type_abbr)
    if not seq or not symbol:
        return None, None
    symbol, _ = _barred(symbol)
    value = f"{seq}/{symbol}"
    parts = tuple(p for p in re.split(r"[-/]", symbol) if p)
    return Number(value, line, seq, None, None, parts), _Field(value, _cfg()["number"]["noisy_text"], "text")


def _seq_on(line: str) -> str | None:
    """The digits OCR read before the slash on a ``Số:`` line (``Só:3560/UBND-KT``), or before
    a Party number's type (``Số 215-CV/TU``)."""
    m = re.match(r"[^\d\s]*\s*(\d{1,6})\s*(?:/|-\s*[A-Za-zĐđ]{1,6}\s*/)", line)
    return m.group(1) if m else None


def _meta_seq(ex: Extracted | None, year: int | None) -> str | None:
    """The document's number in the scanner's title (``ub-3580-2020-01``) when the year beside
    it is the document's year."""
    title = ex.meta.get("pdf.title", "") if ex else ""
    m = _title_seq().search(title)
    if not m or year is None or int(m.group("year")) != year:
        return None
    return m.group("seq")


def _votes(readings: list[Reading], lo: int, hi: int) -> Counter[int]:
    """Each reading's value, counted once; the handwritten-digit reader's, which reads a pen's
    digits far better than Tesseract, ``hand_weight`` times."""
    c: Counter[int] = Counter()
    extra = _cfg()["date"]["hand_weight"] - 1
    for r in readings:
        for x in r.readings:
            if x and lo <= int(x) <= hi:
                c[int(x)] += 1
        if r.by_hand and lo <= int(r.by_hand) <= hi:
            c[int(r.by_hand)] += extra
    return c


def _partial(readings: list[Reading], value: int) -> int:
    """How many readings hold part of ``value`` and not all of it: a reading that kept one of
    a handwritten day's two digits (``3`` of ``31``, ``63`` for ``03``). Zeros do not count —
    every two-digit reading of a small day has one."""
    digits = set(str(value)) - {"0"}
    return sum(1 for r in readings for x in r.readings if x and int(x) != value and set(x) & digits)


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
        conf = _text_conf(doc, d.span, _date_line(doc), cfg)
        if _hand_filled(doc):
            conf = min(conf, cfg["noisy_text"])
        if signed and (d.value > signed or (signed - d.value).days > cfg["max_days_before_signing"]):
            conf = cfg["text_disagrees"]
        return d, _Field(d.value.isoformat(), conf, "text"), d.value.year
    years = _votes(_readings(ex, "date.year"), 1990, 2100)
    created = _created_on(ex)
    prior = signed or created
    if d and prior and not 0 <= (prior - d.value).days <= cfg["max_days_before_signing"]:
        d = None  # a date of an attachment, or misread: the header's own is weighed below
    # a document is not dated after it is signed, nor after today: a later year is misread
    latest = prior.year if prior else dt.date.today().year
    years = Counter({y: k for y, k in years.items() if y <= latest})
    year = d.value.year if d else (years.most_common(1)[0][0] if years else None)
    if year is None and prior:
        year = prior.year
    day_zone, month_zone = _readings(ex, "date.day"), _readings(ex, "date.month")
    days, months = _votes(day_zone, 1, 31), _votes(month_zone, 1, 12)
    if prior is None or year != prior.year:
        if d is None:  # a page image: its zones alone (a misread year beside a signature: nothing)
            return (*(_zones_alone(days, months, year) if prior is None else (None, None)), year)
        return d, _Field(d.value.isoformat(), cfg["ocr_text"], "ocr"), year
    if d and d.value.year == year:
        days[d.value.day] += cfg["text_vote"]
        months[d.value.month] += cfg["text_vote"]
    # A document is signed on the day of its date or a few days after (a weekend between):
    # the candidates are those days; the digits read in the zones choose among them.
    best: tuple[float, dt.date] | None = None
    for back in range(cfg["near_days"] + 1):
        cand = prior - dt.timedelta(days=back)
        score = cfg["day_weight"] * (days[cand.day] + cfg["partial"] * _partial(day_zone, cand.day))
        score += cfg["month_weight"] * (
            months[cand.month] + cfg["partial"] * _partial(month_zone, cand.month)
        )
        score += cfg["signed_weight"] if back == 0 else -cfg["per_day_back"] * back
        score += cfg["created_weight"] if created == cand else 0.0
        if best is None or score > best[0]:
            best = (score, cand)
    assert best is not None
    value = best[1]
    if d and d.value.year == year and d.value != value and days[d.value.day] >= cfg["text_vote"] + 1:
        value = d.value  # the page OCR and a zone reading agree on a date outside the window
    supported = days[value.day] >= 1
    if value == prior and supported:
        conf, source = cfg["prior_and_zone"], "signature+zone"
    elif value == prior:
        conf, source = cfg["prior_only"], "signature" if signed else "metadata"
    elif days[value.day] >= 2:
        conf, source = cfg["zone_day"], "zone"
    else:
        conf, source = cfg["zone_weak"], "zone"
    if d and d.value == value:
        return d, _Field(value.isoformat(), conf, source), year
    span = d.span if d else (0, 0)
    return Date(value, d.text if d else "", span), _Field(value.isoformat(), conf, source), year


def _zones_alone(
    days: Counter[int], months: Counter[int], year: int | None
) -> tuple[Date | None, _Field | None]:
    """A scan with neither a readable date line nor a signing date (a page image): the day and
    the month the readings agree on (``zone_agree`` votes each, more than any other), for review;
    never a day after today."""
    cfg = _cfg()["date"]
    picks = []
    for votes in (days, months):
        ranked = votes.most_common(2)
        if (
            not ranked
            or ranked[0][1] < cfg["zone_agree"]
            or (len(ranked) > 1 and ranked[1][1] == ranked[0][1])
        ):
            return None, None
        picks.append(ranked[0][0])
    try:
        value = dt.date(year, picks[1], picks[0]) if year else None
    except ValueError:
        return None, None
    if value is None or value > dt.date.today():  # a document is not dated in the future
        return None, None
    return Date(value, "", (0, 0)), _Field(value.isoformat(), cfg["zone_weak"], "zone")


def _named_in_text(doc: Document, block: Reading) -> Reading | None:
    """A name the signature block's readings disagree on, settled by the text: the signer is
    often named in the Nơi nhận list or the body (``PCT Nguyễn Văn Sửu``), in full where the
    seal hid part of it. None unless exactly one name of the text fits the readings."""
    read = {fold_key(r.removeprefix(PARTIAL)) for r in block.readings if r}
    if not read:
        return None
    found: dict[str, str] = {}
    for line in re.split(r"[\n,;:]", doc.text):
        name = name_in(line)
        if name:
            key = fold_key(name)
            if any(key == r or key.endswith(" " + r) for r in read if " " in r):
                found[key] = name
    if len(found) != 1:
        return None
    name = next(iter(found.values()))
    return replace(block, value=name, agreement=0.0)


def _pages(doc: Document) -> list[str]:
    """The text of each page, where the reader recorded where pages start."""
    starts = [*(doc.pages or (0,)), len(doc.text)]
    return [doc.text[a:b] for a, b in itertools.pairwise(starts)]


def _name_lines(doc: Document, page: int | None) -> list[Text]:
    """Lines that hold nothing but a person's name (OCR noise of the seal aside), or end in one
    just above the Nơi nhận list: the printed name under the signature when the block's title
    lines were lost. Read on the first page that has such lines, up to the signature block read
    (or the first Nơi nhận list, around which only the block's lines count); each name with its
    span."""
    mark = landmark("noi_nhan")
    starts = [*(doc.pages or (0,)), len(doc.text)]
    pages = _pages(doc)
    first = next((k for k, t in enumerate(pages, 1) if any(mark.starts(x) for x in t.splitlines())), None)
    last = min(p for p in (page, first, len(pages)) if p)
    for base, text in zip(starts, pages[:last], strict=False):
        out = []
        rows = text.splitlines(keepends=True)
        keep = _around_list(rows)
        at = base
        for k, line in enumerate(rows):
            begin, at = at, at + len(line)
            if k not in keep or len(line) > _LINE_MAX or line.lstrip()[:1] in "-+•–":
                continue  # a list's item names a recipient; a paragraph is no name's line
            name = name_in(line)
            if not name or len(name.split()) < 3:
                continue
            letters = re.findall(r"[^\W\d_]{2,}", line)
            # the seal's noise before it, but the line ends the block just above the Nơi nhận
            above_list = fold(line.rstrip(" .\n")).endswith(fold(name)) and any(
                mark.starts(x) for x in rows[k + 1 : k + 3]
            )  # folded: the family name's spelling may be the lexicon's (``Nguyen`` → Nguyễn)
            if len(letters) <= len(name.split()) + 1 or above_list:
                folded = fold(line)
                where = folded.rfind(fold(name)) if len(folded) == len(line) else line.rfind(name)
                span = (begin + where, begin + where + len(name)) if where >= 0 else (begin, at)
                out.append(Text(name, span))
        if out:
            return out
    return []


def _around_list(rows: list[str]) -> range:
    """The rows of a page where a signature block stands: around its Nơi nhận list, which ends
    at its "Lưu" line (OCR reads the block before the list or, across the columns, after it);
    the whole page without one."""
    mark = landmark("noi_nhan")
    j = next((k for k, x in enumerate(rows) if mark.starts(x)), None)
    if j is None:
        return range(len(rows))
    cfg = _cfg()["signer"]
    luu = next((k for k in range(j, min(len(rows), j + cfg["list_lines"])) if _LUU.match(rows[k])), None)
    end = (luu if luu is not None else j) + cfg["block_lines"]
    return range(max(0, j - cfg["block_lines"]), min(len(rows), end))


_END_MARK = pattern("tail.end_mark")
_LUU = pattern("tail.luu")


def _block_of_text(doc: Document) -> tuple[Reading, tuple[int, int]] | None:
    """A text's signature block as a reading of raw lines (no zone was read), with its span: the
    rows between the body's closing ``./.`` and its first Nơi nhận list (the body and the list
    name other people), for matching a known signer to what is left of the name."""
    mark = landmark("noi_nhan")
    rows = doc.text.splitlines(keepends=True)
    j = next((k for k, x in enumerate(rows) if mark.starts(x)), None)
    if j is None:
        return None
    first = max(0, j - _cfg()["signer"]["block_lines"])
    ends = [k for k in range(first, j) if _END_MARK.search(rows[k])]  # the body's "./." ends it
    first = ends[-1] + 1 if ends else max(first, j - _cfg()["signer"]["block_rows"])
    start = sum(len(x) for x in rows[:first])
    span = (start, start + sum(len(x) for x in rows[first:j]))
    lines = tuple(x.strip() for x in rows[first:j])
    return Reading("signer.name", None, (), 0.0, 1, (0, 0, 0, 0), 0, lines), span


def _known(evidence: list[tuple[str, bool]]) -> tuple[str | None, int, bool]:
    """The one known signer (``data/lexicon/signers.toml``) the readings fit, how many fit it,
    and whether one of them spells it in full: a reading fits a name it equals (folded) or,
    given names only, ends (two words at least). None when no known signer or several fit best."""
    support: Counter[str] = Counter()
    exact: set[str] = set()
    names = {k.key: k.name for k in known_signers()}
    for text, partial in evidence:
        key = fold_key(text)
        if not key:
            continue
        short = (partial or len(key.split()) == 2) and len(key.split()) >= 2
        fits = {k for k in names if k == key or (short and k.endswith(" " + key))}
        exact |= fits & {key}
        support.update(fits)
    ranked = support.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None, 0, False
    return names[ranked[0][0]], ranked[0][1], ranked[0][0] in exact


def _known_in_fragments(doc: Document, block: Reading, cfg: dict) -> str | None:
    """The one known signer whose name the block's raw OCR lines still show in part, where no
    reading made a name of them (``lạng Đinh``, ``Vũ Đấ`` / ``Định`` for ``Vũ Đăng Định``).
    The given name and the word of the name just before it (or the one before that, a word
    between misread past reading) must be read, at most one of
    them misread by a letter or cut by the seal; the block's title or the issuer must be one the
    signer signs with. None when no known signer or several fit as well."""
    words = fold(" ".join(block.lines)).split()
    words = [w for w in (re.sub(r"[\W\d_]", "", w) for w in words) if w]
    text = " ".join(words)
    issuer = fold(_own_body(repair_caps(doc.issuer.value))) if doc.issuer else ""
    fits: dict[str, int] = {}
    for k in known_signers():
        name = k.key.split()
        titled = any(fold(t) in text for t in k.titles) or any(
            fold(b) in issuer or (issuer and issuer in fold(b)) for b in k.bodies
        )
        if not titled:
            continue
        best = 0
        for i, w in enumerate(words):
            given = _alike(w, name[-1], cfg["fragment_ratio"], whole=True)
            if not given:
                continue
            matched = [given]
            rest = name[:-1]
            skipped = False
            for tok in reversed(words[:i]):  # the words just before it, one by one
                how = next(
                    (
                        (h, k)
                        for k in range(min(2, len(rest)))
                        if (h := _alike(tok, rest[-1 - k], cfg["fragment_ratio"]))
                    ),
                    None,
                )
                if how is None and not skipped and len(rest) >= 2:  # a word misread past reading
                    rest, skipped = rest[:-1], True
                    continue
                if how is None:
                    break
                matched.append(how[0])
                rest = rest[: -1 - how[1]]
            if len(matched) >= 2 and matched.count("near") <= 1:
                best = max(best, sum(2 if m == "same" else 1 for m in matched))
        if best:
            fits[k.name] = best
    ranked = sorted(fits.items(), key=lambda kv: -kv[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _alike(token: str, word: str, ratio: float, whole: bool = False) -> str | None:
    """How a folded OCR token reads as ``word``: ``same``; ``near`` (alike but for a letter,
    or — unless ``whole`` — a piece of its start or end the seal left, two letters at least);
    None."""
    if token == word:
        return "same"
    if whole and len(token) != len(word):
        return None
    if not whole and len(token) >= 2 and (word.startswith(token) or word.endswith(token)):
        return "near"
    return "near" if fuzz.ratio(token, word) >= ratio else None


def _known_of_issuer(doc: Document, blocks: list[Reading]) -> str | None:
    """A known signer of the issuing body read in a later signature block (the document's own
    was illegible; an attachment of the same body is often signed by the same leader)."""
    issuer = fold(doc.issuer.value) if doc.issuer else ""
    for block in blocks:
        known, _, _ = _known([(r.removeprefix(PARTIAL), r.startswith(PARTIAL)) for r in block.readings])
        bodies = next((k.bodies for k in known_signers() if k.name == known), ())
        if known and issuer and any(fold(b) in issuer or issuer in fold(b) for b in bodies):
            return known
    return None


def _text_signer(doc: Document, cfg: dict) -> tuple[Signer | None, _Field | None]:
    """The signer of a text: as parsed. A text OCR'd before it reached vanban may have lost
    the block's title lines or a tone mark of the name: a known signer spelt alike (folded) is
    spelt as known, and a name alone on its line stands in for the block (for review)."""
    s = doc.signer
    parsed = s.name.value if s and s.name else None
    clean = name_in(parsed) if parsed else None
    if parsed and s and s.name and clean and clean != parsed:  # specks before it, a tone mark lost
        return replace(s, name=Text(clean, s.name.span)), _Field(clean, cfg["noisy_text"], "text")
    if _TEXT.get() != "noisy_text" and parsed:
        return s, _Field(parsed, cfg["text"], "text")
    if parsed and s and s.name:
        known = next((k.name for k in known_signers() if k.key == fold_key(parsed)), parsed)
        return replace(s, name=Text(known, s.name.span)), _Field(known, cfg["noisy_text"], "text")
    lines = _name_lines(doc, None)
    if not lines:
        found = _block_of_text(doc)
        pieces = _known_in_fragments(doc, found[0], cfg) if found else None
        if not pieces or not found:
            return s, None
        base = s or Signer(None, (), None, None, found[1])
        return replace(base, name=Text(pieces, found[1])), _Field(
            pieces, cfg["known_fragments"], "text+known"
        )
    known, _, _ = _known([(n.value, False) for n in lines])
    name = known or lines[-1].value
    base = s or Signer(None, (), None, None, lines[-1].span)
    return replace(base, name=Text(name, lines[-1].span)), _Field(name, cfg["name_line"], "text")


def _signer(doc: Document, ex: Extracted | None) -> tuple[Signer | None, _Field | None]:
    cfg = _cfg()["signer"]
    s = doc.signer
    parsed = s.name.value if s and s.name else None
    if not _ocr_kind(ex):
        return _text_signer(doc, cfg)
    # the first signature block in page order is the document's; later ones sign attachments
    blocks = sorted(_readings(ex, "signer.name"), key=lambda r: r.page)
    zone = blocks[0] if blocks and blocks[0].value else None
    if blocks and zone is None:
        zone = _named_in_text(doc, blocks[0])
    clean = name_in(parsed) if parsed else None
    span = s.name.span if s and s.name else (s.span if s else (0, 0))
    base = s or Signer(None, (), None, None, span)
    if zone and clean and s and s.name and fold(zone.value or "") == fold(clean):
        return replace(s, name=Text(clean, s.name.span)), _Field(clean, cfg["agreed"], "zone")
    lines = _name_lines(doc, blocks[0].page if blocks else None)
    evidence = [
        (r.removeprefix(PARTIAL), r.startswith(PARTIAL)) for r in (blocks[0].readings if blocks else ())
    ]
    evidence += [(n, False) for n in ([clean] if clean else []) + [x.value for x in lines]]
    known, support, spelt = _known(evidence)
    if known and not (
        zone
        and zone.value
        and fold_key(zone.value) != fold_key(known)
        and not fold_key(known).endswith(" " + fold_key(zone.value))
    ):
        # two readings, one spelling it in full; a completed two-word reading (``Đoàn Toản``
        # may be a name of its own) stays below review
        conf = cfg["known_agreed"] if support >= 2 and spelt else cfg["known_once"]
        return replace(base, name=Text(known, span)), _Field(known, conf, "zone+known")
    if zone and zone.value:
        name = Text(zone.value, span)
        conf = cfg["zone_only"] if zone.agreement >= cfg["zone_agreement"] else cfg["zone_weak"]
        return replace(base, name=name), _Field(zone.value, conf, "zone" if zone.agreement else "zone+text")
    if clean and s and s.name:
        conf = cfg["ocr_clean"] if clean == parsed else cfg["ocr_repaired"]
        return replace(s, name=Text(clean, s.name.span)), _Field(clean, conf, "ocr")
    if lines:
        return replace(base, name=lines[-1]), _Field(lines[-1].value, cfg["name_line"], "ocr")
    pieces = _known_in_fragments(doc, blocks[0], cfg) if blocks else None
    if pieces:
        return replace(base, name=Text(pieces, span)), _Field(pieces, cfg["known_fragments"], "zone+known")
    later = _known_of_issuer(doc, blocks[1:])
    if later:
        return replace(base, name=Text(later, span)), _Field(later, cfg["known_later"], "zone+known")
    if parsed and s:
        return replace(s, name=None), None
    return s, None


def _type_line(doc: Document) -> Text | None:
    """The type line (``GIẤY MỜI``, ``PHIẾU CHUYỂN VĂN BẢN``) after the number line, found by
    its folded form: OCR gets tone marks of capitals wrong (``GIÁY MỜI``, ``PHIÉU``)."""
    line = _number_line(doc)
    pos = line[1] if line else 0
    names = type_names()
    page_end = doc.pages[1] if len(doc.pages) > 1 else len(doc.text)
    for _ in range(_cfg()["doc_type"]["lines_after_number"]):
        end = doc.text.find("\n", pos + 1)
        end = len(doc.text) if end < 0 else end
        if end > page_end:
            break
        raw = _capitals_tail(doc.text[pos:end].strip(" \n*#|:_"))
        if raw:
            words = fold(raw).split()
            for k in (3, 2, 1):
                name = names.get(" ".join(words[:k]))
                if name and len(words) - k <= 2:
                    start = doc.text.find(raw, pos)
                    return Text(name, (start, start + len(raw)))
        if end >= len(doc.text):
            break
        pos = end
    return None


def _capitals_tail(line: str) -> str:
    """The run of words in capitals that ends ``line`` (a type line OCR ran into the trích
    yếu's column: ``… cho Công ty TỜ TRÌNH``), or the whole line when it is in capitals."""
    words = line.split()
    k = len(words)
    while (
        k > 0
        and any(c.isalpha() for c in words[k - 1])
        and all(c.isupper() for c in words[k - 1] if c.isalpha())
    ):
        k -= 1
    return " ".join(words[k:])


def _abbr_of(type_name: str) -> str | None:
    """The first State abbreviation of a type (``Thông báo`` → ``TB``)."""
    return next((a for a, n in type_abbreviations().items() if n == type_name), None)


def _text_type_conf(doc: Document, t: Text, symbol: str, cfg: dict) -> float:
    """A type named on its own line is as sure as the text; a type inferred (a công văn has no
    type line) less so where nothing else supports it — and little where the number's
    abbreviation names another type (``TTr``: the Tờ trình's type line was lost) or the type is
    no type of the tables."""
    conf = cfg[_TEXT.get()]
    if t.value not in type_names().values():
        return cfg["ocr_disagrees"]
    vv = re.search(r"(?m)^\W{0,3}V/[vV]\b", doc.text[:3000])
    a, b = _line_at(doc.text, t.span[0])
    if " ".join(fold(doc.text[a:b]).strip(" *#|_.:\"'“”").split()) == fold(t.value):
        # named on a line of its own; after a công văn's V/v line it heads an attachment
        return cfg["ocr_disagrees"] if vv and vv.start() < a and t.value != "Công văn" else conf
    if symbol == "-":
        return cfg["ocr_disagrees"]
    by_symbol = type_abbreviations().get(symbol.split("-")[0]) if symbol else None
    if by_symbol and by_symbol != t.value:
        return cfg["ocr_disagrees"]
    if not vv:
        return min(conf, cfg["inferred"])
    return conf


def _doc_type(
    doc: Document, ex: Extracted | None, number: Number | None, line: Text | None
) -> tuple[Text | None, _Field | None]:
    cfg = _cfg()["doc_type"]
    t = doc.doc_type
    symbol = number.value.split("/", 1)[1] if number and "/" in number.value else ""
    if not _ocr_kind(ex):
        if t is None:
            return None, None
        line = _number_line(doc)
        if number and line and not line[0] <= number.span[0] <= line[1]:
            symbol = "-"  # the number is a citation's: what it implies is not this document's type
        elif not symbol and line:
            symbol = _symbol_in(doc.text[line[0] : line[1]], None) or ""
        return t, _Field(t.value, _text_type_conf(doc, t, symbol, cfg), "text")
    by_symbol = type_abbreviations().get(symbol.split("-")[0]) if symbol else None
    if line and by_symbol:
        conf = cfg["ocr_agreed"] if line.value == by_symbol else cfg["ocr_disagrees"]
        return line, _Field(line.value, conf, "ocr")
    if line:
        return line, _Field(line.value, cfg["ocr"], "ocr")
    if by_symbol:
        span = number.span if number else (0, 0)
        return Text(by_symbol, span), _Field(by_symbol, cfg["ocr"], "ocr")
    if symbol:  # a State number without a type abbreviation is a công văn's (NĐ 30, Phụ lục III)
        span = number.span if number else (0, 0)
        vv = bool(re.search(r"(?m)^\W{0,3}V/[vV]\b", doc.text[:3000]))
        return Text("Công văn", span), _Field("Công văn", cfg["ocr_agreed"] if vv else cfg["ocr"], "ocr")
    if t is None:
        return None, None
    return t, _Field(t.value, cfg["ocr"], "ocr")


@cache
def _motto() -> re.Pattern[str]:
    """The Quốc hiệu and Tiêu ngữ, which OCR runs into the issuer's lines across the header."""
    return re.compile(_cfg()["issuer"]["motto"])


@cache
def _parent() -> re.Pattern[str]:
    """A parent body's name before the issuer's own (``ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI`` before
    ``VĂN PHÒNG``): the body words of ``header.toml`` tell where the issuer's name starts."""
    starts = sorted(table("header")["body_starts"], key=len, reverse=True)
    head = "|".join(re.escape(x) for x in starts)
    return re.compile(_cfg()["issuer"]["parent"] + rf"\s+(?=(?:{head})(?:\s|$))")


_SPECKS = "'\"`‘’“”„|"


def _own_body(name: str) -> str:
    """The issuer's own name from an OCR'd header line: the motto dropped, the parent body cut,
    OCR's specks (``'VĂN PHÒNG``) off its words."""
    folded = fold(name)
    if len(folded) == len(name):  # fold keeps positions: cut the motto where its folded form is
        for m in reversed(list(_motto().finditer(folded))):
            name = name[: m.start()] + " " + name[m.end() :]
    name = " ".join(filter(None, (w.strip(_SPECKS) for w in name.split())))
    m = _parent().match(name)
    return name[m.end() :] if m and m.end() < len(name) else name


def _issuer(doc: Document, ex: Extracted | None) -> tuple[Text | None, _Field | None]:
    cfg = _cfg()["issuer"]
    i = doc.issuer
    if i is None:
        return None, None
    if not _ocr_kind(ex):
        # a plain text may have been OCR'd before it came (``THÀNH PHÓ HÀ NỌI``): its header is
        # repaired as a scan's, and a value that needed repair is no longer taken as clean. A
        # born-digital file (Word, a PDF's text layer, edXML) keeps what its author typed.
        plain = ex is None or ex.kind == "text"
        own = _own_body(repair_caps(i.value)) if plain else i.value
        if _TEXT.get() != "noisy_text" and _same_marks(own, i.value):
            return i, _Field(i.value, cfg["text"], "text")
        return Text(own, i.span), _Field(own, cfg["noisy_text"], "text")
    i = Text(_own_body(repair_caps(i.value)), i.span)
    words = re.findall(r"[^\W\d_]+", i.value)
    ok = sum(is_syllable(w) for w in words) == len(words) and len(words) >= 2
    conf = cfg["ocr_clean"] if ok else cfg["ocr"]
    signer_org = " ".join(filter(None, (s.unit or s.signer or "" for s in ex.signatures))) if ex else ""
    if ok and signer_org and fold(i.value) in fold(signer_org):
        conf = cfg["ocr_signature"]
    return i, _Field(i.value, conf, "ocr")


def _same_marks(a: str, b: str) -> bool:
    """Whether two spellings differ at most in where a tone mark sits (``HOÀ``/``HÒA``)."""
    nfd = lambda w: sorted(unicodedata.normalize("NFD", w))  # noqa: E731
    return len(a.split()) == len(b.split()) and all(
        nfd(x) == nfd(y) for x, y in zip(a.split(), b.split(), strict=True)
    )


def _short_name_cap(name: str | None, f: _Field | None) -> _Field | None:
    """A name of two words read from a scan may have lost its family name to the seal (``Doãn
    Toản`` of ``Nguyễn Doãn Toản``): never given with full confidence."""
    if f and name and len(name.split()) < 3 and f.source != "text":
        f.confidence = min(f.confidence, _cfg()["signer"]["two_words"])
    return f


def assess(doc: Document, ex: Extracted | None = None, *, ocrd: bool | None = None) -> Document:
    """``doc`` with each key field weighed against the evidence that came with the file, its
    confidence and source recorded (``Document.confidence``, ``Document.sources``). ``ocrd``:
    whether the text was OCR'd before it came, judged before its tone marks were restored (by
    default judged on ``doc.text``)."""
    noisy = looks_ocrd(doc.text) if ocrd is None else ocrd
    token = _TEXT.set("noisy_text" if not _ocr_kind(ex) and noisy else "text")
    try:
        return _assess(doc, ex)
    finally:
        _TEXT.reset(token)


def _assess(doc: Document, ex: Extracted | None) -> Document:
    date, fdate, year = _date(doc, ex)
    plain = _TEXT.get() == "noisy_text" or ex is None or ex.kind == "text"
    line = _type_line(doc) if _ocr_kind(ex) or plain else None
    number, fnum = _number(doc, ex, year, _abbr_of(line.value) if line else None)
    signer, fsig = _signer(doc, ex)
    fsig = _short_name_cap(signer.name.value if signer and signer.name else None, fsig)
    doc_type, ftype = _doc_type(doc, ex, number, line)
    issuer, fiss = _issuer(doc, ex)
    fields = {"number": fnum, "date": fdate, "doc_type": ftype, "issuer": fiss, "signer.name": fsig}
    problems = list(doc.problems)
    signed = _signed_on(ex)
    if date and signed and date.value > signed:
        problems.append(
            Problem(
                "date.after_signing",
                "warning",
                msg("mailbox.date_after_signing", date=f"{date.value:%d/%m/%Y}", signed=f"{signed:%d/%m/%Y}"),
                date.span,
            )
        )
    for r in ex.readings if ex else ():
        if r.value is None and r.field in ILLEGIBLE and not fields.get(ILLEGIBLE[r.field]):
            problems.append(
                Problem("scan.illegible", "info", msg("mailbox.illegible", field=r.field, page=r.page))
            )
    return replace(
        doc,
        problems=tuple(problems),
        number=number,
        date=date,
        signer=signer,
        doc_type=doc_type,
        issuer=issuer,
        confidence={k: round(f.confidence, 3) for k, f in fields.items() if f},
        sources={k: f.source for k, f in fields.items() if f},
        readings=tuple(ex.readings) if ex else (),
        signatures=tuple(ex.signatures) if ex else (),
    )
