"""Every text rule, on real text: the violation injected into a well-formed corpus document is
caught where it was put, and the untouched document does not get that rule."""

from __future__ import annotations

import pytest

import vanban
from vanban.check import check

CV = "gold/004.txt"  # State công văn 4240/UBND-VX (TP. Hồ Chí Minh), KT. signature, Lưu: VT
QD = "gold/036.txt"  # State Quyết định 2284/QĐ-UBND (Lâm Đồng), TM. signature
KL = "gold/001.txt"  # Party Kết luận 212-KL/TW, T/M signature, "Lưu Văn phòng…"
NQ = "tvpl/0326977b5d611b9a.txt"  # Nghị quyết 08/2025/NQ-CP, TM. CHÍNH PHỦ
NOI_NHAN = (
    "Nơi nhận:\n- Như trên;\n- TTUB: CT, các PCT;\n- Sở Nội vụ;\n- Trung tâm Chuyển đổi số Thành phố;\n"
    "- VPUB: CVP, các PCVP;\n- Phòng VX;\n- Lưu: VT, (VX/KN).\n"
)
LATER = "Đề nghị các cơ quan, đơn vị khẩn"

# (rule, document, [(old, new)...], text the finding must cover)
CASES = [
    ("number.colon", CV, [("Số: 4240/UBND-VX", "Số 4240/UBND-VX")], "Số"),
    ("number.spaces", CV, [("Số: 4240/UBND-VX", "Số: 4240/UBND - VX")], "UBND - VX"),
    ("number.leading_zero", CV, [("Số: 4240/UBND-VX", "Số: 7/UBND-VX")], "7"),
    ("date.day_zero", CV, [("ngày 28 tháng 11 năm 2025", "ngày 8 tháng 11 năm 2025")], "8"),
    ("date.month_zero", CV, [("ngày 28 tháng 11 năm 2025", "ngày 28 tháng 2 năm 2025")], "2"),
    ("date.month_extra_zero", CV, [("ngày 28 tháng 11 năm 2025", "ngày 28 tháng 09 năm 2025")], "09"),
    ("date.blank", CV, [("ngày 28 tháng 11 năm 2025", "ngày    tháng 11 năm 2025")], "tháng"),
    ("subject.vv_missing", CV, [("*V/v khẩn trương", "*Khẩn trương")], None),
    ("recipients.missing", CV, [("**Kính gửi:**", "")], None),
    ("distribution.missing", CV, [(NOI_NHAN, "")], None),
    ("distribution.luu_format", CV, [("- Lưu: VT, (VX/KN).", "- Lưu VT, (VX/KN).")], "Lưu VT, (VX/KN)"),
    ("distribution.luu_missing", CV, [("- Lưu: VT, (VX/KN).", "- Phòng KT.")], "Phòng KT"),
    ("distribution.luu_vt", CV, [("- Lưu: VT, (VX/KN).", "- Lưu: VX/KN.")], "Lưu"),
    (
        "distribution.luu_last",
        CV,
        [("- Phòng VX;\n- Lưu: VT, (VX/KN).", "- Lưu: VT, (VX/KN);\n- Phòng VX.")],
        "Lưu",
    ),
    ("signer.marker_system", CV, [("**KT. CHỦ TỊCH**", "**K/T CHỦ TỊCH**")], "K/T"),
    ("signer.marker_form", CV, [("**KT. CHỦ TỊCH**", "**K.T. CHỦ TỊCH**")], "K.T."),
    ("signer.tm_individual", CV, [("**KT. CHỦ TỊCH**", "**TM. CHỦ TỊCH**")], "TM. CHỦ TỊCH"),
    ("urgency.invalid", CV, [("Số: 4240/UBND-VX\n", "Số: 4240/UBND-VX\nRẤT KHẨN\n")], "RẤT KHẨN"),
    ("urgency.case", CV, [("Số: 4240/UBND-VX\n", "Số: 4240/UBND-VX\nKhẩn\n")], "Khẩn"),
    ("urgency.system", CV, [("Số: 4240/UBND-VX\n", "Số: 4240/UBND-VX\nHỎA TỐC HẸN GIỜ\n")], "HẸN GIỜ"),
    ("header.motto", CV, [("Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc")], "Tự do"),
    ("spell.confusable", CV, [("hoàn thành cập nhật", "hoàn thành cập nhập")], "cập nhập"),
    (
        "words.repeated",
        CV,
        [("trương triển khai,", "trương triển khai triển khai,")],
        "triển khai triển khai",
    ),
    ("caps.unit", CV, [("- Sở Nội vụ;", "- Sở Nội vụ Tỉnh Lâm Đồng;")], "Tỉnh"),
    ("caps.special", CV, [("đổi số Thành phố;", "đổi số thành phố Hồ Chí Minh;")], "thành phố"),
    ("caps.number_unit", CV, [("các xã, phường và", "các xã, phường 5 và")], "phường"),
    ("caps.organ", CV, [("thuộc Ủy ban nhân dân Thành phố;", "thuộc Ủy Ban Nhân Dân Thành phố;")], "Ủy Ban"),
    ("caps.ministry", CV, [("- Sở Nội vụ;", "- Thường trực bộ Tài chính;")], "bộ"),
    ("caps.article", CV, [(LATER, "Thực hiện theo điều 5 Quyết định này. " + LATER)], "điều"),
    (
        "cite.year",
        CV,
        [
            (
                "đã ban hành Công văn",
                "đã ban hành Nghị định số 15/2020/NĐ-CP ngày 03 tháng 02 năm 2021 và Công văn",
            )
        ],
        "2021",
    ),
    (
        "cite.date",
        CV,
        [
            ("Công văn số 3280/UBND-VX", "Công văn số 3280/UBND-VX ngày 28/10/2025"),
            (LATER, "Theo Công văn số 3280/UBND-VX ngày 29/10/2025, " + LATER),
        ],
        "3280/UBND-VX",
    ),
    (
        "cite.first_short",
        CV,
        [(LATER, "Theo Công văn số 3280/UBND-VX ngày 28/10/2025, " + LATER)],
        "3280/UBND-VX",
    ),
    (
        "cite.incomplete",
        KL,
        [
            (
                "Bộ\nChính trị, Ban Bí thư kết luận",
                "Thực hiện Chỉ thị số 24-CT/TU, Bộ\nChính trị, Ban Bí thư kết luận",
            )
        ],
        "24-CT/TU",
    ),
    ("number.type_mismatch", QD, [("Số: 2284/QĐ-UBND", "Số: 2284/KH-UBND")], "2284/KH-UBND"),
    ("number.type_missing", QD, [("Số: 2284/QĐ-UBND", "Số: 2284/UBND-VX")], "2284/UBND-VX"),
    ("subject.vv_unexpected", QD, [("Số: 2284/QĐ-UBND", "Số: 2284/QĐ-UBND\nV/v công nhận xã")], "V/v"),
    ("signer.collective", NQ, [("**TM. CHÍNH PHỦ**\n", "")], None),
    ("number.colon", KL, [("Số 212-KL/TW", "Số: 212-KL/TW")], "Số:"),
    ("number.type_mismatch", KL, [("Số 212-KL/TW", "Số 212-NQ/TW")], "212-NQ/TW"),
    ("subject.vv_unexpected", KL, [("Số 212-KL/TW", "Số 212-KL/TW\nV/v định hướng")], "V/v"),
    ("signer.marker_system", KL, [("**T/M BỘ CHÍNH", "**TM. BỘ CHÍNH")], "TM."),
    (
        "distribution.luu_format",
        KL,
        [("- Lưu Văn phòng Trung ương Đảng.", "- Lưu: Văn phòng Trung ương Đảng.")],
        "Lưu:",
    ),
]


def _rules(text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in check(vanban.parse(text)):
        out.setdefault(p.rule, []).append(p)
    return out


@pytest.mark.parametrize(("rule", "rel", "edits", "covers"), CASES, ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_injected_violation_is_caught(
    corpus_text, rule: str, rel: str, edits: list[tuple[str, str]], covers: str | None
):
    clean = corpus_text(rel)
    assert rule not in _rules(clean), f"{rule} fires on the untouched {rel}"
    text = clean
    for old, new in edits:
        assert old in text, f"{old!r} not in {rel}"
        text = text.replace(old, new, 1)
    found = _rules(text).get(rule)
    assert found, f"{rule} missed in {rel}"
    if covers is not None:
        spans = [text[p.span[0] : p.span[1]] for p in found if p.span]
        assert any(covers in s or s in covers for s in spans), spans


def test_every_rule_is_tested():
    from vanban.check import load

    names = {c[0] for c in CASES}
    text_rules = {r for r in load("party").rules if not r.startswith("layout.")} | set(load("state").rules)
    untested = {r for r in text_rules if not r.startswith("layout.")} - names
    assert untested <= {"number.missing", "date.missing", "number.blank", "number.separator"} | {
        "number.filled",
        "number.script",
        "cite.title",
    }, untested
