"""Kính gửi (recipients), chữ ký (signature block) and nơi nhận (distribution)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..rules import table
from .lines import Line, is_upper, lines, squash

KINH_GUI = re.compile(r"K[íi]nh[ \t\n]+g[ửu]i[ \t]*:?", re.IGNORECASE)
NOI_NHAN = re.compile(r"(?m)^[ \t*]*N[ơo]i[ \t]+nh[ậa]n[ \t]*:?")
ITEM = re.compile(r"^[-–•+][ \t]*")
END_MARK = re.compile(r"\./\.|Trân trọng|TRÂN TRỌNG")


@dataclass(frozen=True)
class Item:
    """A list item (recipient, distribution entry) and its span in the normalized text."""

    text: str
    start: int
    end: int


@cache
def _vocab() -> dict[str, object]:
    s = table("signature")
    auth = sorted(s["authority"], key=len, reverse=True)
    marker = re.compile(r"^(?P<a>" + "|".join(re.escape(a) for a in auth) + r")(?=[\s.]|$)[ \t.]*\S")
    titles = sorted(s["titles"], key=len, reverse=True)
    title = re.compile(r"^(?:" + "|".join(re.escape(x) for x in titles) + r")\b")
    prefixes = sorted(s["name_prefixes"], key=len, reverse=True)
    prefix = re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s*)+")
    return {
        "authority": s["authority"],
        "marker": marker,
        "title": title,
        "captions": {c.lower() for c in s["captions"]},
        "esign": tuple(e.lower() for e in s["esign"]),
        "prefix": prefix,
    }


def _clean(s: str) -> str:
    return squash(s).strip(" ;,.*")


def recipients(t: str, start: int, limit: int) -> tuple[list[Item], int]:
    """The ``Kính gửi`` items after ``start`` (within ``limit`` chars); and where they end."""
    m = KINH_GUI.search(t, start, min(len(t), start + limit))
    if not m:
        return [], start
    items: list[list[Line]] = []
    end = m.end()
    lns = lines(t, m.end(), min(len(t), m.end() + 4000))
    # the rest of the "Kính gửi:" line
    first_line_end = t.find("\n", m.end())
    first_line_end = len(t) if first_line_end < 0 else first_line_end
    open_item = False
    for i, ln in enumerate(lns):
        same_line = ln.start < first_line_end
        text = ln.text.strip("* ")
        if not text:
            continue
        if ITEM.match(text):
            items.append([ln])
            open_item = not re.search(r"[;.]$", text)
            end = ln.end
            continue
        if same_line:
            items.append([ln])
            open_item = not re.search(r"[;.]$", text)
            end = ln.end
            continue
        if not items and i == 0:
            items.append([ln])  # "Kính gửi:" alone, the addressee on the next line
            open_item = not re.search(r"[;.]$", text)
            end = ln.end
            continue
        if (
            open_item
            and not ln.gap
            and items
            and (text[0].islower() or not re.search(r"[;.:]$", items[-1][-1].text))
        ):
            items[-1].append(ln)
            open_item = not re.search(r"[;.]$", text)
            end = ln.end
            continue
        break
    out = []
    for parts in items:
        raw = " ".join(p.text for p in parts)
        raw = ITEM.sub("", raw.strip("* "))
        val = _clean(raw)
        if val:
            out.append(Item(val, parts[0].start, parts[-1].end))
    return out, end


def distribution(t: str, start: int) -> tuple[list[Item], tuple[int, int] | None]:
    """The ``Nơi nhận`` items of the first ``Nơi nhận:`` after ``start``, and its span."""
    m = NOI_NHAN.search(t, start)
    if not m:
        return [], None
    v = _vocab()
    items: list[list[Line]] = []
    end = m.end()
    first_line_end = t.find("\n", m.end())
    first_line_end = len(t) if first_line_end < 0 else first_line_end
    for ln in lines(t, m.end(), min(len(t), m.end() + 6000)):
        text = ln.text.strip("* ")
        if not text:
            continue
        if ITEM.match(text):
            items.append([ln])
            end = ln.end
            continue
        if ln.start < first_line_end and not v["marker"].match(text):  # type: ignore[union-attr]
            items.append([ln])
            end = ln.end
            continue
        signature_like = bool(v["marker"].match(text)) or (is_upper(text) and len(text) < 80)  # type: ignore[union-attr]
        if items and not ln.gap and not signature_like and not _is_lưu_done(items[-1]):
            items[-1].append(ln)
            end = ln.end
            continue
        if items and not ln.gap and not signature_like and _is_lưu_done(items[-1]) and text[0].islower():
            items[-1].append(ln)
            end = ln.end
            continue
        break
    out = []
    for parts in items:
        raw = " ".join(p.text.strip("* ") for p in parts)
        val = _clean(ITEM.sub("", raw))
        if val:
            out.append(Item(val, parts[0].start, parts[-1].end))
    return out, (m.start(), end)


def _is_lưu_done(parts: list[Line]) -> bool:
    joined = " ".join(p.text for p in parts)
    return bool(re.match(r"^[-–•+]?\s*Lưu\b", joined)) and bool(re.search(r"[.;)]$", joined.strip("* ")))


@dataclass(frozen=True)
class SignatureBlock:
    """A signature block in normalized-text offsets."""

    authority: str | None
    markers: list[Item]
    title: Item | None
    name: Item | None
    start: int
    end: int
    signed_caption: bool  # "(Đã ký)": a transcription


def _is_name(text: str) -> bool:
    v = _vocab()
    s = v["prefix"].sub("", text).strip(" .,*")  # type: ignore[union-attr]
    words = s.split()
    if not 2 <= len(words) <= 6 or len(s) > 60:
        return False
    for w in words:
        core = w.strip(".,")
        if not core or not core[0].isupper() or not core[0].isalpha():
            return False
        if len(core) > 1 and not core[1:].replace("-", "").islower():
            return False
    return True


def signature(t: str, start: int, near: int | None) -> SignatureBlock | None:
    """The signature block after ``start``: marker/title lines above a name.

    With ``near`` (where ``Nơi nhận`` stands) the block closest to it wins; otherwise the first.
    """
    v = _vocab()
    lns = lines(t, start)
    found: list[SignatureBlock] = []
    for i, ln in enumerate(lns):
        text = ln.text.strip("* ")
        if not _is_name(text) or not i:
            continue
        block = _block_above(lns, i)
        if block:
            found.append(block)
            if near is None:
                break
            if block.start > near:
                break
    if not found:
        return None
    if near is None:
        return found[0]
    return min(found, key=lambda b: min(abs(b.start - near), abs(b.end - near)))


def _block_above(lns: list[Line], i: int) -> SignatureBlock | None:
    """Collect the upper-case lines above name line ``i`` into a signature block."""
    v = _vocab()
    name_ln = lns[i]
    ups: list[Line] = []
    signed = False
    j = i - 1
    skipped = 0
    while j >= 0 and len(ups) < 6:
        text = lns[j].text.strip("* ")
        low = text.lower()
        if low in v["captions"] or (low.startswith("(") and low.endswith(")") and "ký" in low):  # type: ignore[operator]
            signed = signed or "đã ký" in low
            j -= 1
            continue
        if low.startswith(v["esign"]):  # type: ignore[arg-type]
            j -= 1
            skipped += 1
            if skipped > 6:
                break
            continue
        if is_upper(text) and len(text) <= 90 and not ITEM.match(text):
            ups.append(Line(text, lns[j].start, lns[j].end, lns[j].gap))
            j -= 1
            continue
        break
    if not ups:
        return None
    ups.reverse()
    marker_idx = [k for k, u in enumerate(ups) if v["marker"].match(u.text)]  # type: ignore[union-attr]
    if marker_idx:
        ups = ups[marker_idx[0] :]
    else:
        # no marker: the signer's own title line(s), which must look like a title
        ups = [u for u in ups[-2:] if v["title"].match(u.text)][-1:]  # type: ignore[union-attr]
        if not ups:
            return None
    markers = [Item(squash(u.text), u.start, u.end) for u in ups if v["marker"].match(u.text)]  # type: ignore[union-attr]
    authority = None
    if markers:
        a = v["marker"].match(markers[0].text).group("a")  # type: ignore[union-attr]
        authority = v["authority"][a]  # type: ignore[index]
    last = ups[-1]
    title = None if v["marker"].match(last.text) else Item(squash(last.text), last.start, last.end)  # type: ignore[union-attr]
    name_text = name_ln.text.strip("* ")
    off = name_ln.start + name_ln.text.index(name_text)
    name = Item(squash(name_text), off, off + len(name_text))
    return SignatureBlock(authority, markers, title, name, ups[0].start, name_ln.end, signed)


def end_mark(t: str, start: int) -> int | None:
    """Where the body's closing words (``./.``, ``Trân trọng``) stand, if any."""
    m = END_MARK.search(t, start)
    return m.start() if m else None
