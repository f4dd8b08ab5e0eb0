"""Text rules: detectors that read a parsed ``Document`` and its original text.

Each detector yields ``Hit``s naming a rule of the profile; the rule's severity, message and
clause come from the profile's data. Detectors read ``doc.text`` as the reader produced it
(spans are offsets into it) and the parsed fields, whose values are normalized.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from typing import Any

from ..lexicon import pattern
from ..model import Document, Span
from ..rules import table
from .profiles import Profile

_MARKUP = re.compile(r"\*\*|~~|__|\|")


@dataclass(frozen=True)
class Hit:
    """A rule's finding: where, the suggested text, the values its message names."""

    rule: str
    span: Span | None
    suggestion: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ctx:
    """What every detector reads."""

    doc: Document
    profile: Profile
    header_end: int  # end of the header (where the body starts)
    draft: bool
    low: str  # ``doc.text.lower()`` when that keeps every offset, else ""

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def p(self) -> dict[str, Any]:
        return self.profile.params

    def on(self, *rules: str) -> bool:
        return any(r in self.profile.rules for r in rules)


Detector = Callable[[Ctx], Iterator[Hit]]
DETECTORS: list[tuple[tuple[str, ...], Detector]] = []


def detector(*rules: str) -> Callable[[Detector], Detector]:
    """Register a detector for the rules it may report (run when the profile has any)."""

    def deco(fn: Detector) -> Detector:
        DETECTORS.append((rules, fn))
        return fn

    return deco


def _tone_variants(word: str) -> list[str]:
    """``word`` and its spellings with the old tone placement (``ủy``/``uỷ``, ``hòa``/``hoà``)."""
    out = {word}
    for old, new in table("orthography")["tone"].items():
        for w in list(out):
            if new in w:
                out.add(w.replace(new, old))
    return sorted(out)


def _phrase_re(phrase: str) -> str:
    return "|".join(r"\s+".join(map(re.escape, v.split())) for v in _tone_variants(phrase))


def _fold_tone(s: str) -> str:
    for old, new in table("orthography")["tone"].items():
        s = s.replace(old, new)
    return " ".join(s.split())


def _line_start(t: str, pos: int) -> int:
    return t.rfind("\n", 0, pos) + 1


def _same_case(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


# ---------------------------------------------------------------- number (số, ký hiệu)

_SO = pattern("check.so")
_BLANK_NUMBER = pattern("check.blank_number")


@cache
def _cyrillic() -> dict[int, str]:
    return str.maketrans(table("orthography")["confusables"])


@cache
def _abbrs() -> dict[str, tuple[str, ...]]:
    return {t["name"]: tuple(t["abbr"]) for t in table("doc_types")["type"]}


@detector(
    "number.missing",
    "number.blank",
    "number.colon",
    "number.spaces",
    "number.separator",
    "number.leading_zero",
    "number.type_mismatch",
    "number.type_missing",
)
def numbers(c: Ctx) -> Iterator[Hit]:
    t, num = c.text, c.doc.number
    if num is None:
        m = blank_number(c.doc, c.header_end)
        if m:
            yield Hit("number.blank", m.span())
        elif c.doc.system != "other":
            yield Hit("number.missing", None)
        return
    a, b = num.span
    ls = _line_start(t, a)
    so = _SO.search(t, ls, a)
    if so and so.start() >= ls:
        want = "Số: " if c.p.get("number_colon") else "Số "
        if bool(so.group("colon")) != bool(c.p.get("number_colon")):
            yield Hit("number.colon", (so.start(), a), want, {"right": want + num.value})
    raw = _MARKUP.sub("", t[a:b]).strip()
    if raw != num.value:
        tight = re.sub(r"\s+", "", raw)
        args = {"right": num.value, "raw": raw}
        if tight == num.value and re.fullmatch(r"\d+\s*[/-]\s*(?:(?:19|20)\d{2}\s*/\s*)?\S+", raw):
            yield Hit("number.filled", (a, b), num.value, args)  # digits written into "Số:    /…"
        elif tight == num.value:
            yield Hit("number.spaces", (a, b), num.value, args)
        elif tight.translate(_cyrillic()) == num.value:
            yield Hit("number.script", (a, b), num.value, args)
        else:
            yield Hit("number.separator", (a, b), num.value, args)
    seq = num.seq or ""
    if len(seq) == 1 and seq != "0":
        i = t.find(seq, a, b)
        if i >= 0:
            yield Hit("number.leading_zero", (i, i + 1), "0" + seq, {"right": "0" + num.value})
    yield from _number_type(c)


def _number_type(c: Ctx) -> Iterator[Hit]:
    num, dt_ = c.doc.number, c.doc.doc_type
    if num is None or dt_ is None or dt_.span == num.span:
        return  # the type was read from the number itself
    if c.doc.subject is not None and dt_.span == c.doc.subject.span:
        return
    extra = c.p.get("type_abbr_extra", {}).get(dt_.value, [])
    expected = (*_abbrs().get(dt_.value, ()), *extra)
    if not expected:
        return
    args = {"abbr": num.type_abbr, "type": dt_.value, "expected": " hoặc ".join(expected)}
    if num.type_abbr and num.type_abbr not in expected:
        yield Hit("number.type_mismatch", num.span, None, args)
    elif num.type_abbr is None and num.year is None and c.doc.system == "state":
        yield Hit("number.type_missing", num.span, None, args)


# ---------------------------------------------------------------- date line

_DATE_PARTS = pattern("check.date_parts")
_BLANK_DATE = pattern("check.blank_date")


def blank_number(doc: Document, header_end: int) -> re.Match[str] | None:
    """The header's "Số" line left without its number ("Số -HD/BTCTU", "Số:    /KH-UBND")."""
    return None if doc.number is not None else _BLANK_NUMBER.search(doc.text, 0, header_end)


def blank_date(doc: Document, header_end: int) -> re.Match[str] | None:
    """The header's date line with its day or month left blank ("ngày   tháng 8 năm 2025")."""
    return None if doc.date is not None else _BLANK_DATE.search(doc.text, 0, header_end)


@detector("date.missing", "date.blank", "date.day_zero", "date.month_zero", "date.month_extra_zero")
def date_line(c: Ctx) -> Iterator[Hit]:
    d = c.doc.date
    if d is None:
        m = blank_date(c.doc, c.header_end)
        if m:
            yield Hit("date.blank", m.span())
        elif c.doc.system != "other":
            yield Hit("date.missing", None)
        return
    a, b = d.span
    m = _DATE_PARTS.search(c.text, a, b)
    if not m:
        return
    day, month = m.group("d"), m.group("m")
    if len(day) == 1:
        yield Hit("date.day_zero", m.span("d"), "0" + day, {"right": f"ngày 0{day}"})
    if len(month) == 1 and month in "12":
        yield Hit("date.month_zero", m.span("m"), "0" + month, {"right": f"tháng 0{month}"})
    elif len(month) == 2 and month.startswith("0") and month not in ("01", "02"):
        yield Hit("date.month_extra_zero", m.span("m"), month[1], {"right": f"tháng {month[1]}"})


# ---------------------------------------------------------------- trích yếu, Kính gửi

_VV = re.compile(r"(?<![\w/])V/[vV](?![\w/])")


@detector("subject.vv_missing", "subject.vv_unexpected")
def subject(c: Ctx) -> Iterator[Hit]:
    doc = c.doc
    vv = _VV.search(c.text, 0, c.header_end)
    kind = doc.doc_type.value if doc.doc_type else None
    where = doc.subject.span if doc.subject else (doc.number.span if doc.number else None)
    if c.p.get("vv") == "forbidden":
        if vv:
            yield Hit("subject.vv_unexpected", vv.span(), None, {"type": kind or "văn bản"})
        return
    if kind == "Công văn" and not vv and c.doc.system == "state":
        yield Hit("subject.vv_missing", where)
    elif vv and kind and kind != "Công văn":
        yield Hit("subject.vv_unexpected", vv.span(), None, {"type": kind})


@detector("recipients.missing")
def kinh_gui(c: Ctx) -> Iterator[Hit]:
    doc = c.doc
    kind = doc.doc_type.value if doc.doc_type else None
    if kind not in c.p.get("kinh_gui_types", ()) or doc.recipients:
        return
    if _KINH_GUI.search(c.text, 0, c.header_end + 3000):
        return
    yield Hit("recipients.missing", doc.number.span if doc.number else None, None, {"type": kind})


# ---------------------------------------------------------------- Nơi nhận

_KINH_GUI = pattern("check.kinh_gui")
_NOI_NHAN = pattern("check.noi_nhan")
_LUU = pattern("check.luu")
_LUU_LEAD = re.compile(r"(?:^[\s\-–•+*]*|[;,.][\s\-–•+*]*)$")


def _no_distribution(c: Ctx) -> bool:
    doc = c.doc
    kind = doc.doc_type.value if doc.doc_type else None
    if kind in c.p.get("no_distribution_types", ()):
        return True
    # a resolution of the Quốc hội itself (…/QH15) is promulgated, not sent
    return bool(doc.number and doc.number.symbols and re.fullmatch(r"QH\d*", doc.number.symbols[0]))


@detector(
    "distribution.missing",
    "distribution.luu_missing",
    "distribution.luu_format",
    "distribution.luu_vt",
    "distribution.luu_last",
)
def distribution(c: Ctx) -> Iterator[Hit]:
    doc, t = c.doc, c.text
    if _no_distribution(c):
        return
    if not doc.distribution:
        if not _NOI_NHAN.search(t, c.header_end):
            yield Hit("distribution.missing", doc.signer.span if doc.signer else None)
        return
    found = None
    for i, item in enumerate(doc.distribution):
        m = _LUU.search(t, *item.span)
        if m and _LUU_LEAD.search(t[item.span[0] : m.start()]):
            found = (i, m)
    if found is None:
        last = doc.distribution[-1].span
        yield Hit("distribution.luu_missing", last)
        return
    i, m = found
    if i != len(doc.distribution) - 1:
        yield Hit("distribution.luu_last", (m.start(1), doc.distribution[i].span[1]))
    end = min(doc.distribution[i].span[1], m.end("rest"))
    rest = t[m.end(1) : end].rstrip(" .;")
    colon = re.match(r"\s*:\s*", rest)
    span = (m.start(1), m.end(1) + len(rest))
    if c.p.get("luu_colon"):
        if not colon:
            right = "Lưu: " + rest.strip()
            yield Hit("distribution.luu_format", span, right, {"right": right})
        elif c.p.get("luu_vt") and not re.match(r"VT\b", rest[colon.end() :]):
            yield Hit("distribution.luu_vt", span)
    elif colon:
        right = "Lưu " + rest[colon.end() :].strip()
        yield Hit("distribution.luu_format", span, right, {"right": right})


# ---------------------------------------------------------------- signature

_MARKER = re.compile(
    r"[ \t*]*(T[ \t]*/[ \t]*UQ|[TK][ \t]*/[ \t]*[MLTmlt]|TUQ\.?|[TK]\.?[ \t]?[MLTmlt]\.?|Q\.)(?=[ \t]|$)"
)


def _upper_words(s: str) -> str:
    return " ".join(_fold_tone(s.replace("*", " ")).upper().split())


@detector("signer.marker_system", "signer.marker_form", "signer.tm_individual", "signer.collective")
def signer(c: Ctx) -> Iterator[Hit]:
    s, t = c.doc.signer, c.text
    if s is None:
        return
    canon_of = table("signature")["authority"]
    allowed = set(c.p.get("authority", ()))
    foreign = c.p.get("authority_foreign", {})
    collective_marks = {"TM.", "T/M"}
    seen: set[str] = set()
    for mk in s.markers:
        m = _MARKER.match(t, *mk.span)
        if not m:
            continue
        token = m.group(1)
        canon = canon_of.get(re.sub(r"[ \t]", "", token).upper().replace("TUQ", "TUQ"))
        if canon is None:
            continue
        seen.add(canon)
        rest = _upper_words(t[m.end() : mk.span[1]])
        if canon in foreign and canon not in allowed:
            right = foreign[canon]
            yield Hit("signer.marker_system", m.span(1), right, {"marker": token, "right": right})
            canon = right
        elif token != canon:
            yield Hit("signer.marker_form", m.span(1), canon, {"right": canon})
        if canon in collective_marks and rest in {_upper_words(x) for x in c.p.get("individual_titles", ())}:
            yield Hit("signer.tm_individual", mk.span, None, {"title": rest})
    yield from _collective(c, seen)


def _collective(c: Ctx, seen: set[str]) -> Iterator[Hit]:
    doc = c.doc
    s = doc.signer
    if s is None or doc.issuer is None or seen & {"TM.", "T/M", "TL.", "T/L", "TUQ.", "T/UQ"}:
        return
    issuer = _upper_words(doc.issuer.value)
    bodies = [_upper_words(x) for x in c.p.get("collective_issuers", ())]
    body = next((b for b in bodies if issuer == b or issuer.startswith(b + " ")), None)
    if body is None:
        return
    types = c.p.get("collective_types", ())
    if types and (doc.doc_type is None or doc.doc_type.value not in types):
        return
    titles = c.p.get("collective_titles")
    if titles and (s.title is None or _upper_words(s.title.value) not in {_upper_words(x) for x in titles}):
        return
    yield Hit("signer.collective", s.span, None, {"issuer": body})


# ---------------------------------------------------------------- urgency, Tiêu ngữ

_URG_WORDS = {"HỎA", "HOẢ", "TỐC", "THƯỢNG", "KHẨN", "RẤT", "TỐI", "CẤP", "HẸN", "GIỜ", "ĐẶC", "BIỆT", "HỎ"}


@detector("urgency.invalid", "urgency.case", "urgency.system")
def urgency(c: Ctx) -> Iterator[Hit]:
    t = c.text
    allowed = set(c.p.get("urgency", ()))
    system = {_upper_words(x) for x in c.p.get("urgency_system", ())}
    for m in re.finditer(r"(?m)^[ \t*]*(?P<w>[^\n*]{4,30}?)[ \t*]*$", t, 0):
        if m.start() >= c.header_end:
            break
        line = m.group("w")
        words = line.upper().split()
        if ("KHẨN" not in words and "TỐC" not in words) or not set(words) <= _URG_WORDS:
            continue
        if line in allowed:
            continue
        up = " ".join(words)
        if up in system:
            yield Hit("urgency.system", m.span("w"), None, {"text": line})
        elif up in allowed:
            yield Hit("urgency.case", m.span("w"), up, {"right": up})
        else:
            yield Hit("urgency.invalid", m.span("w"), None, {"text": line})


_MOTTO = pattern("check.motto")


@detector("header.motto")
def motto(c: Ctx) -> Iterator[Hit]:
    want = c.p.get("motto")
    if not want:
        return
    m = _MOTTO.search(c.text, 0, min(len(c.text), max(c.header_end, 600)))
    if m and " ".join(m.group().split()) != want:
        yield Hit("header.motto", m.span(), want)


# ---------------------------------------------------------------- citations


def _fmt(d) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d else "?"


@detector("cite.date", "cite.title")
def cite_conflicts(c: Ctx) -> Iterator[Hit]:
    if not any(p.rule in ("cite.date", "cite.title") for p in c.doc.problems):
        return  # the parse engine found none: nothing to explain
    from .. import cite
    from ..normalize import normalize

    n = normalize(c.text)
    own = c.doc.number.value if c.doc.number else None
    for cf in cite.inconsistencies(cite.get_citations(n.text, own=own)):
        num, first, other = cf.number, cf.first, cf.other
        if cf.kind == "date":
            args = {"number": num, "first": _fmt(first.date), "other": _fmt(other.date)}
            yield Hit("cite.date", n.span(*other.span), _fmt(first.date), args)
            continue
        title = other.title or ""
        i = n.text.find(title, other.span[1]) if title else -1
        span = n.span(i, i + len(title)) if i >= 0 else n.span(*other.span)
        args = {"number": num, "first": first.title, "other": title}
        yield Hit("cite.title", span, first.title, args)


_CITED_DATE = pattern("check.cited_date")


# "ố " leads the pattern so the regex engine scans for it as a literal; the "S"/"s" before it is
# checked on the few matches (a look-behind in front would make the engine try every offset).
_YEAR_NUMBER = pattern("check.year_number")
_DATE_YEAR = pattern("check.date_year")


@detector("cite.year")
def cite_year(c: Ctx) -> Iterator[Hit]:
    """A legal document's number carries its year: the date cited with it must agree."""
    t = c.text
    for m in _YEAR_NUMBER.finditer(t):
        if m.start() == 0 or t[m.start() - 1] not in "Ss":
            continue
        dm = _DATE_YEAR.match(t, m.end(), m.end() + 40)
        if dm and dm.group(1) != m.group("y"):
            args = {
                "number": m.group("n"),
                "date": " ".join(t[m.end() : dm.end()].split()),
                "year": m.group("y"),
            }
            yield Hit("cite.year", (m.start("n"), dm.end()), None, args)


@detector("cite.first_short", "cite.incomplete")
def cite_first(c: Ctx) -> Iterator[Hit]:
    by_name = set(c.p.get("cited_by_name_types", ()))
    for cit in c.doc.citations:
        if cit.named or not cit.number or cit.doc_type in by_name:
            continue
        if re.search(r"/QH\d*$", cit.number):
            continue  # laws and resolutions of the Quốc hội are cited by name and number
        a, b = cit.span
        if _CITED_DATE.match(c.text, b, b + 60):
            continue
        if cit.date:
            yield Hit("cite.first_short", (a, b), None, {"number": cit.number, "date": _fmt(cit.date)})
        else:
            yield Hit("cite.incomplete", (a, b), None, {"number": cit.number})


# ---------------------------------------------------------------- spelling, repeated words


@cache
def _confusables(profile: Profile) -> list[tuple[str, dict[str, Any]]]:
    """(lower-case spelling, entry) for every spelling of every confusable word."""
    return [(v.lower(), e) for e in profile.data.get("confusable", []) for v in _tone_variants(e["wrong"])]


def _finds(low: str, needle: str) -> Iterator[int]:
    i = low.find(needle)
    while i >= 0:
        yield i
        i = low.find(needle, i + 1)


def _word_at(t: str, a: int, b: int) -> bool:
    return (a == 0 or not t[a - 1].isalnum()) and (b >= len(t) or not t[b].isalnum())


@detector("spell.confusable")
def confusables(c: Ctx) -> Iterator[Hit]:
    t, low = c.text, c.low
    if not low:
        return
    for form, e in _confusables(c.profile):
        for a in _finds(low, form):
            b = a + len(form)
            if not _word_at(t, a, b):
                continue
            if not e.get("always"):
                ok_b = e.get("before") and re.search(e["before"], t[max(0, a - 40) : a], re.IGNORECASE)
                ok_a = e.get("after") and re.search(e["after"], t[b : b + 40], re.IGNORECASE)
                if not (ok_b or ok_a):
                    continue
            right = _same_case(t[a:b], e["right"])
            yield Hit("spell.confusable", (a, b), right, {"wrong": t[a:b], "right": right})


# The repeat scan splits the UTF-8 bytes of the text at whitespace and punctuation: ASCII
# punctuation through a byte table (bytes of a Vietnamese letter are all >= 0x80, so the table
# never splits one), the common typographic marks by replacement.
_ASCII_PUNCT = bytes(c for c in range(0x21, 0x80) if not chr(c).isalnum())
_SEPARATE = bytes.maketrans(_ASCII_PUNCT, b" " * len(_ASCII_PUNCT))
_MARKS = re.compile(b"|".join(re.escape(m.encode()) for m in "“”‘’–—…"))


def _repeats(low: str, single: frozenset[str]) -> set[str]:
    """Candidate phrases written twice in a row: a function word, or any two words.

    Every token is compared with the next one and the one after by ``map`` over the token list
    (no Python loop per word); only the few equal neighbours are looked at in Python. A
    candidate is reported only where ``repeated`` finds it doubled in the text itself.
    """
    toks = _MARKS.sub(b" ", low.encode().translate(_SEPARATE)).split()
    n = len(toks)
    found: set[str] = set()
    for i in compress(range(n), map(operator.eq, toks, toks[1:])):
        w = toks[i].decode()
        if w in single:
            found.add(w)
    for i in compress(range(n), map(operator.eq, toks, toks[2:])):
        if i + 3 < n and toks[i + 1] == toks[i + 3]:
            x, y = toks[i].decode(), toks[i + 1].decode()
            if x.isalpha() and y.isalpha():
                found.add(f"{x} {y}")
    return found


@cache
def _repeat_words(profile: Profile) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(profile.params.get("repeat_words", ())), frozenset(
        profile.params.get("repeat_allowed", ())
    )


def _not_word(ch: str) -> bool:
    return not (ch.isalnum() or ch == "_")


@detector("words.repeated")
def repeated(c: Ctx) -> Iterator[Hit]:
    t, low = c.text, c.low
    if not low:
        return
    single, allowed = _repeat_words(c.profile)
    for phrase in sorted(_repeats(low, single)):
        if f"{phrase} {phrase}" in allowed or phrase in allowed:
            continue
        yield from _doubled(t, low, phrase)


def _doubled(t: str, low: str, phrase: str) -> Iterator[Hit]:
    """Every place ``phrase`` stands twice, spaces or tabs between, as whole words."""
    n, end = len(phrase), len(low)
    i = low.find(phrase)
    while i >= 0:
        j = i + n
        k = j
        while k < end and low[k] in " \t":
            k += 1
        b = k + n
        twice = k > j and low.startswith(phrase, k)
        if twice and (i == 0 or _not_word(low[i - 1])) and (b == end or _not_word(low[b])):
            yield Hit("words.repeated", (i, b), t[i:j], {"words": t[i:b]})
            i = low.find(phrase, b)
            continue
        i = low.find(phrase, i + 1)


# ---------------------------------------------------------------- capitalisation (Phụ lục II)


def _heads(heads: list[str], tail: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled pattern per literal head, each ``head + tail``.

    A pattern that starts with a literal is scanned for like ``str.find`` (about 1 ms per MB);
    an alternation of heads in front makes the regex engine try every offset (about 6 ms per
    MB), so a few literal scans are cheaper than one pass of the alternation.
    """
    return tuple((h, re.compile(re.escape(h) + tail)) for h in heads)


@cache
def _caps_res(profile: Profile) -> dict[str, Any]:
    """The capitalisation patterns of ``profile``, compiled once."""
    caps = profile.data["caps"]
    fields = "|".join(map(re.escape, sorted(caps["fields"], key=len, reverse=True)))
    return {
        "unit": _heads([u + " " for u in caps["lower_units"]], ""),
        "number": _heads([g.lower() for g in caps["number_units"]], r"[ \t]+\d+(?!\w)"),
        "ministry": _heads(["bộ", "sở"], rf" (?:{fields})(?!\w)"),
        "article": _heads(["điều", "chương"], r"[ \t]+(?:\d+|[IVXLC]+\b)(?![\w/])"),
        "special": ["thành phố hồ chí minh", "thủ đô hà nội"],
        "organs": sorted({v.lower() for o in caps["organs"] for v in _tone_variants(o.lower())}),
        "exceptions": frozenset(caps.get("unit_name_exceptions", ())),
    }


def _scan(t: str, pats: tuple[tuple[str, re.Pattern[str]], ...]) -> Iterator[re.Match[str]]:
    for head, rx in pats:
        if head in t:
            yield from rx.finditer(t)


_CITING = pattern("check.citing")
_WORD = re.compile(r"\w+")


def _mid_sentence(t: str, pos: int) -> bool:
    """A lower-case word or a comma, then one space, stands just before ``pos``."""
    return pos >= 2 and t[pos - 1] == " " and (t[pos - 2].islower() or t[pos - 2] in ",;")


def _cap(g: str) -> str:
    return g[0].upper() + g[1:]


def _caps_unit(t: str, m: re.Match[str], exceptions: frozenset[str]) -> Iterator[Hit]:
    if not _mid_sentence(t, m.start()) or (m.start() > 0 and t[m.start() - 1].isalnum()):
        return
    nm = _WORD.match(t, m.end(), m.end() + 30)
    nxt = nm.group() if nm else ""
    if not nxt[:1].isupper() or nxt.isupper() or nxt in exceptions or t.startswith("Hồ Chí Minh", m.end()):
        return
    g = m.group()[:-1]
    yield Hit("caps.unit", (m.start(), m.end() - 1), g.lower(), {"right": f"{g.lower()} {nxt}"})


@detector("caps.unit", "caps.special", "caps.number_unit", "caps.organ", "caps.ministry", "caps.article")
def capitals(c: Ctx) -> Iterator[Hit]:
    caps = c.profile.data.get("caps")
    if not caps:
        return
    rx = _caps_res(c.profile)
    t = c.text
    for m in _scan(t, rx["unit"]):
        yield from _caps_unit(t, m, rx["exceptions"])
    for m in _scan(t, rx["number"]):
        g = m.group().split()[0]
        yield Hit("caps.number_unit", (m.start(), m.start() + len(g)), _cap(g), {"right": _cap(m.group())})
    for m in _scan(t, rx["ministry"]):
        if _mid_sentence(t, m.start()):
            g = m.group().split()[0]
            yield Hit("caps.ministry", (m.start(), m.start() + len(g)), _cap(g), {"right": _cap(m.group())})
    for m in _scan(t, rx["article"]):
        if not (m.start() > 0 and t[m.start() - 1].isalnum()) and _CITING.search(
            t, max(0, m.start() - 20), m.start()
        ):
            g = m.group().split()[0]
            yield Hit("caps.article", (m.start(), m.start() + len(g)), _cap(g), {"right": _cap(g)})
    if not c.low:
        return
    for form in rx["special"]:
        for a in _finds(c.low, form):
            g = t[a : a + len(form) - len(form.split(" ", 2)[2]) - 1]
            name = t[a + len(g) + 1 : a + len(form)]
            if g[0].islower() and name[:1].isupper() and _word_at(t, a, a + len(form)):
                yield Hit("caps.special", (a, a + len(g)), _cap(g), {"right": f"{_cap(g)} {name}"})
    for form in rx["organs"]:
        for a in _finds(c.low, form):
            b = a + len(form)
            s = t[a:b]
            words = s.split()
            if not _word_at(t, a, b) or s.isupper() or not s[0].isupper() or s[1:].islower():
                continue
            if words[0].isupper() and len(words[0]) > 1:
                continue
            right = " ".join([words[0], *(w.lower() for w in words[1:])])
            yield Hit("caps.organ", (a, b), right, {"right": right})
