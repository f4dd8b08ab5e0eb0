"""Phần đầu: Quốc hiệu or Party title, issuer and parent body, number, place and date, type,
trích yếu (subject), urgency and secrecy marks. Works on normalized text; spans are offsets
into it (``parse`` maps them back to the original)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from ..lexicon import dates, fold, landmark, pattern
from ..lexicon import type_names as type_names_folded
from ..lexicon.numbers import NUMBER_RE, Parsed, from_match, parse_number, type_names
from ..read.encoding import is_syllable
from ..rules import table
from .lines import Item, Line, is_upper, lines, squash

WINDOW = 8000  # the header never runs longer than this into a document
_NUMBER_WORDS = 4  # words of a number line OCR garbled ("số:", "6Ä3#8⁄", "/vp-kT")
_AFTER_OPENING = 300  # how far past "Kính gửi:" OCR may have put the other column's motto and date

QUOC_HIEU = pattern("header.quoc_hieu")
TIEU_NGU = pattern("header.motto")
PARTY_TITLE = pattern("header.party_title")
NUMBER_LINE = pattern("header.number_line")
DATE_LINE = pattern("header.date_line")
VV = pattern("header.vv")
SUBJECT_STOP = pattern("header.subject_stop")
_LAST_LINE_MAX = 50  # a trích yếu's last line before Kính gửi, past a blank: one column's width
PARTY_TITLE_LINE = pattern("header.party_title_line")
KINH_GUI_LINE = pattern("header.kinh_gui_line")
_NOI_NHAN = pattern("tail.noi_nhan")
FIRST_LINE_STOP = pattern("header.first_line_stop")
BODY_OPENING = pattern("header.body_opening")
CONNECTOR_END = pattern("header.connector_end")
_NUMBER_COLON = pattern("header.number_colon")
_SO_COLON = pattern("header.so_colon")
_BLANK_NUMBER = pattern("header.blank_number")
_NOT_PLACE = pattern("header.not_place")
_PARTY_VV = pattern("header.party_vv")
_SO = landmark("so")
_RULE = re.compile(r"[—–_=~-]{2,}")
_SYMBOL_BREAK = re.compile(r"(/[A-ZĐ][A-ZĐa-z]*)- (?=[A-ZĐ]{2})")  # a symbol broken: "15/CT-" ⏎ "UBND"


@dataclass(frozen=True)
class NumberAt:
    """The number and where it stands."""

    parsed: Parsed
    start: int
    end: int


@dataclass(frozen=True)
class DateAt:
    """The date line: its value (None when blank or impossible), its text, where it stands."""

    value: dt.date | None
    text: str
    start: int
    end: int


@dataclass
class Header:
    """What the header gave; spans are in the normalized text."""

    system: str = "other"
    issuer: Item | None = None
    issuer_parent: Item | None = None
    number: NumberAt | None = None
    number_line: tuple[int, int] | None = None  # the "Số:" line, even when its number is blank
    place: Item | None = None
    date: DateAt | None = None
    type_line: Item | None = None
    vv: bool = False
    subject: Item | None = None
    urgency: Item | None = None
    secrecy: Item | None = None
    end: int = 0  # where the header ends (body or Kính gửi begins)


@dataclass(frozen=True)
class Identity:
    """The document's own number, type and date named in its text when the header is lost."""

    number: NumberAt
    doc_type: str
    date: dt.date | None


@dataclass(frozen=True)
class _Vocab:
    """The header's words (``data/header.toml``, type names, signer titles) as patterns and tables."""

    body_start: re.Pattern[str]  # a body's name begins ("ỦY BAN", "SỞ")
    locality: re.Pattern[str]  # a locality word that is not a body ("TỈNH" but not "TỈNH ỦY")
    type_line: re.Pattern[str]  # a type line ("QUYẾT ĐỊNH") and the rest of it
    type_line_folded: re.Pattern[str]  # the same on folded text (OCR's "QUYÉT ĐỊNH", "THÔNG BẢO")
    title_start: re.Pattern[str]  # a signer's title ("CHỦ TỊCH")
    type_by_upper: dict[str, str]  # "QUYẾT ĐỊNH" → "Quyết định"
    urgency: dict[str, str]
    secrecy: dict[str, str]
    marks: dict[str, str]  # urgency and secrecy marks
    not_issuer: frozenset[str]


@cache
def _vocab() -> _Vocab:
    h = table("header")
    starts = sorted(h["body_starts"], key=len, reverse=True)
    loc = sorted(h["locality_words"], key=len, reverse=True)
    upper_types = sorted({n.upper() for n in type_names()}, key=len, reverse=True)
    titles = sorted(table("signature")["titles"], key=len, reverse=True)
    return _Vocab(
        # "PHÒNG, CHỐNG DỊCH" (prevention) wraps a name; a department's "PHÒNG" takes no comma
        body_start=re.compile(r"^(?:" + "|".join(re.escape(s) for s in starts) + r")(?=$|[\s.\-])(?!\s*,)"),
        locality=pattern("header.locality", words="|".join(re.escape(s) for s in loc)),
        type_line=re.compile(
            r"^(?P<t>"
            + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in upper_types)
            + r")(?=$|[\s:]+)[ \t:]*(?P<rest>[^\n]*)$",
            re.MULTILINE,
        ),
        type_line_folded=re.compile(  # after a speck or two OCR put before it ('"GIẦY MỜI')
            r"^[ \t\"'“”„_.*]{0,3}(?P<t>"
            + "|".join(
                re.escape(t).replace(r"\ ", r"\s+")
                for t in sorted(type_names_folded(), key=len, reverse=True)
            )
            + r")(?=$|[\s:]+)[ \t:]*(?P<rest>[^\n]*)$",
            re.MULTILINE,
        ),
        title_start=re.compile(r"^(?:" + "|".join(re.escape(x) for x in titles) + r")\b"),
        type_by_upper={n.upper(): n for n in type_names()},
        urgency=h["urgency"],
        secrecy=h["secrecy"],
        marks={**h["urgency"], **h["secrecy"]},
        not_issuer=frozenset(h["not_issuer"]),
    )


def parse_header(t: str) -> Header:
    """Read the header of the normalized text ``t``."""
    h = Header()
    w = t[:WINDOW]
    v = _vocab()
    qh = QUOC_HIEU.search(w)
    party = PARTY_TITLE.search(w[:3000])
    num_m = _find_number(w)
    if num_m:
        h.number_line = num_m.span()
        if num_m.group("seq"):
            p = parse_number(num_m.group("seq"), num_m.group("year"), num_m.group("rest"), num_m.group("sep"))
            h.number = NumberAt(p, num_m.start("seq"), num_m.end("rest"))
    after_number = num_m.end() if num_m else (qh.end() if qh else 0)
    opening = BODY_OPENING.search(w, num_m.end() if num_m else 0)
    date_m = _find_date(w[: opening.start()] if opening else w, num_m)
    if date_m is None and opening:  # OCR read the right column after the left: motto, then date
        motto = TIEU_NGU.search(w, opening.start(), opening.start() + _AFTER_OPENING)
        if motto:
            found = _find_date(w[: motto.end() + _AFTER_OPENING], num_m)
            date_m = found if found and found.start() >= motto.end() else None
    if date_m:
        d = dates.make(date_m.group("y"), date_m.group("m"), date_m.group("d")) if date_m.group("d") else None
        ds = date_m.start() + len(date_m.group()) - len(date_m.group().lstrip(", \t"))
        h.date = DateAt(d, squash(t[ds : date_m.end()]), ds, date_m.end())
        h.place = _place(t, date_m.start(), num_m)

    if party and (not qh or party.start() < qh.start() + 400):
        h.system = "party"
    elif qh:
        h.system = "state"
    elif h.number:
        h.system = "party" if h.number.parsed.party else "state"

    ends = [
        x for x in (num_m.start() if num_m else None, date_m.start() if date_m else None) if x is not None
    ]
    if date_m is None:  # the date line may still stand before the number's: found by its words
        ends.append(_header_end(w))
    issuer_end = min(ends)
    _issuer(t, h, issuer_end, [m for m in (qh, party, TIEU_NGU.search(w)) if m])

    # the type line (QUYẾT ĐỊNH, KẾ HOẠCH…), first one after the number / date
    issuer_name = h.issuer.text if h.issuer else None
    start_types = after_number
    tl = v.type_line.search(w, start_types)
    vv = VV.search(w, num_m.end() if num_m else 0, (num_m.end() + 400) if num_m else 2000)
    if tl is None:  # a V/v line before it makes the document a công văn
        tl = _ocr_type_line(w, start_types)
        tl = None if tl and vv and vv.start() < tl.start() else tl
    if tl and (
        tl.start() - start_types > 2500 or (vv and opening and vv.start() < opening.start() < tl.start())
    ):
        tl = None  # far down, or after a V/v and the body's opening: an attached document's
    if tl:
        t_text = " ".join(tl.group("t").split())
        name = v.type_by_upper.get(t_text) or type_names_folded()[t_text]
        h.type_line = Item(name, tl.start("t"), tl.end("t"))
        rest = tl.group("rest").strip(" :*")
        first = tl.start("rest") + (len(tl.group("rest")) - len(tl.group("rest").lstrip(" :*")))
        h.subject, h.end = _subject(t, first if rest else tl.end(), issuer_name)
    elif vv:
        h.vv = True
        h.subject, h.end = _subject(t, vv.end(), issuer_name, vv=True, date_m=date_m)
    elif num_m:
        _party_subject(t, h, num_m, date_m)
    if h.subject is None:
        h.end = max(h.end, date_m.end() if date_m else 0, num_m.end() if num_m else 0)
    _marks(t, h, h.end or min(len(w), 2000))
    return h


def _header_end(w: str) -> int:
    """Where the issuer's lines end when neither number nor date could be read (OCR garbled
    both): at the first line that is the number line or the place/date line by its landmarks
    (``Số:``, ``ngày … tháng``), else after 1,500 characters."""
    so, ngay, thang = landmark("so"), landmark("ngay"), landmark("thang")
    limit = min(len(w), 1500)
    at = 0
    for line in w[:limit].split("\n"):
        words = line.split()
        if words and (
            (so.head(words[0]) is not None and "/" in line)  # not the "SỞ" of a body's name
            or (any(ngay.head(x) is not None for x in words) and any(thang.matches(x) for x in words))
        ):
            return at
        at += len(line) + 1
    return limit


def _ocr_type_line(w: str, start: int) -> re.Match[str] | None:
    """The type line as OCR spelt it (a tone mark wrong: ``QUYÉT ĐỊNH``, ``THÔNG BẢO``): found
    on the folded text, in capitals on the page, before the Nơi nhận list. The match is on the
    folded copy, whose offsets are the text's."""
    folded = fold(w)
    if len(folded) != len(w):
        return None
    stop = _NOI_NHAN.search(w, start)  # past the Nơi nhận list, an attachment's type line
    for m in _vocab().type_line_folded.finditer(folded, start, stop.start() if stop else len(w)):
        if w[m.start("t") : m.end("t")].isupper():
            return m
    return None


@cache
def _identity_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    types = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in type_names())
    return pattern("header.caption", types=types), pattern("header.summary", types=types)


def identity_fallback(t: str) -> Identity | None:
    """The document's own number when the header did not survive (a crawled page that kept only
    the body): a summary's "Ngày …, X ban hành Công văn 12/…" or an appendix's "(Kèm theo Công văn số …)"."""
    caption, summary = _identity_res()
    for rx, limit in ((summary, 1500), (caption, len(t))):
        m = rx.search(t, 0, limit)
        if not m:
            continue
        nm = NUMBER_RE.match(t, m.start("num"))
        if not nm:
            continue
        d = dates.from_match(m) if m.group("date") else None
        name = next((n for n in type_names() if n.lower() == " ".join(m.group("type").split()).lower()), None)
        return Identity(NumberAt(from_match(nm), nm.start(), nm.end()), name or m.group("type"), d)
    return None


def _find_number(w: str) -> re.Match[str] | None:
    for m in NUMBER_LINE.finditer(w):
        # "Số:" must be a header field: near the start, not "số 12" inside a sentence
        line_start = w.rfind("\n", 0, m.start()) + 1
        prefix = w[line_start : m.start()].strip(" *\t-_=|–—")  # a rule or a table edge before "Số:"
        if len(prefix) > 40 or (prefix and not prefix[0].isupper()):
            continue
        if prefix and not _NUMBER_COLON.match(m.group()):
            continue  # "Công văn số 12/…" in a title line; "Luật số: 12/…" is a header
        if m.group("seq") or _SO_COLON.search(m.group()):
            return m
        if not prefix and _BLANK_NUMBER.match(w, m.end()):
            return m  # a draft's blank number: "Số -HD/BTCTU", "Số   /KH-UBND"
    return None


def _find_date(w: str, num_m: re.Match[str] | None) -> re.Match[str] | None:
    after = num_m.start() if num_m else 0
    for m in DATE_LINE.finditer(w, max(0, after - 300)):
        line_start = w.rfind("\n", 0, m.start()) + 1
        merged = num_m is not None and line_start <= num_m.end() <= m.start()
        if num_m is not None and merged:
            line_start = num_m.end()  # "Số: 12/UBND-VP Hà Nội, ngày …" merged on one line
        before = w[line_start : m.start()].strip(" *\t")
        # the date line is "Place, ngày …" or "ngày …" alone, never a sentence; OCR's specks
        # ("_", "....") are no words, and a number line it could not read ("Só:2360/UBND-KT",
        # "số: 6Ä3#8⁄ /vp-kT") may run into it
        tokens = before.split()
        specks = [i for i, x in enumerate(tokens) if not any(c.isalnum() for c in x)]
        if specks and len(tokens) > 7:  # another column's words, then a speck OCR read at the gap
            tokens = tokens[specks[-1] + 1 :]
            before = " ".join(tokens)
        words = [x for x in tokens if any(c.isalnum() for c in x)]
        lead = _SO.head(words[0]) is not None if words else False
        if lead or (merged and num_m is not None and not num_m.group("seq")):
            read = [i for i, x in enumerate(words) if "/" in x or any(c.isdigit() for c in x)]
            cut = max([0 if lead else -1, *read]) + 1
            if cut > _NUMBER_WORDS:
                continue  # more than a number's words before the date: a sentence
            words = words[cut:]
            before = " ".join(words)
        if re.search(r"\d", before) or len(words) > 7:
            continue
        if not m.group().startswith(",") and words and not all(x[0].isupper() for x in words):
            continue
        return m
    return None


def _place(t: str, date_start: int, num_m: re.Match[str] | None) -> Item | None:
    """Địa danh: the words before ", ngày", wrapped lines of the same cell included."""
    end = date_start
    start = t.rfind("\n", 0, end) + 1
    floor = num_m.end() if num_m and num_m.end() <= end else 0
    start = max(start, floor)
    seg = t[start:end]
    # a previous line of the same cell ("Tây" / "Ninh, ngày …")
    while start > floor + 1 and t[start - 1] == "\n":
        prev_start = t.rfind("\n", 0, start - 1) + 1
        prev = t[max(prev_start, floor) : start - 1].strip(" *\t")
        words = len(prev.split()) + len(seg.split())
        if not prev or words > 6 or is_upper(prev) or _NOT_PLACE.search(prev):
            break
        start = max(prev_start, floor)
        seg = t[start:end]
    raw = seg
    value = squash(raw).strip(" ,*")
    if not value or len(value) > 60 or not value[0].isupper():
        return None
    off = start + (len(raw) - len(raw.lstrip(" \n\t*")))
    return Item(value, off, off + len(raw.strip(" \n\t*,")))


def _issuer(t: str, h: Header, end: int, anchors: list[re.Match[str]]) -> None:
    """Tên cơ quan ban hành: upper-case lines before the number, header words removed."""
    v = _vocab()
    cut = [(m.start(), m.end()) for m in anchors if m.start() < end]
    cut += [m.span() for m in _RULE.finditer(t, 0, end)]  # the rule under a name, OCR'd as dashes
    kept: list[Line] = []
    for ln in lines(t, 0, end):
        pieces = _minus(ln, cut)
        for piece in pieces:
            text, s = piece.text, piece.start
            text2 = _before_junk(text.strip(" *-_.,;:—–"))
            if not text2 or text2 in v.not_issuer or text2.upper() in v.marks:
                continue
            if not is_upper(text2) or len(text2) > 120:
                kept.clear()  # web chrome or prose before the header: start again
                continue
            off = s + text.index(text2)
            kept.append(Line(text2, off, off + len(text2), ln.gap))
    if not kept:
        return
    groups: list[list[Line]] = []
    for ln in kept:
        starts_body = bool(v.body_start.match(ln.text)) and not v.locality.match(ln.text)
        prev = groups[-1][-1].text if groups else ""
        broken = len(prev.split()) == 1 and bool(v.body_start.match(f"{prev} {ln.text}"))
        cont = bool(groups) and (not starts_body or broken or CONNECTOR_END.search(prev) is not None)
        if cont:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    last = groups[-1]
    h.issuer = Item(" ".join(x.text for x in last), last[0].start, last[-1].end)
    if len(groups) > 1:
        par = [x for g in groups[:-1] for x in g]
        h.issuer_parent = Item(" ".join(x.text for x in par), par[0].start, par[-1].end)


def _before_junk(text: str) -> str:
    """A name in capitals followed by what OCR made of a seal or a rule (``VĂN PHÒNG ưa ta
    aaũốaứ``, ``VĂN PHÒNG ¬a-®—Ằ—``): the name alone, as a prefix of ``text``. A line whose
    rest is words stays whole."""
    words = list(re.finditer(r"\S+", text))
    n = 0  # the capitals, and the dashes between them ("BỘ LAO ĐỘNG - THƯƠNG BINH …")
    while n < len(words) and (is_upper(words[n].group()) or not words[n].group().strip("-–—&")):
        n += 1
    if n < 2 or n == len(words):
        return text
    rest = [w.group().strip(".,;:()'\"-–—") for w in words[n:]]
    junk = any(w and not (w.isdigit() or (w.isalpha() and is_syllable(w))) for w in rest)
    return text[: words[n - 1].end()].rstrip(" -–—") if junk else text


def _minus(ln: Line, cut: list[tuple[int, int]]) -> list[Item]:
    """The parts of a line outside the ``cut`` spans."""
    parts = [(ln.start, ln.end)]
    for a, b in cut:
        nxt = []
        for s, e in parts:
            if b <= s or a >= e:
                nxt.append((s, e))
                continue
            if a > s:
                nxt.append((s, a))
            if b < e:
                nxt.append((b, e))
        parts = nxt
    base = ln.start
    return [
        Item(ln.text[s - base : e - base], s, e) for s, e in parts if ln.text[s - base : e - base].strip()
    ]


def _subject(
    t: str,
    start: int,
    issuer: str | None,
    vv: bool = False,
    date_m: re.Match[str] | None = None,
) -> tuple[Item | None, int]:
    """Trích yếu from ``start``: the lines that continue it, by the rules of each layout."""
    v = _vocab()
    stop_at = date_m.start() if (vv and date_m and date_m.start() > start) else len(t)
    got: list[Line] = []
    rows = lines(t, start, min(len(t), start + 3000))
    for k, ln in enumerate(rows):
        if ln.start >= stop_at:
            break
        text = ln.text.strip("* ")
        if not text:
            continue
        if not any(c.isalnum() for c in text):
            if got:
                break  # the rule under the trích yếu
            continue
        if not got:
            if FIRST_LINE_STOP.match(text) or _is_formula(text, issuer):
                break
            got.append(ln)
            continue
        prev = got[-1].text
        if SUBJECT_STOP.match(text) or (_is_formula(text, issuer) and not CONNECTOR_END.search(prev)):
            break
        if len(got) >= 8 or sum(len(x.text) for x in got) > 700:
            break
        subj_upper = is_upper(got[0].text)
        if not subj_upper and PARTY_TITLE_LINE.match(text):
            break
        upper = is_upper(text)
        starts_body = bool(v.body_start.match(text))
        connected = CONNECTOR_END.search(prev) is not None
        if not ln.gap:
            if vv or (upper if subj_upper else not upper):
                got.append(ln)
                continue
            break
        # across a blank line (vbpl puts one between every line)
        if vv:  # a V/v goes on past a blank OCR left in it: lower case, a bracket, a broken word,
            # or a last short line just above "Kính gửi" (``xã Nhị`` / ``Khê, huyện Thường Tín``)
            last = (
                len(text) <= _LAST_LINE_MAX
                and not upper
                and not DATE_LINE.search(text)  # the place and date, read across the columns
                and _kinh_gui_next(rows, k)
            )
            if (text[0].islower() or text[0] == "(" or connected or last) and not DATE_LINE.match(text):
                got.append(ln)
                continue
            break
        if subj_upper:
            if upper and (not starts_body or connected) and len(text) > 3:
                got.append(ln)
                continue
            break
        if (
            not upper
            and not text.endswith(":")
            and (not re.search(r"[.:;]$", prev) or (prev.endswith(";") and text[0].islower()))
        ):
            got.append(ln)  # a mixed-case subject wraps onto lines of its own (vbpl.vn pages)
            continue
        break
    if not got:
        return None, start
    value = _SYMBOL_BREAK.sub(r"\1-", squash(" ".join(x.text.strip("* ") for x in got))).strip(" *")
    begin = got[0].start
    lead = value.split(" ", 2)
    if len(lead) == 3 and _ve_viec_misread(" ".join(lead[:2])):  # "và việc" for "Về việc": dropped
        value = lead[2]
        begin = max(begin, t.find(lead[2].split(" ", 1)[0], begin + len(lead[0]) + len(lead[1])))
    return Item(value, begin, got[-1].end), got[-1].end


def _kinh_gui_next(rows: list[Line], k: int) -> bool:
    """Whether the next line with words after row ``k`` opens the addressees (``Kính gửi:``)."""
    nxt = next((r.text.strip("* ") for r in rows[k + 1 :] if r.text.strip("* ")), "")
    return KINH_GUI_LINE.match(nxt) is not None


def _ve_viec_misread(words: str) -> bool:
    """OCR's spelling of "Về việc" opening a trích yếu (``và việc``): not the printed one."""
    mark = landmark("ve_viec")
    return mark.matches(words) and fold(words) not in {fold(s) for s in mark.spellings}


def _is_formula(text: str, issuer: str | None) -> bool:
    """The enacting formula that follows the subject: "BỘ TRƯỞNG BỘ TÀI CHÍNH", "QUYẾT ĐỊNH:",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …", the issuer's name alone, "BỘ XÂY DỰNG điện:"."""
    if text.endswith(":") and (is_upper(text) or text.endswith("điện:")):
        return True
    if not is_upper(text):
        return False
    if issuer and squash(text).strip(" :") in (issuer, issuer.split(" ", 1)[-1]):
        return True
    v = _vocab()
    m = v.title_start.match(text)
    return bool(m and v.body_start.match(text[m.end() :].lstrip()))


def _party_subject(t: str, h: Header, num_m: re.Match[str], date_m: re.Match[str] | None) -> None:
    """A Party công văn prints "Về …" under its number, without "V/v"."""
    start = max(num_m.end(), date_m.end() if date_m else 0)
    m = _PARTY_VV.search(t, num_m.end(), num_m.end() + 800)
    if m and (not date_m or m.start() < date_m.start() or m.start() > date_m.end()):
        first = m.start() + len(m.group()) - len(m.group().lstrip(" \t*"))
        h.subject, h.end = _subject(t, first, h.issuer.text if h.issuer else None)
        h.vv = True
    else:
        h.end = start


def _marks(t: str, h: Header, end: int) -> None:
    """Mức độ khẩn and độ mật: a line of its own in the header."""
    v = _vocab()
    for ln in lines(t, 0, min(end + 200, len(t))):
        key = ln.text.strip("*_ .").upper()
        if key in v.urgency and h.urgency is None:
            h.urgency = Item(v.urgency[key], ln.start, ln.end)
        elif key in v.secrecy and h.secrecy is None:
            h.secrecy = Item(v.secrecy[key], ln.start, ln.end)
