"""Kính gửi (recipients), chữ ký (signature block) and nơi nhận (distribution)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..lexicon import pattern
from ..rules import table, trie_regex
from .lines import Item, Line, is_upper, lines, squash

KINH_GUI = pattern("tail.kinh_gui")
BODY_OPENING = pattern("tail.body_opening")
NOI_NHAN = pattern("tail.noi_nhan")
ITEM = re.compile(r"^[-–•+][ \t]*")
END_MARK = pattern("tail.end_mark")
_LUU = pattern("tail.luu")
_NAME_WORD = pattern("tail.name_word")


@dataclass(frozen=True)
class _Vocab:
    """The signature block's words (``data/signature.toml``) as patterns."""

    rank: re.Pattern[str]  # a rank before a name ("Thượng tướng")
    anchor: re.Pattern[str]  # a marker or title line: where a block may be
    authority: dict[str, str]  # marker → authority
    marker: re.Pattern[str]  # TM., KT., TL.… opening a line (group ``a``)
    title: re.Pattern[str]  # a title opening a line
    title_any: re.Pattern[str]  # a title anywhere in a line
    captions: frozenset[str]  # "(đã ký)", lower case
    esign: tuple[str, ...]  # e-signature phrases, lower case
    prefix: re.Pattern[str]  # name prefixes ("Ông", "Bà")


@cache
def _vocab() -> _Vocab:
    s = table("signature")
    auth = sorted(s["authority"], key=len, reverse=True)
    titles = sorted(s["titles"], key=len, reverse=True)
    prefixes = sorted(s["name_prefixes"], key=len, reverse=True)
    ranks = sorted(s["ranks"], key=len, reverse=True)
    return _Vocab(
        rank=pattern("tail.rank", ranks="|".join(re.escape(r) for r in ranks)),
        anchor=re.compile(
            r"(?m)^[ \t*]*(?:(?:" + trie_regex(auth) + r")(?=[\s.])|(?:" + trie_regex(titles) + r")\b)"
        ),
        authority=s["authority"],
        marker=re.compile(r"^(?P<a>" + "|".join(re.escape(a) for a in auth) + r")(?=[\s.]|$)[ \t.]*\S"),
        title=re.compile(r"^(?:" + "|".join(re.escape(x) for x in titles) + r")\b"),
        title_any=re.compile(r"(?<!\S)(?:" + "|".join(re.escape(x) for x in titles) + r")(?!\S)"),
        captions=frozenset(c.lower() for c in s["captions"]),
        esign=tuple(e.lower() for e in s["esign"]),
        prefix=re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s*)+"),
    )


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
            and not BODY_OPENING.match(text)
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
            # "- VP UBND tỉnh:" / "+ LĐVP, KGVX;": a sub-list continues its head item
            if text.startswith("+") and items and items[-1][-1].text.rstrip("* ").endswith(":"):
                items[-1].append(Line(text[1:].strip(), ln.start, ln.end, ln.gap))
            else:
                items.append([ln])
            end = ln.end
            continue
        if ln.start < first_line_end and not v.marker.match(text):
            items.append([ln])
            end = ln.end
            continue
        signature_like = bool(v.marker.match(text)) or (is_upper(text) and len(text) < 80)
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
    return bool(_LUU.match(joined)) and bool(re.search(r"[.;)]$", joined.strip("* ")))


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
    s = v.prefix.sub("", text).strip(" .,*")
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


def _titlecase_words(text: str) -> bool:
    words = text.split()
    return bool(words) and all(w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)


def _split_line(ln: Line) -> list[Line]:
    """A merged "KT. BỘ TRƯỞNG THỨ TRƯỞNG Bùi Hồng Lĩnh" line as its upper part and the name."""
    text = ln.text.strip("* ")
    words = text.split()
    k = len(words)
    while k > 0 and len(words) - k < 6 and _titlecase_words(words[k - 1]):
        k -= 1
    if len(words) - k < 2 or k == 0:
        return [ln]
    up = " ".join(words[:k]).strip("* ")
    name = " ".join(words[k:])
    v = _vocab()
    if not is_upper(up) or not _is_name(name) or not (v.marker.match(up) or v.title.match(up)):
        return [ln]
    off = ln.start + ln.text.index(text)
    name_at = off + text.rindex(words[k])
    return [Line(up, off, off + len(up), ln.gap), Line(name, name_at, off + len(text), False)]


def _join_names(lns: list[Line]) -> list[Line]:
    """A name broken over short lines ("Mai" / "Sơn") as one line."""
    out: list[Line] = []
    for ln in lns:
        prev = out[-1] if out else None
        text = ln.text.strip("* ")
        if (
            prev
            and not ln.gap
            and len(text.split()) <= 3
            and len(prev.text.split()) <= 3
            and _titlecase_words(text)
            and _titlecase_words(prev.text.strip("* "))
            and len((prev.text + " " + text).split()) <= 6
        ):
            out[-1] = Line(f"{prev.text.strip('* ')} {text}", prev.start, ln.end, prev.gap)
            continue
        out.append(ln)
    return out


def signature(t: str, start: int, near: int | None) -> SignatureBlock | None:
    """The signature block after ``start``: marker/title lines above a name.

    Candidate blocks are found by their marker or title lines (one regex pass); only the lines
    around each candidate are read. With ``near`` (where ``Nơi nhận`` stands) the block closest
    to it wins; otherwise the first.
    """
    anchor = _vocab().anchor
    found: list[SignatureBlock] = []
    seen_end = -1
    for am in anchor.finditer(t, start):
        if am.start() < seen_end:
            continue
        if near is not None and found and am.start() > near + 4000:
            break
        lns = _join_names(
            [
                piece
                for ln in lines(t, am.start(), min(len(t), am.start() + 1500))
                for piece in _split_line(ln)
            ]
        )
        block = None
        for i, ln in enumerate(lns[1:], 1):
            if _is_name(ln.text.strip("* ")):
                block = _block_above(lns, i)
                break
            if i > 10:
                break
        if not block:
            continue
        found.append(block)
        seen_end = block.end
        if near is None or block.start > near:
            break
    if not found:
        return None
    if near is None:
        return found[0]
    return min(found, key=lambda b: min(abs(b.start - near), abs(b.end - near)))


def signature_around(t: str, dist: tuple[int, int]) -> SignatureBlock | None:
    """A signature whose marker lines stand just before ``Nơi nhận`` and whose name stands just
    after its list (a two-column page read column by column)."""
    before = [ln for ln in lines(t, max(0, dist[0] - 300), dist[0]) if is_upper(ln.text.strip("* "))][-3:]
    after = lines(t, dist[1], min(len(t), dist[1] + 200))[:1]
    if not before or not after or not _is_name(after[0].text.strip("* ")):
        return None
    return _block_above([*before, after[0]], len(before))


def _block_above(lns: list[Line], i: int) -> SignatureBlock | None:
    """Collect the upper-case lines above name line ``i`` into a signature block."""
    v = _vocab()
    marker_re = v.marker
    ups: list[Line] = []
    signed = False
    j = i - 1
    skipped = 0
    while j >= 0 and len(ups) < 6:
        text = lns[j].text.strip("* ")
        low = text.lower()
        if low in v.captions or (low.startswith("(") and low.endswith(")") and "ký" in low):
            signed = signed or "đã ký" in low
            j -= 1
            continue
        if low.startswith(v.esign):
            j -= 1
            skipped += 1
            if skipped > 6:
                break
            continue
        if is_upper(text) and len(text) <= 120 and not ITEM.match(text):
            ups.append(Line(text, lns[j].start, lns[j].end, lns[j].gap))
            j -= 1
            continue
        break
    if not ups:
        return None
    ups.reverse()
    ups = _join_wrapped(_split_markers(ups))
    marker_idx = [k for k, u in enumerate(ups) if marker_re.match(u.text)]
    if marker_idx:
        ups = ups[marker_idx[0] :]
    else:
        # no marker: the signer's own title line, which must look like a title
        ups = [u for u in ups[-2:] if v.title.match(u.text)][-1:]
        if not ups:
            return None
    markers = [Item(squash(u.text), u.start, u.end) for u in ups if marker_re.match(u.text)]
    head = marker_re.match(markers[0].text) if markers else None
    authority = v.authority[head.group("a")] if head else None
    last = ups[-1]
    if marker_re.match(last.text):
        title = _title_in_marker(last)
        if title:
            markers[-1] = Item(
                squash(t_ := last.text[: title.start - last.start].rstrip(" ,")),
                last.start,
                last.start + len(t_),
            )
    else:
        title = Item(squash(last.text), last.start, last.end)
    name = _name_item(lns, i)
    return SignatureBlock(authority, markers, title, name, ups[0].start, name.end, signed)


def _split_markers(ups: list[Line]) -> list[Line]:
    """ "TL. TỔNG CỤC TRƯỞNG KT. VỤ TRƯỞNG …" on one line: one line per marker."""
    marker_re = _vocab().marker
    out: list[Line] = []
    inner = re.compile(r"\s(?=(?:TM|KT|TL|TUQ|T/M|K/T|T/L|T/UQ)[.\s])")
    for u in ups:
        if not marker_re.match(u.text):
            out.append(u)
            continue
        pos = 0
        cuts = [m.end() for m in inner.finditer(u.text)] + [len(u.text)]
        for c in cuts:
            piece = u.text[pos:c].strip()
            if piece:
                off = u.start + u.text.index(piece, pos)
                out.append(Line(piece, off, off + len(piece), u.gap if pos == 0 else False))
            pos = c
    return out


def _join_wrapped(ups: list[Line]) -> list[Line]:
    """A marker line wrapped in two ("T/M BỘ CHÍNH" / "TRỊ") as one line."""
    v = _vocab()
    out: list[Line] = []
    for u in ups:
        prev = out[-1] if out else None
        if (
            prev
            and not u.gap
            and v.marker.match(prev.text)
            and not v.marker.match(u.text)
            and not v.title.match(u.text)
        ):
            out[-1] = Line(f"{prev.text} {u.text}", prev.start, u.end, prev.gap)
            continue
        out.append(u)
    return out


def _title_in_marker(ln: Line) -> Item | None:
    """The signer's title printed at the end of the last marker line ("KT. BỘ TRƯỞNG THỨ TRƯỞNG")."""
    v = _vocab()
    head = v.marker.match(ln.text)
    body_at = head.start() + len(head.group("a")) if head else 0
    rest = ln.text[body_at:]
    lead = len(rest) - len(rest.lstrip(" ."))
    found = [
        m
        for m in v.title_any.finditer(rest)
        if m.start() > lead and not rest[: m.start()].rstrip().endswith(("BAN", "BỘ", "HỘI ĐỒNG"))
    ]
    if not found:
        return None
    m = found[-1]
    s = ln.start + body_at + m.start()
    return Item(squash(rest[m.start() :]), s, ln.end)


def _name_item(lns: list[Line], i: int) -> Item:
    """The name line, with a wrapped last word ("Lê Tấn" / "Cận") joined."""
    ln = lns[i]
    text = ln.text.strip("* ")
    off = ln.start + ln.text.index(text)
    end = off + len(text)
    if i + 1 < len(lns):
        nxt = lns[i + 1]
        word = nxt.text.strip("* ")
        if not nxt.gap and _NAME_WORD.fullmatch(word or "-") and len(text.split()) < 4:
            text = f"{text} {word}"
            end = nxt.start + nxt.text.index(word) + len(word)
    rank = _vocab().rank.match(text)
    if rank:  # "Thượng tướng Lê Huy Vịnh": the rank is not the name
        off += rank.end()
        text = text[rank.end() :]
    return Item(squash(text), off, end)


def end_mark(t: str, start: int) -> int | None:
    """Where the body's closing words (``./.``, ``Trân trọng``) stand, if any."""
    m = END_MARK.search(t, start)
    return m.start() if m else None
