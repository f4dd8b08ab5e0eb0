"""Tone marks OCR got wrong (dấu thanh), restored from the words around them.

Tesseract reads ``chi phí`` as ``chỉ phí``, ``tổ chức`` as ``tô chức``, ``cuối năm`` as
``cuỏi năm``: the letters are right, a mark is not. A word is replaced by another spelling of
the same letters (same length, so every span stays valid) when the words beside it say so: the
pair counts of ``data/lexicon/bigrams.tsv.gz`` (``scripts/build_bigrams.py``, from public legal
and administrative text) must support the other spelling ``ratio`` times more than the word as
read, and at least ``min_support`` times. Words the counts do not know stay as read. For OCR
output only: a clean text is never touched.

A text that lost all or most of its marks (văn bản không dấu: an old OCR layer, a message typed
without them) gets them back phrase by phrase: of all spellings of each word's letters, the sequence
the same pair counts find likeliest (a bigram model, Viterbi). Also same length, so spans hold.
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources

from ..rules import table
from . import fold, known_signers, not_given, not_names, surnames

__all__ = [
    "known_share",
    "respell",
    "restore_marks",
    "restore_read_marks",
    "restore_unmarked",
    "unmarked",
    "vocabulary",
]

_WORD = re.compile(r"[^\W\d_]+")
# the words of one phrase (a line that wraps does not end it): no pair across punctuation
_PHRASE = re.compile(r"[^,.;:!?()\[\]\"“”|*…/\\-]+")


@cache
def _model() -> tuple[Counter[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """The pair counts, and the spellings of each word's folded letters (``chi`` → chi, chỉ, chí…)."""
    pairs: Counter[tuple[str, str]] = Counter()
    source = resources.files("vanban.data").joinpath("lexicon", "bigrams.tsv.gz")
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            a, b, n = line.rstrip("\n").split("\t")
            pairs[(a, b)] = int(n)
    spellings: defaultdict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        spellings[fold(a)].add(a)
        spellings[fold(b)].add(b)
    return pairs, {k: tuple(sorted(v)) for k, v in spellings.items() if len(v) > 1}


@cache
def vocabulary() -> frozenset[str]:
    """Every word the pair counts know, in lower case."""
    pairs, _ = _model()
    return frozenset(w for pair in pairs for w in pair)


def known_share(text: str) -> float:
    """Share of the marked words of ``text`` (its first 20,000 characters) that public
    administrative text uses: a Unicode text decoded as if it were TCVN3 (``thỏng``, ``Kớnh``)
    has well-formed syllables, but few real words."""
    known = vocabulary()
    words = [w.lower() for w in _WORD.findall(text[:20000]) if not w.isascii()]
    return sum(w in known for w in words) / len(words) if words else 1.0


def _support(
    pairs: Counter[tuple[str, str]], before: str | None, word: str, after: str | None
) -> tuple[int, int]:
    """How many of its neighbours a spelling is seen beside, and how often in all: a spelling
    both neighbours know (``khảo cổ học``) beats one only a single neighbour knows (``cơ học``)."""
    left = pairs[(before, word)] if before else 0
    right = pairs[(word, after)] if after else 0
    return (left > 0) + (right > 0), left + right


def _outweighs(
    pairs: Counter[tuple[str, str]], before: str | None, best: str, word: str, after: str | None, cfg: dict
) -> bool:
    """Whether a spelling beats a word seen beside its neighbours as read (``thuộc chỉ cục``:
    ``thuộc chỉ`` 5 times, ``chỉ cục`` never): it is seen more often beside each neighbour, the
    word as read barely beside one, and ``strong`` times more in all."""
    sides = [(pairs[(before, best)], pairs[(before, word)])] if before else []
    sides += [(pairs[(best, after)], pairs[(word, after)])] if after else []
    return (
        len(sides) == 2
        and all(b > w for b, w in sides)
        and min(w for _, w in sides) < cfg["plausible"]
        and sum(b for b, _ in sides) >= cfg["strong"] * (sum(w for _, w in sides) + 1)
    )


def _placed(a: str, b: str) -> bool:
    """Whether two spellings differ only in where the tone mark sits (``hoá``/``hóa``): both
    are right."""
    return sorted(unicodedata.normalize("NFD", a)) == sorted(unicodedata.normalize("NFD", b))


def _title(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _in_name(found: list[re.Match[str]], i: int) -> bool:
    """Whether the word is one of a run of capitalised words (a person's or a place's name:
    ``Nguyễn Văn Sửu``, ``Hà Tĩnh``), which the counts cannot judge."""
    return _title(found[i].group()) and any(
        0 <= k < len(found) and _title(found[k].group()) for k in (i - 1, i + 1)
    )


def _in_symbol(text: str, offset: int, m: re.Match[str]) -> bool:
    """Whether the word is part of a number's symbol or an abbreviation (``1179-KL/TU``,
    ``VT``): letters run into digits, slashes or hyphens, or two or three capitals without
    marks."""
    word = m.group()
    return _joined(text, offset, m) or (word.isupper() and word.isascii() and len(word) <= 3)


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def restore_marks(text: str) -> tuple[str, int]:
    """``text`` with the tone marks of its words restored where the words beside them say so,
    and how many words changed. Same length as ``text``."""
    keep = frozenset(table("read")["marks"]["keep"])
    out = list(text)
    changed = 0
    for line in _PHRASE.finditer(text):
        found = list(_WORD.finditer(line.group()))
        words = [m.group().lower() for m in found]
        for i, m in enumerate(found):
            word = words[i]
            if word in keep or not _has_others(word):
                continue
            before = words[i - 1] if i else None
            after = words[i + 1] if i + 1 < len(words) else None
            best = _restored(before, word, after)
            if best is None or _in_name(found, i) or _in_symbol(text, line.start(), m):
                continue
            start = line.start() + m.start()
            out[start : start + len(word)] = _cased(best, m.group())
            words[i] = best
            changed += 1
    return "".join(out), changed


@lru_cache(maxsize=1 << 16)
def _has_others(word: str) -> bool:
    """Whether the counts know other spellings of the word's letters."""
    return fold(word) in _model()[1]


@lru_cache(maxsize=1 << 18)
def _restored(before: str | None, word: str, after: str | None) -> str | None:
    """The spelling the neighbours say the word should have, or None where it stays."""
    cfg = table("read")["marks"]
    pairs, spellings = _model()
    own = _support(pairs, before, word, after)
    best = max(spellings[fold(word)], key=lambda w: _support(pairs, before, w, after))
    sides, score = _support(pairs, before, best, after)
    if best == word or len(best) != len(word) or score < cfg["min_support"] or _placed(best, word):
        return None
    plausible = own[1] >= cfg["plausible"] and not _outweighs(pairs, before, best, word, after, cfg)
    if plausible or sides < own[0] or score < cfg["ratio"] * (own[1] + 1):
        return None  # the word as read is seen beside these neighbours: it stays
    # both neighbours must know it; or one, often, where neither knows the word as read
    both = sides >= cfg["sides"] and bool(before and after)
    if not both and (own[1] or score < cfg["one_side"]):
        return None
    return best


@cache
def _unigrams() -> tuple[Counter[str], int, dict[str, tuple[str, ...]]]:
    """How often each word is seen in a pair, the total, and every spelling of each word's
    letters (``duoc`` → được; ``ban`` → ban, bán, bạn, bản…)."""
    pairs, _ = _model()
    seen: Counter[str] = Counter()
    for (a, b), n in pairs.items():
        seen[a] += n
        seen[b] += n
    spellings: defaultdict[str, list[str]] = defaultdict(list)
    for w in seen:
        spellings[fold(w)].append(w)
    return seen, sum(seen.values()), {k: tuple(sorted(v)) for k, v in spellings.items()}


def unmarked(text: str) -> bool:
    """Whether ``text`` is Vietnamese that lost its marks, all or most: enough words in its
    head, few of them marked (typed text has two in three marked), and most of them the bare
    letters of words the counts know."""
    cfg = table("read")["marks"]["unmarked"]
    words = _WORD.findall(text[: cfg["head"]])
    if len(words) < cfg["min_words"]:
        return False
    marked = sum(not w.isascii() for w in words)
    if marked > cfg["max_marked"] * len(words):
        return False
    spellings = _unigrams()[2]
    return sum(w.lower() in spellings for w in words) >= cfg["min_known"] * len(words)


def restore_unmarked(text: str) -> tuple[str, int]:
    """``text`` with its words' marks restored from the pair counts, and how many words changed.
    Words joined to digits or slashes (a number's symbol), people's names (the counts know no
    names: ``Vu Dang Dinh`` would come back as ``Vụ Đảng Định``), words already marked and words
    the counts do not know stay as printed. Same length as ``text``."""
    spellings = _unigrams()[2]

    def options(phrase: str, offset: int, found: list[re.Match[str]]) -> list[tuple[str, ...]]:
        named = _names(phrase, found)
        return [
            (named[i],)
            if i in named
            else spellings.get(m.group().lower(), (m.group().lower(),))
            if m.group().isascii() and not _joined(text, offset, m)
            else (m.group().lower(),)
            for i, m in enumerate(found)
        ]

    return respell(text, options)


def restore_read_marks(text: str, bare: bool = True) -> tuple[str, int]:
    """An OCR'd text's tone marks, each word respelled where the pair counts find another
    spelling of its letters likelier by more than the odds that OCR read it right
    (``channel_bonus``): ``đầu tranh phòng, chống`` → ``đấu tranh``. Names, symbols and the
    Party's word stay; with ``bare`` false, so do words read without a mark (vanban's own OCR
    reads the marks printed: a page printed without any is restored as a whole, with its
    warning, by ``restore_unmarked``). Same length as ``text``."""
    cfg = table("read")["marks"]
    keep = frozenset(cfg["keep"])
    spellings = _unigrams()[2]

    def options(phrase: str, offset: int, found: list[re.Match[str]]) -> list[tuple[str, ...]]:
        named = _names(phrase, found)
        out = []
        for i, m in enumerate(found):
            word = m.group().lower()
            if (
                word in keep
                or (not bare and word.isascii())
                or i in named
                or _in_name(found, i)
                or _in_symbol(text, offset, m)
            ):
                out.append((word,))
                continue
            same = {w for w in spellings.get(fold(word), ()) if len(w) == len(word)}
            out.append(tuple(same | {word}))
        return out

    return respell(text, options, cfg["channel_bonus"])


def respell(
    text: str,
    options: Callable[[str, int, list[re.Match[str]]], list[tuple[str, ...]]],
    bonus: float | None = None,
) -> tuple[str, int]:
    """``text`` with each phrase's words respelled as the likeliest sequence the pair counts
    allow (Viterbi): ``options(phrase, offset, words)`` gives each word's spellings in lower
    case; with ``bonus``, the spelling as read weighs that much more (a noisy channel: the reader
    is mostly right). A spelling of another length is not taken, so every span holds, nor one
    that only places the tone mark elsewhere. Returns the text and how many words changed."""
    out = list(text)
    changed = 0
    for line in _PHRASE.finditer(text):
        found = list(_WORD.finditer(line.group()))
        if not found:
            continue
        read = [m.group().lower() for m in found] if bonus is not None else None
        path = _likeliest(options(line.group(), line.start(), found), read, bonus or 0.0)
        for m, word in zip(found, path, strict=True):
            if (
                word != m.group().lower()
                and len(word) == len(m.group())
                and not _placed(word, m.group().lower())
            ):
                at = line.start() + m.start()
                out[at : at + len(word)] = _cased(word, m.group())
                changed += 1
    return "".join(out), changed


def _likeliest(
    options: list[tuple[str, ...]], read: list[str] | None = None, bonus: float = 0.0
) -> list[str]:
    """Of one spelling per word, the sequence the pair counts find likeliest: each pair's count
    smoothed by the second word's own frequency (``smoothing``); a spelling as ``read`` weighs
    ``bonus`` more (log odds that the reader got the word right)."""
    pairs, _ = _model()
    alpha, prior, leave = _smoothing()

    def kept(k: int, w: str) -> float:
        return bonus if read is not None and read[k] == w else 0.0

    best = {w: prior(w) + kept(0, w) for w in options[0]}
    back: list[dict[str, str]] = []  # each word's best predecessor, per spelling
    for k, choices in enumerate(options[1:], 1):
        after = {a: score - leave(a) for a, score in best.items()}
        top = max(after, key=after.__getitem__)
        came: dict[str, str] = {}
        scores: dict[str, float] = {}
        for w in choices:
            smooth = alpha * math.exp(prior(w))
            prev, score = top, after[top] + math.log(smooth)  # a pair never seen: the word's frequency
            for a, base in after.items():
                n = pairs.get((a, w))
                if n and base + math.log(n + smooth) > score:
                    prev, score = a, base + math.log(n + smooth)
            came[w], scores[w] = prev, score + kept(k, w)
        best = scores
        back.append(came)
    path = [max(best, key=best.__getitem__)]
    for came in reversed(back):
        path.append(came[path[-1]])
    return path[::-1]


@cache
def _smoothing() -> tuple[float, Callable[[str], float], Callable[[str], float]]:
    """The smoothing weight, a word's log frequency, and the log of what leaving a word is
    divided by (its count, halved as it is counted on both sides of its pairs, plus the weight)."""
    alpha = table("read")["marks"]["unmarked"]["smoothing"]
    seen, total, _ = _unigrams()

    @lru_cache(maxsize=1 << 16)
    def prior(w: str) -> float:
        return math.log((seen[w] + 0.5) / total)

    @lru_cache(maxsize=1 << 16)
    def leave(a: str) -> float:
        return math.log(seen[a] / 2 + alpha)

    return alpha, prior, leave


def _names(phrase: str, found: list[re.Match[str]]) -> dict[int, str]:
    """The words of people's names by position, each as it stays: a family name, then one to
    three more capitalised words, not a place (``Ha Noi``); of two words, the first not a title's
    word (``Pho Giam doc`` is ``Phó Giám đốc``); on one line. A name a known signer's is spelt
    as the signer's (``Vu Dang Dinh`` → Vũ Đăng Định); any other as printed."""
    titles = {fold(w) for w in not_given()}
    known = {s.key: s.name.lower().split() for s in known_signers()}
    out: dict[int, str] = {}
    i = 0
    while i < len(found):
        j = i
        while j < len(found) and _title(found[j].group()):
            j += 1
            if j < len(found) and "\n" in phrase[found[j - 1].end() : found[j].start()]:
                break  # a name is on one line
        first = found[i].group()
        key = " ".join(fold(m.group()) for m in found[i:j])
        # two words: not a title's (``Pho Giam`` doc); three or four: a name (``Vu Dang Dinh``)
        size = j - i
        if (
            ((size == 2 and fold(first) not in titles) or 3 <= size <= 4)
            and fold(first) in surnames()
            and key not in not_names()
        ):
            spelt = known.get(key) or [m.group().lower() for m in found[i:j]]
            out.update(zip(range(i, j), spelt, strict=True))
        i = max(j, i + 1)
    return out


def _joined(text: str, offset: int, m: re.Match[str]) -> bool:
    """Whether a word runs into digits, slashes or hyphens (a number's symbol: ``QD-UBND``)."""
    a, b = offset + m.start(), offset + m.end()
    return bool((a and text[a - 1] in "/-_&") or text[a - 1 : a].isdigit()) or (
        b < len(text) and (text[b] in "/-_&" or text[b].isdigit())
    )
