"""Text typed in a legacy font and shown as Unicode is repaired; Unicode text is left alone."""

import pytest

from vanban.read.legacy import repair_legacy_font


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
