"""The lexicon: the vocabulary of official documents, defined once in data and compiled once.

This layer sits under every step that reads words (read, normalize, parse, cite, tasks, check,
store). It owns the folding every comparison uses (``fold``), the page landmarks with their
OCR-tolerant spellings (``landmark``, ``data/lexicon/landmarks.toml``) and the grammar: every
pattern over a document's words, named and compiled once (``pattern``, ``source``,
``data/lexicon/grammar.toml``). The grammars every step shares are built on it: dates
(``lexicon.dates``), numbers (``lexicon.numbers``) and numbered sections (``lexicon.sections``).

A landmark printed in running text (``Nơi nhận``, the motto) has its spellings in the landmark's
entry; a pattern embeds it as ``${name:style}``, the style being one of the documented options of
``[style]`` in ``grammar.toml`` (``strict`` as printed, ``lenient`` any spacing and dash, ``ocr``
a letter may have lost its marks…), so that the parser, the checker and normalize share one
definition with the tolerance each needs.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

__all__ = [
    "Entry",
    "KnownSigner",
    "Landmark",
    "Style",
    "complete_syllables",
    "fold",
    "grammar",
    "known_signers",
    "landmark",
    "not_given",
    "not_names",
    "pattern",
    "repair_caps",
    "source",
    "surname_forms",
    "surnames",
    "type_abbreviations",
    "type_names",
]

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def _fold_slow(s: str) -> str:
    s = unicodedata.normalize("NFD", s.translate(_FOLD_EXTRA).lower())
    return "".join(c for c in s if not unicodedata.combining(c))


_FOLD_END = "\u2070"  # Latin, its marks, Vietnamese (U+1E00–1EFF) and general punctuation


@cache
def _fold_table() -> dict[int, str]:
    """The folding of every character below ``_FOLD_END``, as one table: a string is folded in
    one C-level pass (the parser folds hundreds of thousands of words a second)."""
    return {c: f for c in range(ord(_FOLD_END)) if (f := _fold_slow(chr(c))) != chr(c)}


def fold(s: str) -> str:
    """Diacritic folding: lower case, no marks, ``đ``→``d``; both tone placements agree."""
    if s.isascii():
        return s.lower()
    out = s.translate(_fold_table())
    return out if out.isascii() or max(out) < _FOLD_END else _fold_slow(s)


@dataclass(frozen=True)
class Landmark:
    """A word or phrase of the page (``Số:``, ``ngày``, ``TM.``…) and the forms OCR gives it."""

    name: str
    forms: frozenset[str]
    distance: int = 0
    min_len: int = 99
    spellings: tuple[str, ...] = ()  # as printed in running text (``Nơi nhận``): see ``regex``

    def regex(self, style: str = "strict", words: int | None = None) -> str:
        """The landmark's spellings as a regex source in ``style`` (``grammar.toml [style]``);
        with ``words``, only their first ``words`` words (a prefix that survives a broken line)."""
        if not self.spellings:
            raise ValueError(f"the landmark {self.name!r} has no spellings in running text")
        st = _styles()[style]
        alts = [_phrase_regex(s, st, words) for s in self.spellings]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    @property
    def strict(self) -> str:
        """As printed: words apart by white space, the dashes ``-`` and ``–`` (the parser)."""
        return self.regex("strict")

    @property
    def lenient(self) -> str:
        """Any spacing (none included) and any dash (the checker, which then judges the form)."""
        return self.regex("lenient")

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
        by what is not a letter (``ngày5|`` → 4) or by one stray letter and a digit (``ngàyä4|``
        → 4); None when it is not."""
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
            if " " not in form and folded.startswith(form) and len(folded) > n:
                rest = folded[n:]
                if not rest[0].isalpha() or (len(rest) > 1 and rest[0].isalpha() and rest[1].isdigit()):
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


@cache
def _load(name: str) -> dict:
    """``data/lexicon/<name>.toml``, read once."""
    with resources.files("vanban.data").joinpath("lexicon", f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def complete_syllables() -> frozenset[str]:
    """Folded syllables that are whole words (``so``, ``bo``, ``huong``), not the start of one
    (``cuo``): ``data/syllables.txt``."""
    src = resources.files("vanban.data").joinpath("syllables.txt").read_text("utf-8")
    return frozenset(line.strip() for line in src.splitlines() if line.strip() and not line.startswith("#"))


@cache
def _landmarks() -> dict[str, Landmark]:
    return {
        key: Landmark(
            key,
            frozenset(" ".join(fold(f).split()) for f in v.get("forms", v.get("spellings", ()))),
            v.get("distance", 0),
            v.get("min_len", 99),
            tuple(v.get("spellings", ())),
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


_JOINED_MIN = 8  # letters of a run-together phrase: shorter ones are too easily a real word


@cache
def _phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for p in _load("bodies")["phrases"]:
        out[tuple(fold(p).split())] = tuple(p.split())
    return out


@cache
def _joined() -> dict[str, tuple[str, ...]]:
    """The phrases of several words as OCR runs them together (``vanphong`` → VĂN PHÒNG)."""
    return {"".join(k): v for k, v in _phrases().items() if len(k) > 1 and len("".join(k)) >= _JOINED_MIN}


def _run_together(word: str) -> tuple[str, ...] | None:
    """The phrase a capitals word is, its words run together and one letter off (``VÁNPHÓONG``)."""
    if len(word) < _JOINED_MIN or not word.isupper():
        return None
    folded = fold(word)
    hit = process.extractOne(folded, list(_joined()), scorer=Levenshtein.distance, score_cutoff=1)
    return _joined()[hit[0]] if hit else None


def repair_caps(text: str) -> str:
    """A capitals line (a body's name, a title) with OCR's wrong tone marks repaired: each run
    of words whose folded form is a phrase of ``data/lexicon/bodies.toml`` takes that phrase's
    spelling (``THÀNH PHÓ HÀ NỌI`` → ``THÀNH PHỐ HÀ NỘI``); a one-word phrase only where a
    body's name starts; a word that is a phrase run together, one letter off (``VÁNPHÓONG``),
    too. Other words are left as read."""
    words = text.split()
    folded = [fold(w) for w in words]
    table = _phrases()
    longest = max((len(k) for k in table), default=0)
    out: list[str] = []
    i, after_phrase = 0, True
    while i < len(words):
        # a one-word phrase (SỞ, QUẬN, TỈNH) only where a body's name starts: at the start of
        # the line or after a phrase; elsewhere it may be a word of a name (HẢI QUAN, HÀ TĨNH)
        least = 1 if after_phrase else 2
        for n in range(min(longest, len(words) - i), least - 1, -1):
            hit = table.get(tuple(folded[i : i + n]))
            if hit and all(w.isupper() or not w.isalpha() for w in words[i : i + n]):
                out += hit
                i += n
                after_phrase = True
                break
        else:
            joined = _run_together(words[i])
            out += joined or (words[i],)
            i += 1
            after_phrase = joined is not None
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


@dataclass(frozen=True)
class Style:
    """How a landmark's spelling becomes a regex: what stands for a space between its words and
    for a dash between its parts, and whether a marked letter may stand without its marks
    (``N[ơo]i``, as OCR and unaccented typing leave it)."""

    space: str
    dash: str
    marks: bool


@cache
def _styles() -> dict[str, Style]:
    return {
        k: Style(v["space"], v.get("dash", v["space"] + "-" + v["space"]), v.get("marks", False))
        for k, v in _load("grammar")["style"].items()
    }


def _phrase_regex(spelling: str, st: Style, words: int | None) -> str:
    if words is not None:  # its first ``words`` tokens (a dash counts as one)
        spelling = " ".join(spelling.split()[:words])
    out: list[str] = []
    for part_no, part in enumerate(spelling.split(" - ")):
        if part_no:
            out.append(st.dash)
        for word_no, word in enumerate(part.split()):
            if word_no:
                out.append(st.space)
            for c in word:
                base = fold(c).upper() if c.isupper() else fold(c)
                out.append(f"[{c}{base}]" if st.marks and base != c else re.escape(c))
    return "".join(out)


_REF = re.compile(r"\$\{(=?)([\w.]+)(?::(\w+))?(?::(\d+))?\}")


@dataclass(frozen=True)
class Entry:
    """A named pattern of ``grammar.toml`` as written: its source (references unexpanded), its
    flags, whether its callers only match it at a position (``anchored``), whether it is only a
    piece of other patterns (``part``), and words one of which stands wherever it matches
    (``triggers``: a prefilter)."""

    source: str
    flags: int = 0
    anchored: bool = False
    part: bool = False
    triggers: tuple[str, ...] = ()


@cache
def grammar() -> dict[str, Entry]:
    """Every named pattern of ``grammar.toml``."""
    out: dict[str, Entry] = {}

    def walk(prefix: str, node: dict) -> None:
        for k, v in node.items():
            name = f"{prefix}{k}"
            if isinstance(v, str):
                out[name] = Entry(v)
            elif "pattern" in v:
                flags = 0
                for f in v.get("flags", ()):
                    flags |= re.RegexFlag[f]
                out[name] = Entry(
                    v["pattern"],
                    flags,
                    v.get("anchored", False),
                    v.get("part", False),
                    tuple(v.get("triggers", ())),
                )
            else:
                walk(name + ".", v)

    walk("", {k: v for k, v in _load("grammar").items() if k != "style"})
    return out


@cache
def source(name: str, **fill: str) -> str:
    """The regex source of the named pattern, its references expanded: ``${other}`` another
    pattern, ``${motto:strict}`` a landmark in a style (``${quoc_hieu:strict:6}`` its first six
    words), ``${=words}`` the source the caller fills in (an alternation built from a rule table)."""

    def ref(m: re.Match[str]) -> str:
        if m.group(1):
            return fill[m.group(2)]
        if m.group(3):
            return landmark(m.group(2)).regex(m.group(3), int(m.group(4)) if m.group(4) else None)
        return source(m.group(2), **fill)

    return _REF.sub(ref, grammar()[name].source)


@cache
def pattern(name: str, **fill: str) -> re.Pattern[str]:
    """The named pattern of ``grammar.toml``, compiled once with its flags (``fill``: see ``source``)."""
    return re.compile(source(name, **fill), grammar()[name].flags)
