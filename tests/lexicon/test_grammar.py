"""The grammar of ``data/lexicon/grammar.toml``: landmarks in their styles, on lines of the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vanban.lexicon import grammar, landmark, pattern, source
from vanban.normalize import normalize

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


@pytest.mark.parametrize(
    ("name", "style", "text", "hit"),
    [
        # the motto as the corpus prints it: 956 times with hyphens, 30 with en dashes (tvpl)
        ("motto", "strict", "Độc lập - Tự do - Hạnh phúc", True),
        ("motto", "strict", "Độc lập – Tự do – Hạnh phúc", True),
        ("motto", "strict", "Độc lập -Tự do - Hạnh phúc", True),  # tvpl: a space lost
        ("motto", "strict", "Độc lập — Tự do — Hạnh phúc", False),  # an em dash: not the parser's
        ("motto", "lenient", "Độc lập — Tự do — Hạnh phúc", True),  # … but the checker finds it to judge it
        ("motto", "lenient", "Độc lập-Tự do-Hạnh phúc", True),
        ("motto", "strict", "Độclập - Tự do - Hạnh phúc", False),
        ("motto", "lenient", "Độclập - Tự do - Hạnh phúc", True),
        ("noi_nhan", "strict", "Nơi nhận:", True),
        ("noi_nhan", "strict", "Noi nhan:", False),
        ("noi_nhan", "ocr", "Noi nhan:", True),  # marks lost
        ("noi_nhan", "ocr", "Nơi nhận:", True),
        ("kinh_gui", "ocr_inline", "Kính\ngửi:", True),
        ("kinh_gui", "ocr_inline", "Kính\u00a0gửi:", False),  # blanks and line breaks only
        ("kinh_gui", "line", "Kính gửi:", True),
        ("kinh_gui", "line", "Kính  gửi:", False),
        ("vv", "line", "V/v thí điểm thực hiện chi trả", True),
        ("vv", "line", "v/v thí điểm thực hiện chi trả", True),  # gold/053 cites it so
        ("vv", "line", "V/V HỖ TRỢ NHU YẾU PHẨM", True),
        ("vv", "line", "v/V", False),
    ],
)
def test_a_landmark_in_a_style(name: str, style: str, text: str, hit: bool) -> None:
    assert bool(re.match(landmark(name).regex(style), text)) is hit


def test_a_landmark_of_the_scan_only_has_no_text_pattern() -> None:
    with pytest.raises(ValueError, match="ngay"):
        landmark("ngay").regex()


def test_strict_and_lenient_are_options_of_one_definition() -> None:
    motto = landmark("motto")
    assert motto.strict == motto.regex("strict") and motto.lenient == motto.regex("lenient")
    assert motto.regex("strict", words=5) == r"Độc\s+lập\s*[-–]\s*Tự\s+do"  # its first words


@pytest.mark.parametrize(
    ("name", "path", "found"),
    [
        ("header.vv", "gold/053.txt", "V/v"),
        ("header.motto", "gold/053.txt", "Độc lập - Tự do - Hạnh phúc"),
        ("tail.noi_nhan", "gold/053.txt", "Nơi nhận:"),
        ("check.motto", "gold/053.txt", "Độc lập - Tự do - Hạnh phúc"),
        ("numbers.number", "gold/053.txt", "5115/LĐTBXH-KHTC"),
    ],
)
def test_a_named_pattern_on_a_document(name: str, path: str, found: str) -> None:
    t = normalize((CORPUS / path).read_text(encoding="utf-8")).text
    assert found.strip(" :") in {m.group().strip(" :\n") for m in pattern(name).finditer(t)}


def test_every_pattern_compiles_and_its_references_resolve() -> None:
    filled = 0
    for name, entry in grammar().items():
        try:
            src = source(name)
        except KeyError as e:  # a word list the caller fills in (${=words}), and only that
            assert "${=" + e.args[0] + "}" in _expanded_raw(name), name
            filled += 1
            continue
        assert "${" not in src, name
        re.compile(src, entry.flags)
    assert filled > 3


def _expanded_raw(name: str) -> str:
    """The raw sources of ``name`` and every pattern it refers to."""
    raw = grammar()[name].source
    for ref in re.findall(r"\$\{([\w.]+)\}", raw):
        if ref in grammar():
            raw += _expanded_raw(ref)
    return raw
