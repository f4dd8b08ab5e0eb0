"""Read a scanned page as a clerk does: find its zones, read what was written by hand there.

The full-page OCR gives every word with its box. From the OCR-tolerant landmarks of the
lexicon (``Số:``, ``ngày … tháng … năm``, ``TM.``/``KT.``, the signer's title) this module finds
the number's zone, the day and month zones of the place/date line and the signature block, and
reads each again on its own: digits with a digit-only recogniser under several binarisations
(the number and the day are often handwritten or stamped by the văn thư), the signature block
as a block of text. A value is taken only where the readings agree; otherwise the zone is
reported as illegible, with its box so that the page crop can be shown for review.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageOps

from ..lexicon import (
    Landmark,
    complete_syllables,
    fold,
    landmark,
    not_given,
    not_names,
    surname_forms,
    surnames,
)
from ..rules import table
from .base import Box, Reading
from .digits import read_digits
from .encoding import is_syllable

__all__ = ["Reading", "Word", "color_separate", "read_zones", "supports"]

_DIGITS = re.compile(r"\d+")
_PARTY_TYPE = re.compile(r"-\s*[^\W\d_]{1,6}\s*$")  # "-CV" before a Party number's slash


@dataclass(frozen=True)
class Word:
    """One word of the full-page OCR: text, box in page pixels, confidence, line key."""

    text: str
    box: Box
    conf: float
    line: tuple[str, ...]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


def _cfg() -> dict:
    return table("read")["scan"]


def color_separate(im: Image.Image, pen: bool = False) -> Image.Image:
    """A grayscale page with red seals and blue ink removed (made white), black print kept;
    with ``pen``, blue ink kept (the number and day a văn thư writes in) and only red removed.

    Print is dark and unsaturated; the red of a seal and the blue of a pen are saturated
    (max − min of the channels above ``chroma_limit``), so they go. A bilevel or grayscale scan
    comes back as it is, in ``L`` mode."""
    if im.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return im.convert("L")
    r, g, b = im.convert("RGB").split()
    chroma = ImageChops.subtract(
        ImageChops.lighter(ImageChops.lighter(r, g), b), ImageChops.darker(ImageChops.darker(r, g), b)
    )
    limit = _cfg()["chroma_limit"]
    mask = chroma.point(lambda v: 255 if v > limit else 0)
    if pen:  # only where red outweighs blue: a seal, not a pen
        mask = ImageChops.multiply(mask, ImageChops.subtract(r, b).point(lambda v: 255 if v > 0 else 0))
    gray = im.convert("L")
    return Image.composite(Image.new("L", gray.size, 255), gray, mask)


# ---- zones ---------------------------------------------------------------------------------

Batch = Callable[[Sequence[Image.Image], Sequence[str]], list[str]]
"""OCR several images in one Tesseract run with the given arguments: one text per image."""


def _same_line(a: Word, b: Word) -> bool:
    ca, cb = (a.box[1] + a.box[3]) / 2, (b.box[1] + b.box[3]) / 2
    return abs(ca - cb) < 0.6 * max(a.height, b.height, 1)


def _find(words: Sequence[Word], mark: Landmark, where: Callable[[Word], bool], start: int = 0) -> int | None:
    for i in range(start, len(words)):
        if where(words[i]) and mark.matches(words[i].text):
            return i
    return None


def _find_head(
    words: Sequence[Word], mark: Landmark, where: Callable[[Word], bool], start: int
) -> int | None:
    """Like ``_find``, also where OCR ran the landmark into the next word (``só:5$Ÿ``)."""
    for i in range(start, len(words)):
        if where(words[i]) and mark.head(words[i].text) is not None:
            return i
    return None


def _right_of_head(w: Word, mark: Landmark) -> int:
    """The x where the landmark ends inside a word that holds more (its share of the letters)."""
    n = mark.head(w.text) or len(w.text)
    return w.box[0] + round((w.box[2] - w.box[0]) * n / max(len(w.text), 1))


def _slash_x(w: Word, pitch: float = 0.0) -> int:
    """Where the printed symbol starts in a word that holds it (``/UBND-KT``, ``6đ53/VP``; a
    Party number's type before its slash: ``215-CV/TU``). A pen's digits are wider than print
    (and OCR drops some of them): with the print's ``pitch`` (width per letter) known, the
    symbol is measured back from the word's right end, where that puts it further right."""
    k = w.text.find("/")
    party = _PARTY_TYPE.search(w.text, 0, max(k, 0))
    if party:
        k = party.start()
    if k <= 0:
        return w.box[0]
    x = w.box[0] + round((w.box[2] - w.box[0]) * k / len(w.text))
    return max(x, w.box[2] - round(pitch * (len(w.text) - k))) if pitch else x


def _header_zones(words: Sequence[Word], width: int, height: int) -> dict[str, Box]:
    """The boxes of the number's digits and the day, month and year of the date line."""
    cfg = _cfg()
    top = height * cfg["header_share"]
    zones: dict[str, Box] = {}
    i = -1
    mark = landmark("so")
    while (
        i := _find_head(words, mark, lambda w: w.box[1] < top and w.box[0] < width * 0.5, i + 1)
    ) is not None:
        so = words[i]  # "Số:", not the "SỞ" of an issuer's name: the symbol follows on its line
        glued = "/" in so.text[mark.head(so.text) or 0 :]  # "Só:2360/UBND-KT" read as one word
        sym = (
            so
            if glued
            else next(
                (
                    w
                    for w in words[i + 1 : i + 8]
                    if _same_line(so, w) and "/" in w.text and w.box[0] > so.box[2]
                ),
                None,
            )
        )
        if sym is None:
            continue
        pitch = 0.0 if glued else cfg["symbol_pitch"] * (so.box[2] - so.box[0]) / max(len(so.text), 1)
        x0, x1 = _right_of_head(so, mark), _slash_x(sym, pitch)
        h = so.height
        if x1 - x0 > h * 0.8:
            zones["number.seq"] = (
                x0 + 2,
                so.box[1] - round(h * 0.9),
                x1 + 2,
                so.box[3] + round(h * 0.4),
            )
        break
    right = lambda w: w.box[1] < top and w.box[0] > width * 0.35  # noqa: E731
    k = _find_head(words, landmark("ngay"), right, 0)
    if k is not None:
        ng = words[k]
        t = _find(words, landmark("thang"), lambda w: right(w) and _same_line(ng, w), k + 1)
        if t is not None:
            th = words[t]
            h = ng.height
            up, down = round(h * 0.9), round(h * 0.4)
            zones["date.day"] = (
                _right_of_head(ng, landmark("ngay")) + 2,
                min(ng.box[1], th.box[1]) - up,
                th.box[0] - 2,
                ng.box[3] + down,
            )
            n = _find(words, landmark("nam"), lambda w: right(w) and _same_line(th, w), t + 1)
            if n is not None:
                na = words[n]
                # a month written against "năm" is read as part of that word ("7năm"): its box
                # is wider than "năm" is (three letters of "tháng"'s five), the month at its left
                right_edge = na.box[0] - 2
                nam_width = round((th.box[2] - th.box[0]) * cfg["nam_share"])
                if right_edge - th.box[2] < h * 0.6 and na.box[2] - na.box[0] > nam_width + h * 0.5:
                    right_edge = na.box[2] - nam_width
                zones["date.month"] = (
                    th.box[2] - round(h * 0.3),
                    th.box[1] - up,
                    right_edge,
                    th.box[3] + down,
                )
                zones["date.year"] = (na.box[2] + 2, na.box[1] - down, na.box[2] + 5 * h, na.box[3] + down)
    return {k: v for k, v in zones.items() if v[2] - v[0] > 8 and v[3] - v[1] > 8}


def _page_digits(words: Sequence[Word], box: Box) -> str:
    """The digits of the page OCR's words centred in ``box``."""
    inside = [
        w
        for w in words
        if box[0] <= (w.box[0] + w.box[2]) / 2 <= box[2] and box[1] <= (w.box[1] + w.box[3]) / 2 <= box[3]
    ]
    return "".join(d for w in inside for d in _DIGITS.findall(w.text))


def _variants(crop: Image.Image) -> list[Image.Image]:
    """The crop under several binarisations: as scanned, strokes thickened, strokes thinned;
    enlarged so that a handwritten digit is as tall as Tesseract's best size."""
    cfg = _cfg()
    f = max(1.0, cfg["digit_height"] / max(crop.height, 1))
    big = crop.resize((round(crop.width * f), round(crop.height * f)), Image.Resampling.BILINEAR)
    out = []
    for op in cfg["binarisations"]:
        im = big
        if op == "thick":
            im = im.filter(ImageFilter.MinFilter(3))
        elif op == "thin":
            im = im.filter(ImageFilter.MaxFilter(3))
        elif op == "threshold":
            im = im.point(lambda v: 0 if v < 170 else 255)
        out.append(ImageOps.expand(im, 24, fill=255))
    return out


def supports(reading: str, value: str) -> bool:
    """Whether a reading of a zone supports a value: it is the value, or two digits or more it
    begins or ends with (Tesseract cuts a handwritten number short: ``24`` for ``6624``)."""
    return reading == value or (len(reading) >= 2 and (value.startswith(reading) or value.endswith(reading)))


def _vote(readings: list[str], lo: int, hi: int, hand: str = "") -> tuple[str | None, float]:
    """The reading most readings support (at least two, and more than any other; see
    ``supports``), and its share of them; the handwritten-digit reader's ``hand`` counts
    ``hand_weight`` times (it reads a pen's digits far better than Tesseract). A value only that
    reader read takes no support from readings cut short of it: ``6633`` read three times is not
    a cut ``66331`` (a speck the reader took for a digit)."""
    votes = [(r, 1) for r in readings] + ([(hand, _cfg()["hand_weight"])] if hand else [])
    total = sum(w for _, w in votes)
    ok = [(r, w) for r, w in votes if lo <= len(r) <= hi]
    if not ok:
        return None, 0.0
    only_hand = {hand} - set(readings)
    support = Counter(
        {x: sum(w for r, w in ok if (r == x if x in only_hand else supports(r, x))) for x, _ in ok}
    )
    ranked = support.most_common(2)
    best, n = ranked[0]
    if n < 2 or (len(ranked) > 1 and ranked[1][1] == n):
        return None, n / total
    return best, n / total


def read_zones(page: Image.Image, words: Sequence[Word], page_no: int, dpi: int, ocr: Batch) -> list[Reading]:
    """Read the number and date zones of a first page again, digits only: Tesseract under each
    binarisation, the page OCR's own reading, and the handwritten-digit reader."""
    zones = _header_zones(words, page.width, page.height)
    if not zones:
        return []
    cfg = _cfg()
    names = list(zones)
    crops = [v for z in names for v in _variants(page.crop(zones[z]))]
    per = len(crops) // len(names)
    texts: list[list[str]] = [[] for _ in names]
    for psm in cfg["digit_psm"]:
        args = [
            "-l",
            cfg["digit_lang"],
            "--psm",
            str(psm),
            "--dpi",
            str(dpi),
            "-c",
            "tessedit_char_whitelist=0123456789",
        ]
        for j, t in enumerate(ocr(crops, args)):
            texts[j // per].append("".join(_DIGITS.findall(t)))
    out = []
    for z, rs in zip(names, texts, strict=True):
        rs.append(_page_digits(words, zones[z]))  # the full-page OCR's own reading of the zone
        lo, hi = cfg["digits"][z]
        hand = read_digits(page.crop(zones[z])) if z in cfg["handwritten"] else None
        value, share = _vote(rs, lo, hi, hand or "")
        if hand is not None:
            rs.append(hand)
        out.append(Reading(z, value, tuple(rs), share, page_no, zones[z], dpi, by_hand=hand))
    return out


_NAME_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _syllable(word: str) -> bool:
    """A word of a name: a Vietnamese syllable, marked or (a text without marks) bare."""
    return is_syllable(word) or (word.isascii() and word.lower() in complete_syllables())


def name_in(line: str) -> str | None:
    """A person's name in a line of OCR text: a family name (họ) of the lexicon, then one to
    four capitalised syllables; specks and seal fragments before it are dropped."""
    if "," in line.rstrip(" ,;.") or landmark("ngay").within(line):
        return None
    words = _NAME_WORD.findall(line)
    known, stop = surnames(), not_given()
    for i, w in enumerate(words):
        if not (w[:1].isupper() and fold(w) in known and (len(w) == 1 or not w[1:].isupper())):
            w = _complete(w) if i == len(words) - 3 or i == len(words) - 4 else None
            if w is None:
                continue
        rest = words[i + 1 : i + 5]
        given = []
        for x in rest:
            if (
                x[:1].isupper()
                and len(x) > 1
                and not x[1:].isupper()
                and _syllable(x)
                and x.lower() not in stop
            ):
                given.append(x)
            else:
                break
        name = " ".join([_surname_spelling(w), *given])
        if 1 <= len(given) <= 3 and len(given) == len(rest) and fold_key(name) not in not_names():
            return name
    return None


def _surname_spelling(word: str) -> str:
    """The family name as it is spelt when OCR got its tone mark wrong (``Đăng`` → ``Đặng``) and
    only one family name folds alike; else the word as read."""
    forms = surname_forms()
    if word in forms:
        return word
    alike = [s for s in forms if fold(s) == fold(word)]
    return alike[0] if len(alike) == 1 else word


def given_names_in(line: str) -> str | None:
    """The given names that end a line when its family name is lost (``=⁄ố Tuân Anh``): two or
    three capitalised syllables. Evidence to match against names the text spells in full,
    never a name by itself."""
    if "," in line.rstrip(" ,;.") or landmark("ngay").within(line):
        return None
    words = _NAME_WORD.findall(line)
    stop = not_given()
    tail: list[str] = []
    for x in reversed(words):
        if x[:1].isupper() and len(x) > 1 and not x[1:].isupper() and _syllable(x) and x.lower() not in stop:
            tail.insert(0, x)
        else:
            break
    return " ".join(tail[-3:]) if len(tail) >= 2 else None


def _complete(fragment: str) -> str | None:
    """The one family name that ends with ``fragment`` — what a seal left of it (``ũ`` of
    ``Vũ``, ``yễn`` of ``Nguyễn``); None when none or several do."""
    frag = fragment
    if not frag or not frag[0].islower() or frag.isascii() or len(frag) > 4:
        return None
    hits = {s for s in surname_forms() if s.lower().endswith(frag) and s.lower() != frag}
    return hits.pop() if len(hits) == 1 else None


def _signature_box(words: Sequence[Word], width: int, height: int) -> Box | None:
    """The signature block: from its first marker or title line (right half, below the top
    third) down to the page's foot."""
    marker, title, recipients = landmark("authority"), landmark("signature_words"), landmark("noi_nhan")
    beside: Word | None = None
    for ws in _segments(words):
        head = ws[0]
        if head.box[1] < height * 0.25:
            continue
        text = " ".join(w.text for w in ws)
        if head.box[0] < width * 0.4:
            if beside is None and head.box[0] < width * 0.25 and recipients.matches(text.rstrip(" :")):
                beside = head
            continue
        if marker.starts(text) or title.within(text):
            return _block_box(head.box[1] - max(w.height for w in ws), width, height)
    # OCR dropped the block's lines (a seal over them): it stands right of the Nơi nhận list
    return _block_box(beside.box[1] - 3 * beside.height, width, height) if beside else None


def _block_box(top: int, width: int, height: int) -> Box:
    return (round(width * 0.4), max(0, top), width, min(height, top + round(height * 0.3)))


def _segments(words: Sequence[Word]) -> list[list[Word]]:
    """Tesseract's lines cut where a wide gap parts two columns (``Nơi nhận:`` … ``TM. ỦY BAN``)."""
    gap = table("read")["pdf"]["column_gap"]
    out: list[list[Word]] = []
    for w in words:
        last = out[-1][-1] if out else None
        if (
            last is not None
            and last.line == w.line
            and w.box[0] - last.box[2] < gap * max(w.height, last.height)
        ):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def read_signature(
    page: Image.Image, words: Sequence[Word], page_no: int, dpi: int, ocr: Batch
) -> Reading | None:
    """Read a page's signature block again (several binarisations, block and sparse layouts)
    and take the signer's name where two readings agree on it."""
    box = _signature_box(words, page.width, page.height)
    if box is None:
        return None
    crop = page.crop(box)
    variants = [crop, crop.filter(ImageFilter.MaxFilter(3))]
    names: list[str] = []
    seen: dict[str, None] = {}
    for psm in _cfg()["block_psm"]:
        for text in ocr(variants, ["-l", "vie", "--psm", str(psm), "--dpi", str(dpi)]):
            lines = text.splitlines()
            seen.update((x.strip(), None) for x in lines if re.search(r"[^\W\d_]{2}", x))
            found = [n for n in (name_in(x) for x in lines) if n]
            partial = [n for n in (given_names_in(x) for x in lines) if n]
            names.append(found[-1] if found else (PARTIAL + partial[-1] if partial else ""))
    line_names = [
        n
        for n in (name_in(" ".join(w.text for w in words if w.line == k)) for k in _lines_in(words, box))
        if n
    ]
    names.append(line_names[-1] if line_names else "")
    picked, share = _vote_names(names)
    return Reading("signer.name", picked, tuple(names), share, page_no, box, dpi, tuple(seen))


PARTIAL = "…"
"""Marks a reading of given names only (the family name lost): evidence, never a value."""


def _vote_names(names: list[str]) -> tuple[str | None, float]:
    """The name most readings support: a reading supports a name it equals or ends (``Đăng
    Định`` supports ``Vũ Đăng Định``, whose family name the seal hid from the other readings).
    Taken when at least two readings support it and no other name as many."""
    names = [n for n in names if not n.startswith(PARTIAL)]
    keys = {fold_key(n): n for n in names if n}
    support = {
        k: sum(
            1
            for n in names
            if n and (k == fold_key(n) or (k.endswith(" " + fold_key(n)) and " " in fold_key(n)))
        )
        for k in keys
    }
    ranked = sorted(support.items(), key=lambda kv: (-kv[1], -len(kv[0].split())))
    if not ranked or ranked[0][1] < 2:
        return None, 0.0
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1] and not ranked[0][0].endswith(" " + ranked[1][0]):
        return None, ranked[0][1] / len(names)
    return keys[ranked[0][0]], ranked[0][1] / len(names)


def fold_key(name: str) -> str:
    """A name compared as folded words (OCR may lose a tone mark that another reading keeps)."""
    return " ".join(fold(name).split())


def _lines_in(words: Sequence[Word], box: Box) -> list[tuple[str, ...]]:
    seen: dict[tuple[str, ...], None] = {}
    for w in words:
        if box[0] <= w.box[0] and box[1] <= w.box[1] <= box[3]:
            seen.setdefault(w.line)
    return list(seen)


def skew_angle(page: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) to turn the page by to level its lines, from the
    projection profile: text lines give the sharpest row profile when level. Measured on a
    reduced copy."""
    import numpy as np

    cfg = _cfg()
    small = page.convert("L")
    small = small.resize((max(1, small.width // 4), max(1, small.height // 4)), Image.Resampling.BOX)
    ink = small.point(lambda v: 255 if v < 160 else 0)
    best, best_score = 0.0, -1.0
    limit, step = cfg["skew_max_degrees"], cfg["skew_step_degrees"]
    steps = round(limit / step)
    for k in range(-steps, steps + 1):
        angle = k * step
        rows = np.asarray(
            ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float32
        ).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = angle, score
    return best
