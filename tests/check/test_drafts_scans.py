"""Drafts recognised by their blanks, and the whole-text scans (repeated words, capitalisation,
cite.year) checked on real text: what is injected is caught, what is not there is not."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import vanban
from vanban.check import check, check_file, is_draft

CV = "gold/004.txt"  # State công văn 4240/UBND-VX, "Số: 4240/UBND-VX", "ngày 28 tháng 11 năm 2025"
QD = "gold/036.txt"
KL = "gold/001.txt"
DRAFT_PDF = (
    Path(__file__).parents[2] / ".." / "shared" / "corpus" / "pdf" / "party-hd-btctu-hanoi-draft-2025.pdf"
)


def _by_rule(text: str, **kw) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in check(vanban.parse(text), **kw):
        out.setdefault(p.rule, []).append(p)
    return out


# ---------------------------------------------------------------- drafts


@pytest.mark.parametrize(
    ("edits", "rules"),
    [
        ([("Số: 4240/UBND-VX", "Số:      /UBND-VX")], {"number.blank"}),
        ([("ngày 28 tháng 11 năm 2025", "ngày    tháng 11 năm 2025")], {"date.blank"}),
        (
            [
                ("Số: 4240/UBND-VX", "Số:      /UBND-VX"),
                ("ngày 28 tháng 11 năm 2025", "ngày    tháng   năm 2025"),
            ],
            {"number.blank", "date.blank"},
        ),
    ],
    ids=["number", "day", "both"],
)
def test_blanks_make_a_draft(corpus_text, edits, rules):
    text = corpus_text(CV)
    assert not is_draft(vanban.parse(text))
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    assert is_draft(vanban.parse(text))
    found = _by_rule(text)
    assert rules <= found.keys(), found.keys()  # still reported, so the proofreader sees them
    assert {p.severity for r in rules for p in found[r]} == {"info"}
    assert not [p for ps in found.values() for p in ps if p.severity == "error"]
    # judged as the issued document, the blanks are errors again
    final = _by_rule(text, final=True)
    assert {p.severity for r in rules for p in final[r]} == {"error"}


def test_draft_word_still_makes_a_draft(corpus_text):
    text = corpus_text(CV).replace("Số: 4240/UBND-VX", "DỰ THẢO\nSố: 4240/UBND-VX", 1)
    assert is_draft(vanban.parse(text))


@pytest.mark.parametrize(
    "rel", ["vbpl/doc_000030.txt", "vbpl/doc_000460.txt", "gold/054.txt", "tvpl/7f4621fd812c6ff9.txt"]
)
def test_dy_thao_in_running_text_is_no_draft(corpus_text, rel):
    """ "a) Dự thảo hợp đồng", "hoàn chỉnh dự thảo Quyết định": a mention, not the draft mark."""
    assert not is_draft(vanban.parse(corpus_text(rel)))


def test_the_hanoi_draft_pdf_has_no_error():
    if not DRAFT_PDF.is_file():
        pytest.skip("corpus PDF not available")
    checked = check_file(DRAFT_PDF)
    assert is_draft(checked.document)
    assert not [p for p in checked.problems if p.severity == "error"]
    sev = {p.rule: p.severity for p in checked.problems}
    assert sev.get("number.blank") == "info" and sev.get("date.blank") == "info"
    final = check_file(DRAFT_PDF, final=True)
    assert {p.rule for p in final.problems if p.severity == "error"} >= {"number.blank", "date.blank"}


def test_cli_final_gates_the_draft(tmp_path, corpus_text):
    from typer.testing import CliRunner

    from vanban.cli import app

    src = tmp_path / "draft.txt"
    src.write_text(corpus_text(CV).replace("Số: 4240/UBND-VX", "Số:      /UBND-VX", 1), encoding="utf-8")
    r = CliRunner()
    assert r.invoke(app, ["check", str(src), "--json"]).exit_code == 0
    assert r.invoke(app, ["check", str(src), "--json", "--final"]).exit_code == 1


# ---------------------------------------------------------------- cite.year


def test_cite_year_is_a_warning_with_its_span(corpus_text):
    text = corpus_text(CV).replace(
        "đã ban hành Công văn",
        "đã ban hành Nghị định số 105/2006/NĐ-CP ngày 22 tháng 09 năm 2010 và Công văn",
        1,
    )
    (p,) = _by_rule(text)["cite.year"]
    assert p.severity == "warning"
    assert text[p.span[0] : p.span[1]].startswith("105/2006/NĐ-CP ngày 22")
    assert "2010" in text[p.span[0] : p.span[1]]


@pytest.mark.parametrize(
    ("cited", "hit"),
    [
        ("theo số 15/2020/NĐ-CP ngày 03/02/2021", True),  # lower-case "số"
        ("Thông tư số 14/2015/TT-BTC ngày 30/01/2025", True),
        ("Nghị định số 15/2020/NĐ-CP ngày 03 tháng 02 năm 2020", False),
        ("Nghị định số 15/2020/NĐ-CP ngày 03/02/2020", False),
        ("Kết luận số 15/2020/NĐ-CP ngày 03/02/2021", True),
        ("Mẫu ố 15/2020/NĐ-CP ngày 03/02/2021", False),  # "ố" alone is not "số"
        ("Nghị định 15/2020/NĐ-CP ngày 03/02/2021", False),  # only after "số" (the rule's scope)
    ],
)
def test_cite_year_scan(corpus_text, cited, hit):
    text = corpus_text(CV).replace("đã ban hành Công văn", f"đã ban hành {cited} và Công văn", 1)
    assert ("cite.year" in _by_rule(text)) is hit


# ---------------------------------------------------------------- repeated words


@pytest.mark.parametrize(
    ("old", "new", "covers"),
    [
        ("trương triển khai,", "trương triển khai triển khai,", "triển khai triển khai"),
        ("trương triển khai,", "trương triển khai  triển khai,", "triển khai  triển khai"),  # two spaces
        ("trương triển khai,", "trương triển khai\ttriển khai,", "triển khai\ttriển khai"),
        ("trương triển khai,", "trương triển khai triển khai.", "triển khai triển khai"),
        ("trương triển khai,", "trương “triển khai triển khai”,", "triển khai triển khai"),
        ("trương triển khai,", "trương (triển khai triển khai),", "triển khai triển khai"),
        ("trương triển khai,", "trương triển khai Triển khai,", "triển khai Triển khai"),  # case folded
    ],
)
def test_repeated_pair_forms(corpus_text, old, new, covers):
    text = corpus_text(CV)
    assert old in text
    text = text.replace(old, new, 1)
    spans = [text[p.span[0] : p.span[1]] for p in _by_rule(text).get("words.repeated", [])]
    assert covers in spans, spans


@pytest.mark.parametrize(
    ("new", "hit"),
    [
        ("của của", True),
        ("của của,", True),
        ("của\u00a0của", False),  # only spaces and tabs between, as the report shows
        ("của\ncủa", False),  # a line break: a table cell or a wrapped heading, not a slip
        ("của, của", False),
        ("của-của", False),
        ("những những", True),
        ("người người", False),  # a reduplication (repeat_allowed)
        ("ngày ngày", False),
    ],
)
def test_repeated_single(corpus_text, new, hit):
    text = corpus_text(CV).replace(LATER, f"Ý kiến {new} đơn vị. " + LATER, 1)
    assert ("words.repeated" in _by_rule(text)) is hit


LATER = "Đề nghị các cơ quan, đơn vị khẩn"


@pytest.mark.parametrize("rel", [CV, QD, KL])
def test_repeated_injected_anywhere(corpus_text, rel):
    """Double a random function word or two-word phrase of the text: each one is caught."""
    clean = corpus_text(rel)
    base = {p.span for p in check(vanban.parse(clean)) if p.rule == "words.repeated"}
    words = set(vanban.check.load("state").params["repeat_words"])
    rng = random.Random(7)
    spots = [m for m in re.finditer(r"(?<!\S)([^\W\d_]+)( [^\W\d_]+)?(?= )", clean)]
    for m in rng.sample(spots, 40):
        one, two = m.group(1), m.group(2)
        if two and rng.random() < 0.5:
            phrase = one + two
        elif one.lower() in words:
            phrase = one
        else:
            continue
        a, b = m.start(), m.start() + len(phrase)
        text = clean[:b] + " " + phrase + clean[b:]
        found = [p.span for p in check(vanban.parse(text)) if p.rule == "words.repeated"]
        assert (a, b + 1 + len(phrase)) in found, (phrase, clean[a - 20 : b + 20])
    assert not base


# ---------------------------------------------------------------- capitalisation


@pytest.mark.parametrize(
    ("rule", "old", "new", "covers"),
    [
        ("caps.unit", "- Sở Nội vụ;", "- Sở Nội vụ Thị xã Sơn Tây;", "Thị xã"),
        ("caps.unit", "- Sở Nội vụ;", "- Sở Nội vụ Thị trấn Đông Anh;", "Thị trấn"),
        ("caps.unit", "- Sở Nội vụ;", "- Sở Nội vụ Huyện Gia Lâm;", "Huyện"),
        ("caps.number_unit", "các xã, phường và", "các xã, quận 3 và", "quận"),
        ("caps.ministry", "- Sở Nội vụ;", "- Thường trực sở Y tế;", "sở"),
        ("caps.ministry", "- Sở Nội vụ;", "- lãnh đạo bộ Giáo dục và Đào tạo;", "bộ"),
        ("caps.article", LATER, "Thực hiện theo chương II Quyết định này. " + LATER, "chương"),
        ("caps.organ", "thuộc Ủy ban nhân dân Thành phố;", "thuộc Uỷ Ban Nhân Dân Thành phố;", "Uỷ Ban"),
    ],
)
def test_capitalisation_scans(corpus_text, rule, old, new, covers):
    text = corpus_text(CV)
    assert rule not in _by_rule(text)
    assert old in text
    text = text.replace(old, new, 1)
    spans = [text[p.span[0] : p.span[1]] for p in _by_rule(text).get(rule, [])]
    assert any(covers in s or s in covers for s in spans), spans
