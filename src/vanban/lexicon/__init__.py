"""The lexicon: the vocabulary of official documents, defined once in data and compiled once.

This layer sits under every step that reads words (read, normalize, parse, cite, tasks, check,
store). It owns the folding every comparison uses (``fold``) and the page landmarks with their
OCR-tolerant spellings (``landmark``), read from ``data/lexicon/*.toml``.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

__all__ = [
    "KnownSigner",
    "Landmark",
    "fold",
    "known_signers",
    "landmark",
    "not_given",
    "not_names",
    "repair_caps",
    "surname_forms",
    "surnames",
    "type_abbreviations",
    "type_names",
]

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(s: str) -> str:
    """Diacritic folding: lower case, no marks, ``đ``→``d``; both tone placements agree."""
    s = unicodedata.normalize("NFD", s.translate(_FOLD_EXTRA).lower())
    return "".join(c for c in s if not unicodedata.combining(c))


@dataclass(frozen=True)
class Landmark:
    """A word or phrase of the page (``Số:``, ``ngày``, ``TM.``…) and the forms OCR gives it."""

    name: str
    forms: frozenset[str]
    distance: int = 0
    min_len: int = 99

    def matches(self, text: str) -> bool:
        """Whether ``text`` (as printed or as OCR read it) is this landmark."""
        f = " ".join(fold(text).split())
        if f in self.forms:
            return True
        if self.distance and len(f) >= self.min_len:
            return any(
                Levenshtein.distance(f, g, score_cutoff=self.distance) <= self.distance for g in self.forms
            )
        return False

    def head(self, word: str) -> int | None:
        """The length of the part of ``word`` that is this landmark: the whole word, or the part
        OCR ran into what follows — up to a colon (``só:5$Ÿ`` → 3), or a one-word form followed
        by what is not a letter (``ngày5|`` → 4); None when it is not."""
        if self.matches(word):
            return len(word)
        head, colon, _ = word.partition(":")
        if colon and head and self.matches(head + colon):
            return len(head) + 1
        folded = fold(word)
        if len(folded) != len(word):  # not NFC: positions would not match
            return None
        for form in self.forms:
            n = len(form)
            if " " not in form and folded.startswith(form) and len(folded) > n and not folded[n].isalpha():
                return n
        return None

    def starts(self, text: str) -> bool:
        """Whether ``text`` begins with this landmark (a whole word or phrase; OCR may have
        run a marker into the next word: ``TM.UY BAN``)."""
        words = _split(text)
        return any(self.matches(" ".join(words[:k])) for k in range(1, min(len(words), 4) + 1))

    def within(self, text: str) -> bool:
        """Whether ``text`` holds this landmark anywhere (one to three words)."""
        words = _split(text)
        return any(
            self.matches(" ".join(words[i : i + k]))
            for i in range(len(words))
            for k in (1, 2, 3)
            if i + k <= len(words)
        )


def _split(text: str) -> list[str]:
    """Folded words, a word broken after an inner full stop (``tm.uy`` → ``tm.``, ``uy``)."""
    out: list[str] = []
    for w in fold(text).split():
        head, dot, tail = w.partition(".")
        out += [head + dot, tail] if dot and tail and head.isalpha() and len(head) <= 3 else [w]
    return out


def _load(name: str) -> dict:
    with resources.files("vanban.data").joinpath("lexicon", f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def _landmarks() -> dict[str, Landmark]:
    return {
        key: Landmark(
            key,
            frozenset(" ".join(fold(f).split()) for f in v["forms"]),
            v.get("distance", 0),
            v.get("min_len", 99),
        )
        for key, v in _load("landmarks").items()
    }


def landmark(name: str) -> Landmark:
    """The landmark called ``name`` in ``data/lexicon/landmarks.toml``."""
    return _landmarks()[name]


@dataclass(frozen=True)
class KnownSigner:
    """A leader who signs for a body the installation hears from (``data/lexicon/signers.toml``)."""

    name: str
    key: str  # folded words, as readings are compared
    bodies: tuple[str, ...]
    titles: tuple[str, ...]


@cache
def known_signers() -> tuple[KnownSigner, ...]:
    """The known signers, whose names complete what a seal left of a printed name."""
    return tuple(
        KnownSigner(
            unicodedata.normalize("NFC", s["name"]),
            " ".join(fold(s["name"]).split()),
            tuple(s.get("bodies", ())),
            tuple(s.get("titles", ())),
        )
        for s in _load("signers")["signer"]
    )


@cache
def surname_forms() -> tuple[str, ...]:
    """Vietnamese family names (họ) as written: a signer's name begins with one."""
    return tuple(_load("names")["surnames"])


@cache
def surnames() -> frozenset[str]:
    """The family names folded (OCR may lose or change a tone mark)."""
    return frozenset(fold(s) for s in surname_forms())


@cache
def not_given() -> frozenset[str]:
    """Capitalised title and body words that are never part of a person's name, in lower case
    with their marks (``Đảng`` is not a name, ``Đăng`` is)."""
    return frozenset(unicodedata.normalize("NFC", s).lower() for s in _load("names")["not_given"])


@cache
def not_names() -> frozenset[str]:
    """Phrases shaped like a name that are not one (places: ``Hà Nội``), folded."""
    return frozenset(" ".join(fold(s).split()) for s in _load("names")["not_names"])


@cache
def _phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for p in _load("bodies")["phrases"]:
        out[tuple(fold(p).split())] = tuple(p.split())
    return out


def repair_caps(text: str) -> str:
    """A capitals line (a body's name, a title) with OCR's wrong tone marks repaired: each run
    of words whose folded form is a phrase of ``data/lexicon/bodies.toml`` takes that phrase's
    spelling (``THÀNH PHÓ HÀ NỌI`` → ``THÀNH PHỐ HÀ NỘI``). Other words are left as read."""
    words = text.split()
    folded = [fold(w) for w in words]
    table = _phrases()
    longest = max((len(k) for k in table), default=0)
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            hit = table.get(tuple(folded[i : i + n]))
            if hit and all(w.isupper() or not w.isalpha() for w in words[i : i + n]):
                out += hit
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


@cache
def type_names() -> dict[str, str]:
    """Document type names by their folded form (``giay moi`` → ``Giấy mời``)."""
    with resources.files("vanban.data").joinpath("doc_types.toml").open("rb") as fh:
        rows = tomllib.load(fh)["type"]
    return {" ".join(fold(r["name"]).split()): r["name"] for r in rows}


@cache
def type_abbreviations() -> dict[str, str]:
    """State type abbreviations of a number's symbol (``QĐ`` → ``Quyết định``)."""
    with resources.files("vanban.data").joinpath("doc_types.toml").open("rb") as fh:
        rows = tomllib.load(fh)["type"]
    return {a: r["name"] for r in rows for a in r.get("abbr", [])}
