"""Table-driven cases from real lines of the corpora: numbers, dates, issuers, signature blocks,
recipients and distribution, State and Party."""

from __future__ import annotations

import datetime as dt

import pytest

import vanban


def letter(
    issuer: str = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI",
    number: str = "Số: 3241/UBND-KGVX",
    date: str = "Hà Nội, ngày 04 tháng 10 năm 2023",
    signature: str = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nHà Minh Hải",
    title: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
    subject: str = "V/v tuyên truyền Chỉ thị số 24-CT/TU",
) -> str:
    return (
        f"{issuer}\n\n{title}\n\n{number}\n{subject}\n\n{date}\n\n"
        "Kính gửi: Sở Nội vụ.\n\nUBND Thành phố chỉ đạo như sau.\n\n"
        f"Nơi nhận:\n- Như trên;\n- Lưu: VT, KGVX.\n\n{signature}\n"
    )


NUMBERS = [
    ("Số: 3241/UBND-KGVX", "3241/UBND-KGVX", "3241", None, None, ("UBND", "KGVX")),
    ("Số: ~~3241~~ UBND-KGVX", "3241/UBND-KGVX", "3241", None, None, ("UBND", "KGVX")),  # struck slash (OCR)
    ("Số 1138 -CV/ĐU", "1138-CV/ĐU", "1138", None, "CV", ("ĐU",)),
    ("Số: 249/2025/NĐ-CP", "249/2025/NĐ-CP", "249", 2025, "NĐ", ("NĐ", "CP")),
    ("Luật số: 102/2025/QH15", "102/2025/QH15", "102", 2025, None, ("QH15",)),
    ("Nghị quyết số: 99/2025/UBTVQH15", "99/2025/UBTVQH15", "99", 2025, None, ("UBTVQH15",)),
    ("Số: 01814/QĐ-UBND", "01814/QĐ-UBND", "01814", None, "QĐ", ("QĐ", "UBND")),
    ("Số: 66.15/2026/NQ-CP", "66.15/2026/NQ-CP", "66.15", 2026, "NQ", ("NQ", "CP")),
    ("Số 212-KL/TW", "212-KL/TW", "212", None, "KL", ("TW",)),
    ("Số: 5348/CT-CS", "5348/CT-CS", "5348", None, "CT", ("CT", "CS")),
    ("Số: 24\n/2025/QĐ-UBND", "24/2025/QĐ-UBND", "24", 2025, "QĐ", ("QĐ", "UBND")),  # HTML table cells
    ("**Số: 17986/BTC-CT**", "17986/BTC-CT", "17986", None, None, ("BTC", "CT")),
    (
        "------------------ Số: 1661/NQ-UBTVQH15 |",
        "1661/NQ-UBTVQH15",
        "1661",
        None,
        "NQ",
        ("NQ", "UBTVQH15"),
    ),  # wild/a032…
]


@pytest.mark.parametrize(("line", "value", "seq", "year", "abbr", "symbols"), NUMBERS)
def test_number(line, value, seq, year, abbr, symbols):
    n = vanban.parse(letter(number=line)).number
    assert n is not None
    assert (n.value, n.seq, n.year, n.type_abbr, n.symbols) == (value, seq, year, abbr, symbols)


def test_blank_number_of_a_draft_is_not_invented():
    doc = vanban.parse(letter(number="Số: /KH-STTTT"))
    assert doc.number is None


DATES = [
    ("Hà Nội, ngày 04 tháng 10 năm 2023", "Hà Nội", dt.date(2023, 10, 4)),
    ("*Tây\nNinh, ngày 01 tháng 12 năm 2025*", "Tây Ninh", dt.date(2025, 12, 1)),
    ("*Thành phố Hồ Chí\nMinh, ngày 28 tháng 11 năm 2025*", "Thành phố Hồ Chí Minh", dt.date(2025, 11, 28)),
    ("TP. Hồ Chí Minh, ngày 26 tháng 11 năm 2008", "TP. Hồ Chí Minh", dt.date(2008, 11, 26)),
    ("*Hà Nội, ngày 20\ntháng 11 năm 2025*", "Hà Nội", dt.date(2025, 11, 20)),
    ("Lệ Thủy, ngày 29 tháng 11 năm 2011", "Lệ Thủy", dt.date(2011, 11, 29)),
    ("Hà Nội , ngày 27 tháng 10 năm 2014", "Hà Nội", dt.date(2014, 10, 27)),
]


@pytest.mark.parametrize(("line", "place", "date"), DATES)
def test_place_and_date(line, place, date):
    doc = vanban.parse(letter(date=line))
    assert doc.place is not None and doc.place.value == place
    assert doc.date is not None and doc.date.value == date


@pytest.mark.parametrize(
    ("head", "date"),
    [
        # Tesseract's headers of hn-dev (the handwritten digits written in): specks before the
        # place, the date run onto a number line it could not read, the right column read after
        # the left one's "Kính gửi:"
        (
            "ỦY BAN NHÂN DÂN\nVĂN PHÒNG\nSố: 586 /GM-VP\n_ Hà Nội ngày 03 tháng 8 năm 2020\n",
            dt.date(2020, 8, 3),
        ),
        (
            "THÀNH PHÓ HÀ NỌI...\nSố: 791 /TB-UBND........ Hà Nội ngày 03 tháng 8 năm 2020\n",
            dt.date(2020, 8, 3),
        ),
        ("ỦY BẠN NHÂN DÂN\nSó:3560/UBND-KT Hà Nội, ngày 31 tháng 7 năm 2020\n", dt.date(2020, 7, 31)),
        ("VĂN PHÒNG\nsố: 6Ä3#8⁄ /vp-kT Hà Nội, ngày 03 tháng 8 năm 2020\n", dt.date(2020, 8, 3)),
        (
            "ỦY BAN NHÂN DÂN\nSố: 6352/VP - ĐT\nV/v thực hiện chỉ thị\nKính gửi:\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hà Nội, ngày 03 tháng 8 năm 2020\n- Các Sở: Tài chính.\n",
            dt.date(2020, 8, 3),
        ),
        # hn-dev 02: the V/v of the left column and the date of the right read as one line
        (
            "UBND THÀNH PHÓ HÀ NỘI\nSố: 6623/STNMT-CCQLĐĐ\nVề việc sử dụng đất quốc phòng tại dự án _ Hà Nội, "
            "ngày 31 tháng 7 năm 2020\nBệnh viện chuyên khoa\nKính gửi: UBND thành phố Hà Nội.\n",
            dt.date(2020, 7, 31),
        ),
        # a sentence on the number's line is no date line
        ("VĂN PHÒNG\nSố: 12/VP-KT theo Công văn 34/UBND ngày 03 tháng 8 năm 2020\n", None),
    ],
)
def test_date_of_an_ocrd_header(head: str, date: dt.date | None) -> None:
    doc = vanban.parse(head + "Ủy ban nhân dân Thành phố nhận được văn bản của Sở Tài chính.\n")
    assert (doc.date.value if doc.date else None) == date


def test_blank_day_gives_no_date_but_keeps_the_place():
    doc = vanban.parse(letter(date="Hà Nội, ngày    tháng 10 năm 2023"))
    assert doc.date is None
    assert doc.place.value == "Hà Nội"


def test_impossible_date_is_not_invented():
    doc = vanban.parse(letter(date="Hà Nội, ngày 31 tháng 02 năm 2023"))
    assert doc.date is None


ISSUERS = [
    ("BỘ TÀI CHÍNH\nCỤC THUẾ", "CỤC THUẾ", "BỘ TÀI CHÍNH"),
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", None),
    ("CỤC THUẾ\n**THUẾ TỈNH TÂY NINH**\n-------", "THUẾ TỈNH TÂY NINH", "CỤC THUẾ"),
    ("UBND TỈNH PHÚ THỌ\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "UBND TỈNH PHÚ THỌ"),
    ("ỦY\nBAN NHÂN DÂN\nTỈNH BẮC NINH", "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", None),
    ("BỘ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", None),
    (
        "UBND THÀNH PHỐ HÀ NỘI\nTRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "UBND THÀNH PHỐ HÀ NỘI",
    ),
    ("CHỦ TỊCH ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ", "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ", None),
    # Tesseract on hn-dev 06, 10: the rule under the name read as junk letters or dashes
    (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nVĂN PHÒNG ưa ta aaũốaứ trưtnốẽ~ừ",
        "VĂN PHÒNG",
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
    ),
    (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nVĂN PHÒNG —— ————— —",
        "VĂN PHÒNG",
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
    ),
    ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI -------", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", None),
]


@pytest.mark.parametrize(("lines", "issuer", "parent"), ISSUERS)
def test_issuer_and_parent(lines, issuer, parent):
    doc = vanban.parse(letter(issuer=lines))
    assert doc.issuer is not None and doc.issuer.value == issuer
    assert (doc.issuer_parent.value if doc.issuer_parent else None) == parent


def test_header_columns_merged_on_one_line():
    text = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "THÀNH PHỐ HÀ NỘI Độc lập - Tự do - Hạnh phúc\n\n"
        "Số: 3241/UBND-KGVX Hà Nội, ngày 04 tháng 10 năm 2023\nV/v tuyên truyền\n\n"
        "Kính gửi: Sở Nội vụ.\n\nNội dung./.\n"
    )
    doc = vanban.parse(text)
    assert doc.system == "state"
    assert doc.issuer.value == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    assert doc.number.value == "3241/UBND-KGVX"
    assert doc.date.value == dt.date(2023, 10, 4)


def test_party_header():
    text = (
        "ĐẢNG BỘ TỈNH THÁI NGUYÊN\nHUYỆN ỦY ĐỊNH HÓA\n*\n\nĐẢNG CỘNG SẢN VIỆT NAM\n\n"
        "Số 127-QĐ/HU\n\nĐịnh Hóa, ngày 20 tháng 02 năm 2018\n\nQUYẾT ĐỊNH\nvề việc thành lập Tổ công tác\n\n"
        "Điều 1. Thành lập Tổ công tác.\n\nNơi nhận:\n- Như Điều 3,\n- Lưu Văn phòng Huyện ủy.\n\n"
        "T/M BAN THƯỜNG VỤ\nBÍ THƯ\n\nNguyễn Văn An\n"
    )
    doc = vanban.parse(text)
    assert doc.system == "party"
    assert (doc.issuer.value, doc.issuer_parent.value) == ("HUYỆN ỦY ĐỊNH HÓA", "ĐẢNG BỘ TỈNH THÁI NGUYÊN")
    assert doc.doc_type.value == "Quyết định"
    assert doc.subject.value == "về việc thành lập Tổ công tác"
    assert doc.distribution[-1].value == "Lưu Văn phòng Huyện ủy"
    assert (doc.signer.authority, doc.signer.title.value, doc.signer.name.value) == (
        "T/M",
        "BÍ THƯ",
        "Nguyễn Văn An",
    )


SIGNATURES = [
    (
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An",
        "TM.",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn An",
    ),
    ("KT. BỘ TRƯỞNG THỨ TRƯỞNG Bùi Hồng Lĩnh", "KT.", "THỨ TRƯỞNG", "Bùi Hồng Lĩnh"),
    (
        "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ THƯỜNG TRỰC\n\nNguyễn Huỳnh Long",
        "T/M",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "Nguyễn Huỳnh Long",
    ),
    (
        "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n(Đã ký)\nThượng tướng Lê Huy Vịnh",
        "KT.",
        "THỨ TRƯỞNG",
        "Lê Huy Vịnh",
    ),  # rank dropped
    (
        "**TL. CỤC TRƯỞNG**\n**KT. TRƯỞNG BAN GIÁM SÁT QUẢN LÝ VỀ HQ PHÓ TRƯỞNG BAN**\n**Nguyễn Bắc Hải**",
        "TL.",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Bắc Hải",
    ),
    ("**T/M BỘ CHÍNH\nTRỊ**\nTrần Cẩm Tú", "T/M", None, "Trần Cẩm Tú"),
    ("TM. ỦY BAN NHÂN\nDÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nMai\nSơn", "TM.", "PHÓ CHỦ TỊCH", "Mai Sơn"),
    ("CHỦ TỊCH QUỐC HỘI\n\n(Đã ký)\n\nTrần Thanh Mẫn", None, "CHỦ TỊCH QUỐC HỘI", "Trần Thanh Mẫn"),
    ("T/M BAN BÍ THƯ\nTrần Cẩm Tú", "T/M", None, "Trần Cẩm Tú"),
    ("TM. ỦY BAN NHÂN DÂN\n\n\n\nHà Minh Hải", "TM.", None, "Hà Minh Hải"),
]


@pytest.mark.parametrize(("block", "authority", "title", "name"), SIGNATURES)
def test_signature_block(block, authority, title, name):
    s = vanban.parse(letter(signature=block)).signer
    assert s is not None
    assert (s.authority, s.title.value if s.title else None, s.name.value if s.name else None) == (
        authority,
        title,
        name,
    )


def test_transcription_is_recognised():
    doc = vanban.parse(letter(signature="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n(Đã ký)\nLê Văn Bình"))
    assert doc.transcription


RECIPIENTS = [
    (
        "Kính gửi: Các đảng bộ, chi bộ trực thuộc\n\nThực hiện Công văn số 1/CV.",
        ["Các đảng bộ, chi bộ trực thuộc"],
    ),
    (
        "Kính gửi:\n\n- Các Sở, Ban, ngành Thành phố;\n- UBND các quận, huyện, thị xã;\n- Các cơ quan báo chí.\n\nCăn cứ",
        ["Các Sở, Ban, ngành Thành phố", "UBND các quận, huyện, thị xã", "Các cơ quan báo chí"],
    ),
    (
        "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố\ntrực thuộc Trung ương\nCăn cứ Luật Quản lý thuế;",
        ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
    ),
    (
        "| Kính gửi: | - Sở Lao động - Thương binh và Xã hội các tỉnh; - Các Trung tâm điều dưỡng. |\n\nNgày 09/4/2013,",
        ["Sở Lao động - Thương binh và Xã hội các tỉnh", "Các Trung tâm điều dưỡng"],
    ),
]


@pytest.mark.parametrize(("block", "expected"), RECIPIENTS)
def test_recipients(block, expected):
    text = f"BỘ TÀI CHÍNH\n\nSố: 12/BTC-CT\nV/v thử\n\nHà Nội, ngày 05 tháng 01 năm 2020\n\n{block}\n"
    assert [r.value for r in vanban.parse(text).recipients] == expected


def test_distribution_items_and_sub_list():
    text = letter().replace(
        "Nơi nhận:\n- Như trên;\n- Lưu: VT, KGVX.",
        "Nơi\nnhận:\n- Như Điều 3;\n- VP UBND tỉnh:\n+ LĐVP, KGVX;\n+ Lưu: VT.",
    )
    assert [d.value for d in vanban.parse(text).distribution] == [
        "Như Điều 3",
        "VP UBND tỉnh: LĐVP, KGVX",
        "Lưu: VT",
    ]


DOC_TYPES = [
    ("Số: 3241/UBND-KGVX", "V/v tuyên truyền", "Công văn"),  # V/v
    ("Số 1138-CV/ĐU", "Về tổ chức thực hiện", "Công văn"),  # Party: from the number
    ("Số: 980/KH-UBND", "KẾ HOẠCH\nThực hiện Quyết định số 1899/QĐ-TTg", "Kế hoạch"),  # type line
    ("Số: 96/CĐ-BXD", "CÔNG ĐIỆN\nVỀ VIỆC TẬP TRUNG ỨNG PHÓ", "Công điện"),
]


@pytest.mark.parametrize(("number", "subject", "doc_type"), DOC_TYPES)
def test_doc_type(number, subject, doc_type):
    assert vanban.parse(letter(number=number, subject=subject)).doc_type.value == doc_type


@pytest.mark.parametrize(
    ("mark", "field", "value"),
    [
        ("KHẨN", "urgency", "Khẩn"),
        ("HỎA TỐC", "urgency", "Hỏa tốc"),
        ("HOẢ TỐC", "urgency", "Hỏa tốc"),
        ("MẬT", "secrecy", "Mật"),
    ],
)
def test_urgency_and_secrecy(mark, field, value):
    text = letter(date=f"Hà Nội, ngày 04 tháng 10 năm 2023\n\n{mark}")
    assert getattr(vanban.parse(text), field).value == value
    assert vanban.parse(letter()).urgency is None
