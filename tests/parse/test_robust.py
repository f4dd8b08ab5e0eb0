"""The parser never raises and never invents: every corpus text, arbitrary text (hypothesis),
adversarial inputs in linear time, bad input with a clear result."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vanban
from vanban.normalize import fold, normalize

from .conftest import CORPUS

ALL_TEXTS = sorted(p for s in ("seeds", "gold", "tvpl", "wild", "vbpl") for p in (CORPUS / s).glob("*.txt"))


@pytest.mark.parametrize("path", ALL_TEXTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_text_parses(path):
    text = path.read_text(encoding="utf-8")
    doc = vanban.parse(text, str(path))
    rec = doc.to_dict()
    for key, span in rec["spans"].items():
        spans = span if span and isinstance(span[0], list) else [span]
        for a, b in spans:
            assert 0 <= a <= b <= len(text), key
    if doc.number:  # the number's span shows the number (OCR damage and markup aside)
        shown = normalize(text[doc.number.span[0] : doc.number.span[1]]).text
        assert doc.number.seq in shown


def _letters(s: str) -> str:
    """The letters and digits of ``s`` once normalized (markup off), folded."""
    return "".join(c for c in fold(normalize(s).text) if c.isalnum())


@pytest.mark.parametrize("path", ALL_TEXTS[::7], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_spans_point_at_their_values(path):
    text = path.read_text(encoding="utf-8")
    doc = vanban.parse(text)
    for field in ("issuer", "issuer_parent", "place", "subject"):
        v = getattr(doc, field)
        if v is not None:
            assert _letters(text[v.span[0] : v.span[1]]) == _letters(v.value), field
    if doc.signer and doc.signer.name:
        n = doc.signer.name
        assert _letters(text[n.span[0] : n.span[1]]) == _letters(n.value)
    for r in (*doc.recipients, *doc.distribution):
        assert _letters(r.value) in _letters(text[r.span[0] : r.span[1]])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_normalize_maps_spans_into_the_original(s):
    n = normalize(s)
    for i in range(0, len(n.text) + 1, 7):
        a = n.to_original(i)
        assert 0 <= a <= len(s)
    a, b = n.span(0, len(n.text))
    assert 0 <= a <= b <= len(s)


PIECES = [
    "Số: ",
    "Số ",
    "ngày ",
    "tháng ",
    "năm 2024",
    "12/UBND-VP",
    "1138-CV/ĐU",
    "\n",
    "\n\n",
    "|",
    "**",
    "*",
    "Kính gửi:",
    "Nơi nhận:",
    "- ",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "Nguyễn Văn A",
    "Căn cứ ",
    "Nghị định số 09/2017/NĐ-CP",
    "Điều 1. ",
    "1. Sở Nội vụ",
    "Giao ",
    "chủ trì",
    "trước ngày 15/12",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "V/v ",
    "~~",
    "QUYẾT ĐỊNH",
    "hoà",
    "uỷ",
    "đ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=60))
def test_parser_never_raises_on_document_like_text(parts):
    text = "".join(parts)
    doc = vanban.parse(text)
    rec = doc.to_dict()
    for span in rec["spans"].values():
        spans = span if span and isinstance(span[0], list) else [span]
        for a, b in spans:
            assert 0 <= a <= b <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "Số: " * 200_000,
        "ngày " * 200_000,
        "ngày 12 tháng " * 100_000,
        "- " * 300_000,
        "1. Sở " * 100_000,
        "Nghị định số 1/" * 100_000,
        "a" * 2_000_000,
        "\n" * 1_000_000,
    ],
    ids=["so", "ngay", "ngay-thang", "dashes", "sections", "citations", "one-word", "newlines"],
)
def test_adversarial_input_finishes_in_linear_time(text):
    start = time.process_time()
    vanban.parse(text)
    assert time.process_time() - start < 20  # ~1 MB: well under a second per MB when linear


def test_large_text_scales_linearly():
    base = (CORPUS / "seeds" / "002_852c67c28b4a1981.txt").read_text(encoding="utf-8")
    small, big = base * 50, base * 400
    t0 = time.process_time()
    vanban.parse(small)
    t1 = time.process_time()
    vanban.parse(big)
    t2 = time.process_time()
    assert (t2 - t1) < 20 * max(t1 - t0, 0.01)  # 8x the text, far less than quadratic


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "input.empty"),
        ("   \n\t  ", "input.empty"),
        ("Hà Nội là thủ đô của Việt Nam. Thành phố có nhiều hồ và cây xanh.", "input.not_official"),
        ("\x00\x01\x02 ��� \x7f", "input.empty"),
    ],
)
def test_bad_input_gives_a_clear_result(text, rule):
    doc = vanban.parse(text)
    assert rule in [p.rule for p in doc.problems]
    assert doc.number is None and doc.date is None and doc.issuer is None
