"""Tone marks OCR got wrong, restored from the words around them (``lexicon.marks``).

The wrong readings are Tesseract's on hn-dev scans (the trích yếu lines of 19, 22, 23, 25); the
right ones as printed. The model's counts come from vbpl, tvpl and wild, not from these pages."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanban.lexicon import fold
from vanban.lexicon.marks import restore_marks, restore_read_marks


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("tô chức Hội chợ vàng hàng xuất khẩu", "tổ chức Hội chợ vàng hàng xuất khẩu"),  # 19
        ("những tháng cuỏi năm 2020", "những tháng cuối năm 2020"),  # 22
        (
            "xác lập quyên sở hữu nhãn hiệu tập thế năm 2020",
            "xác lập quyền sở hữu nhãn hiệu tập thể năm 2020",
        ),  # 23
        ("di tích khảo cỗ học tại", "di tích khảo cổ học tại"),  # 25
        # the reading seen a few times beside one neighbour, never beside the other (15, 20, 37)
        ("trực thuộc Chỉ cục Quản lý thị trường", "trực thuộc Chi cục Quản lý thị trường"),
        ("quyết toán chỉ phí GPMB", "quyết toán chi phí GPMB"),
        (
            "phê duyệt điều chính cục bộ quy hoạch phân khu đồ thị",
            "phê duyệt điều chỉnh cục bộ quy hoạch phân khu đô thị",
        ),
        ("ĐÂY MẠNH CẢI CÁCH", "ĐẨY MẠNH CẢI CÁCH"),  # capitals keep their case
    ],
)
def test_wrong_marks_restored(read: str, printed: str) -> None:
    got, n = restore_marks(read)
    assert got == printed and n >= 1


@pytest.mark.parametrize(
    "text",
    [
        "Về tổ chức thực hiện Kết luận số 1179-KL/TU của Ban Thường vụ Thành ủy",  # a symbol's letters
        "Đồng chí Nguyễn Văn Sửu, Phó Chủ tịch UBND tỉnh Hà Tĩnh",  # names and places
        "Ban Chấp hành Trung ương Đảng lãnh đạo công tác xây dựng Đảng",  # the Party's word
        "được bảo quản trong kho lưu trữ lịch sử của Đảng",
        "Lưu: VT, KT.",
        "trong mọi trường hợp kết nối",  # "môi trường" is commoner, but not after "trong" as often
        "hiện đại hóa phòng họp không giấy",
    ],
)
def test_right_text_is_left_alone(text: str) -> None:
    assert restore_marks(text) == (text, 0)


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ,.\n/-0123456789ÀÁĐ",
        max_size=200,
    )
)
def test_same_length_always(text: str) -> None:
    """Every span computed on the text stays valid: one spelling for another of the same
    letters and length, by either restoration."""
    text = unicodedata.normalize("NFC", text)
    for restore in (restore_marks, restore_read_marks):
        got, _ = restore(text)
        assert len(got) == len(text) and fold(got) == fold(text)


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        # raw Tesseract of hn-dev trích yếu and header lines (32, 19, 22, 09)
        ("trong công tác đầu tranh phòng, chống ma túy", "trong công tác đấu tranh phòng, chống ma túy"),
        ("THÀNH PHÓ HÀ NỘI", "THÀNH PHỐ HÀ NỘI"),
        ("đề nghị Sở Tài chính thâm định", "đề nghị Sở Tài chính thẩm định"),
        ("quyết toán chỉ phí GPMB", "quyết toán chi phí GPMB"),
        # names, the Party's word and words the counts do not contradict stay as read
        ("Phó Chủ tịch UBND Thành phố Nguyễn Văn Sửu", "Phó Chủ tịch UBND Thành phố Nguyễn Văn Sửu"),
        ("về phông lưu trữ của Đảng", "về phông lưu trữ của Đảng"),
        ("mương thoát nước Phan Kế Bính", "mương thoát nước Phan Kế Bính"),
    ],
)
def test_an_ocrd_texts_marks_weighed_word_by_word(read: str, printed: str) -> None:
    """A text OCR'd before it came: each word's spelling weighed against the odds that OCR read
    it right (a noisy channel), more than the pair thresholds of ``restore_marks`` allow."""
    assert restore_read_marks(read)[0] == printed
