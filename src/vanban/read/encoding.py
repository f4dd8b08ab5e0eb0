"""Legacy Vietnamese encodings (TCVN3/ABC, VNI, Windows-1258) to Unicode NFC.

The tables are data files under ``vanban/data/encodings/``; this module only applies them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from ..lexicon.marks import known_share
from ..rules import table

__all__ = ["candidates", "convert", "font_encoding", "nfc", "odd_count", "syllable_share", "to_unicode"]

_LATIN1_VIET = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# Latin-1 symbols and letters (U+00A1–U+00FF) that Unicode Vietnamese does not use, and junk
_ODD = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0xA1, 0x100) if chr(c) not in _LATIN1_VIET)
    + "\u0080-\u009f\ufffd\ue000-\uf8ff]"
)
_WORD = re.compile(r"[^\W\d_]+")
_LETTERS = re.compile(r"[^\W\d_\u00b2\u00b3\u00b9\u00bc-\u00be]+")  # str.isalpha runs on Latin-1 text
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_VOWELS = "aăâeêioôơuưy"


def nfc(text: str) -> str:
    """Unicode NFC (Windows-1258 and some PDFs give decomposed tone marks)."""
    return unicodedata.normalize("NFC", text)


def _lines(name: str) -> list[tuple[str, str]]:
    src = resources.files("vanban.data").joinpath(f"encodings/{name}.tsv").read_text("utf-8")
    return [
        tuple(line.split("\t", 1))  # type: ignore[misc]
        for line in src.splitlines()
        if line and not line.startswith("#")
    ]


@cache
def _tcvn3() -> dict[int, str]:
    return {int(code, 16): char for code, char in _lines("tcvn3")}


@cache
def _vni() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {bytes.fromhex(seq).decode("cp1252"): char for seq, char in _lines("vni")}
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys))), table


def convert(text: str, encoding: str, upper: bool = False) -> str:
    """Text whose characters are legacy-font codes (read as Latin-1/cp1252) to Unicode.

    ``encoding`` is ``tcvn3`` or ``vni``; ``upper`` for the capital-only TCVN3 fonts (.VnTimeH).
    """
    if encoding == "tcvn3":
        out = text.translate(_tcvn3())
        return out.upper() if upper else out
    if encoding == "vni":
        pat, table = _vni()
        return pat.sub(lambda m: table[m.group(0)], text)
    raise ValueError(encoding)


def font_encoding(font: str | None) -> tuple[str | None, bool]:
    """The legacy encoding a font name implies (``.VnTime`` → tcvn3, ``VNI-Times`` → vni) and
    whether it is a capitals-only font (``.VnTimeH``)."""
    if not font:
        return None, False
    f = font.strip().lower()
    if f.startswith(".vn"):
        return "tcvn3", f.endswith("h")
    if f.startswith("vni"):
        return "vni", False
    return None, False


def odd_count(text: str) -> int:
    """Latin-1 symbols Unicode Vietnamese does not use, plus junk (one character-class scan)."""
    return len(_ODD.findall(text))


@cache
def _syllable() -> tuple[re.Pattern[str], frozenset[str]]:
    t = table("read")["syllable"]
    onset = "|".join(sorted(t["onsets"], key=len, reverse=True))
    coda = "|".join(sorted((c for c in t["codas"] if c), key=len, reverse=True))
    pat = re.compile(rf"(?:{onset})?([{_VOWELS}]+)(?:{coda})?")
    return pat, frozenset(t["nuclei"])


def is_syllable(word: str) -> bool:
    """Whether ``word`` (one word, with or without diacritics) is a well-formed Vietnamese syllable."""
    pat, nuclei = _syllable()
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONES))
    m = pat.fullmatch(bare)
    return bool(m and m.group(1) in nuclei)


def syllable_share(text: str) -> tuple[float, int]:
    """Share of the words with a non-ASCII letter that are well-formed Vietnamese syllables,
    and how many such words there are (legacy text read in the wrong encoding is not)."""
    valid = total = 0
    for w in _WORD.findall(text[:20000]):
        if w.isascii():
            continue
        total += 1
        valid += is_syllable(w)
    return (valid / total if total else 1.0), total


def score(text: str) -> float:
    """How much ``text`` looks like Unicode Vietnamese (higher is better)."""
    odd = odd_count(text)
    share, n = syllable_share(text)
    return share * n - 3 * odd


def to_unicode(text: str) -> tuple[str, str | None]:
    """Convert ``text`` if it is legacy-encoded Vietnamese read as Latin-1/cp1252 (a .VnTime
    document copied as text, a PDF font without Unicode map); return it and the encoding found,
    None when it already was Unicode."""
    odd = odd_count(text)
    if odd < 3 or odd < sum(map(len, _LETTERS.findall(text))) // 200:  # letters // 200
        return text, None
    best, best_enc, best_score = text, None, score(text)
    for enc in ("tcvn3", "vni"):
        cand = convert(text, enc)
        # and more real words: OCR's junk in a Unicode text (``WÊ”``) is no legacy font
        better = odd_count(cand) <= odd * 0.3 and (s := score(cand)) > best_score
        if better and known_share(cand) >= known_share(text):
            best, best_enc, best_score = cand, enc, s
    return nfc(best), best_enc


def candidates(data: bytes) -> list[tuple[str, str]]:
    """``(encoding, text)`` for bytes that are not valid UTF-8: UTF-8 with the bad bytes replaced
    (a UTF-8 file with a few damaged bytes), Windows-1258, TCVN3 and VNI."""
    return [
        ("utf-8", nfc(data.decode("utf-8", errors="replace"))),
        ("windows-1258", nfc(data.decode("cp1258", errors="replace"))),
        ("tcvn3", convert(data.decode("latin-1"), "tcvn3")),
        ("vni", nfc(convert(data.decode("cp1252", errors="replace"), "vni"))),
    ]
