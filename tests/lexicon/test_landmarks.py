"""Landmarks as OCR reads them, and the name grammar of a signature block (real OCR lines
from the hn-dev mailbox scans)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanban.lexicon import fold, landmark
from vanban.read.scan import name_in


@pytest.mark.parametrize(
    ("name", "text", "hit"),
    [
        ("so", "Số:", True),
        ("so", "số:", True),
        ("so", "Sô:", True),
        ("so", "Sở", True),  # folded alike: the position on the page tells them apart
        ("so", "Số lượng", False),
        ("ngay", "ngày", True),
        ("ngay", "ngảy", True),
        ("ngay", "ngoài", False),
        ("thang", "thảng", True),
        ("thang", "thành", False),
        ("nam", "năm", True),
        ("nam", "nằm", True),
        ("nam", "nan", False),
        ("authority", "TM.", True),
        ("authority", "K/T", True),
        ("authority", "TM.UY", False),
        ("noi_nhan", "Nơi nhận:", True),
        ("noi_nhan", "Nơi nhân:", True),
    ],
)
def test_landmark_matches_ocr_forms(name: str, text: str, hit: bool) -> None:
    assert landmark(name).matches(text) is hit


@pytest.mark.parametrize(
    ("name", "word", "head"),
    [
        ("so", "Số:", 3),  # the whole word
        ("so", "só:5$Ÿ", 3),  # the handwritten number run into "Số:" (hn-dev 10)
        ("so", "Só:2360/UBND-KT", 3),  # number and symbol in one word (hn-dev 22)
        ("so", "ó:", 2),  # the S lost at the margin (hn-dev 25)
        ("ngay", "ngày5|", 4),  # the day run into "ngày" (hn-dev 31)
        ("ngay", "ngàyä4|", 4),  # a stray letter, then the day (hn-dev 02)
        ("ngay", "ngàyấy", None),  # letters after it: not the landmark
        ("so", "Sống", None),
        ("thang", "thángg", None),
    ],
)
def test_landmark_head_of_a_word_ocr_ran_together(name: str, word: str, head: int | None) -> None:
    assert landmark(name).head(word) == head


@pytest.mark.parametrize(
    ("line", "starts"),
    [("TM.UY BAN NHAN DAN", True), ("KT. CHỦ TỊCH", True), ("T/M BAN THƯỜNG VỤ", True), ("TMU BAN", False)],
)
def test_marker_run_into_the_next_word(line: str, starts: bool) -> None:
    assert landmark("authority").starts(line) is starts


@pytest.mark.parametrize(
    ("line", "within"),
    [
        (".VĂN PHÒNG .", True),
        ("L. CHỦ Tú", False),
        ("PHÓ CHỦ TỊCH", True),
        ("Phó Chủ tịch", True),
        ("Nơi nhận:", False),
    ],
)
def test_signature_words_through_a_seal(line: str, within: bool) -> None:
    assert landmark("signature_words").within(line) is within


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Vũ Đăng Định", "Vũ Đăng Định"),
        ("“ũ Đăng Định.", "Vũ Đăng Định"),  # the seal's ring hid the V
        ("Á Ồ Lê Tuấn Định", "Lê Tuấn Định"),  # seal fragments before the name
        ("Ngu yễn Văn Sửu", "Nguyễn Văn Sửu"),
        ("- PCT Thường trực Nguyễn Văn Sửu;", "Nguyễn Văn Sửu"),
        ("Đảng Phó Bí", None),  # "Đảng" is no family name here, "Phó" no given name
        ("Hà Nội", None),
        ("Hà Nội, ngày 03 tháng 8 năm 2020", None),
        ("TM. ỦY BAN NHÂN DÂN", None),
        ("Đặng Hương Giang", "Đặng Hương Giang"),
        ("Văn Sửu", None),  # given names without their family name
    ],
)
def test_name_in_ocr_line(line: str, name: str | None) -> None:
    assert name_in(line) == name


def test_fold_maps_d_bar_and_both_tone_placements() -> None:
    assert fold("Hoà Đức Uỷ") == fold("Hòa Đức Ủy") == "hoa duc uy"


def _fold_reference(s: str) -> str:
    """The folding by its definition: đ→d, lower case, canonical decomposition, marks dropped."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D").lower())
    return "".join(c for c in s if not unicodedata.combining(c))


@given(
    st.text(max_size=80)
    | st.text(alphabet="aăâđêôơưÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬĐÊỀỄỆỈỊỎỌỐỒỔỖỘỚỜỞỠỢỦỤỨỪỬỮỰỲỴ –“”…\u0301\u0323", max_size=80)
)
def test_fold_is_its_definition(text: str) -> None:
    """The one-table folding gives what the definition gives, for any text and either normal form."""
    assert fold(text) == _fold_reference(text)
    assert fold(unicodedata.normalize("NFD", text)) == _fold_reference(text)
