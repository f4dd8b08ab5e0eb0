"""Text typed in a legacy font and shown as Unicode is repaired; Unicode text is left alone."""

import unicodedata
from pathlib import Path

import pytest

import vanban
from vanban.read.legacy import _table, repair_legacy_font


@pytest.mark.parametrize(
    ("shown", "written"),
    [
        (
            "Sở Tài nguyên và Môi trường bỏo cỏo tỡnh hỡnh thực hiện trong thỏng 7",
            "Sở Tài nguyên và Môi trường báo cáo tình hình thực hiện trong tháng 7",
        ),
        (
            "đề nghị cỏc đơn vị thực hiện đỳng kế hoạch, bỏo cỏo kết quả",
            "đề nghị các đơn vị thực hiện đúng kế hoạch, báo cáo kết quả",
        ),
    ],
)
def test_legacy_font_words_are_mapped_back(shown: str, written: str) -> None:
    fixed, words = repair_legacy_font(shown)
    assert fixed == written and words >= 3


@pytest.mark.parametrize(
    "text",
    [
        "Báo cáo tình hình thực hiện nhiệm vụ tháng 7 của các đơn vị, nhỏ và vừa, ngõ nhỏ",
        "Hỗ trợ doanh nghiệp nhỏ, ổn định sản xuất; tổ chức ở cơ sở",
        "",
    ],
)
def test_unicode_text_is_left_alone(text: str) -> None:
    assert repair_legacy_font(text) == (text, 0)


CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
SEED = CORPUS / "seeds" / "002_852c67c28b4a1981.txt"


def shown_in_legacy_font(text: str) -> str:
    """``text`` passed once more through the TCVN3 font table, as such a page shows it."""
    back = {written: chr(shown) for shown, written in _table().items()}
    return "".join(back.get(c, c) for c in unicodedata.normalize("NFC", text))


def test_a_whole_document_comes_back() -> None:
    """Every word of the seed, shown as a legacy font shows it, comes back as written: the
    ambiguous ``ỏ`` of ``nhỏ`` stays, that of ``bỏo`` goes, as the words around them say."""
    written = unicodedata.normalize("NFC", SEED.read_text(encoding="utf-8"))
    shown = shown_in_legacy_font(written)
    assert shown != written
    fixed, words = repair_legacy_font(shown)
    assert fixed == written and words > 100


def test_a_legacy_font_text_file_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text(shown_in_legacy_font(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    rec = vanban.parse_file(path).to_dict()
    assert rec["date"] == "2023-10-04" and rec["issuer"] == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    assert rec["recipients"][0] == "Các Sở, Ban, ngành Thành phố"
    assert any("phông cũ" in p["message"] for p in rec["problems"])
