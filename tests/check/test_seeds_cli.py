"""The seeds' known problems, the CLI (JSON, exit status, --fix), layout rules on generated DOCX,
profiles, and a property test: the checker never raises and every span lies inside the text."""

from __future__ import annotations

import json

from docx import Document as new_docx
from docx.shared import Mm, Pt
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import vanban
from vanban.check import check, check_file, load, select
from vanban.cli import app

PARTY = "seeds/000_ca0004599b82fec2.txt"
STATE = "seeds/002_852c67c28b4a1981.txt"


def _found(text: str) -> list[tuple[str, str, str | None]]:
    return [(p.rule, text[p.span[0] : p.span[1]], p.suggestion) for p in check(vanban.parse(text)) if p.span]


def test_seed_party_danh_gia_twice(corpus_text):
    text = corpus_text(PARTY)
    hits = [h for h in _found(text) if h[0] == "spell.confusable"]
    assert hits == [("spell.confusable", "đáng giá", "đánh giá")] * 2


def test_seed_state_phan_bac_and_quoted_title(corpus_text):
    text = corpus_text(STATE)
    hits = _found(text)
    assert ("spell.confusable", "phân bác", "phản bác") in hits
    titles = [h for h in hits if h[0] == "cite.title"]
    assert titles, hits
    for _, other, first in titles:
        assert "kỷ cương, kỷ luật" in other and first and "kỷ luật, kỷ cương" in first


def test_profiles_follow_system_and_successor_extends(corpus_text):
    assert select(vanban.parse(corpus_text(PARTY))).name == "party"
    assert select(vanban.parse(corpus_text(STATE))).name == "state"
    hd05 = load("party-hd05")
    assert hd05.params["number_colon"] is False  # inherited from party
    assert hd05.params["layout"]["margins"]["left"] == [30, 30]  # overridden
    assert hd05.params["layout"]["font"] == "Times New Roman"  # inherited from state
    assert hd05.rules["distribution.luu_format"].severity == "error"


def test_user_profile_file_overrides_without_code(tmp_path, corpus_text):
    prof = tmp_path / "strict.toml"
    prof.write_text(
        '[profile]\nname = "strict"\nextends = "state"\n[rules."cite.title"]\nseverity = "error"\n',
        encoding="utf-8",
    )
    probs = check(vanban.parse(corpus_text(STATE)), str(prof))
    assert {p.severity for p in probs if p.rule == "cite.title"} == {"error"}


def test_cli_json_exit_status_and_fix(tmp_path, corpus_text):
    src = tmp_path / "cv.txt"
    original = corpus_text(STATE)
    src.write_text(original, encoding="utf-8")
    out = tmp_path / "fixed.txt"
    res = CliRunner().invoke(app, ["check", "--json", "--fix", str(out), str(src)])
    assert res.exit_code == 1  # number.separator is an error
    rec = json.loads(res.stdout.splitlines()[0])
    assert rec["source"] == str(src)
    assert {"rule", "severity", "message", "span", "suggestion"} <= set(rec["problems"][0])
    fixed = out.read_text(encoding="utf-8")
    assert "phản bác" in fixed and "phân bác" not in fixed
    assert src.read_text(encoding="utf-8") == original  # never in place
    res = CliRunner().invoke(app, ["check", "--fix", str(src), str(src)])
    assert res.exit_code == 1 and src.read_text(encoding="utf-8") == original


def test_cli_clean_document_exits_zero(tmp_path, corpus_text):
    src = tmp_path / "nq.txt"
    src.write_text(corpus_text("tvpl/0326977b5d611b9a.txt"), encoding="utf-8")
    res = CliRunner().invoke(app, ["check", str(src)])
    assert res.exit_code == 0, res.stdout


LINES = [
    ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", 13, True, False),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, False),
    ("Độc lập - Tự do - Hạnh phúc", 14, True, False),
    ("Số: 2284/UBND-VX", 13, False, False),
    ("V/v công nhận xã, phường miền núi", 13, False, False),
    ("Lâm Đồng, ngày 25 tháng 11 năm 2025", 14, False, True),
    ("Kính gửi: Sở Nội vụ.", 14, False, False),
    ("Ủy ban nhân dân tỉnh đề nghị Sở Nội vụ tổng hợp danh sách xã, phường miền núi./.", 14, False, False),
    ("Nơi nhận:", 12, True, True),
    ("- Như trên;", 11, False, False),
    ("- Lưu: VT, NC.", 11, False, False),
    ("TM. ỦY BAN NHÂN DÂN", 14, True, False),
    ("CHỦ TỊCH", 14, True, False),
    ("Nguyễn Văn A", 14, True, False),
]


def _docx(path, *, font="Times New Roman", date_italic=True, left=30, page_field_first=False):
    d = new_docx()
    for sec in d.sections:
        sec.top_margin = sec.bottom_margin = Mm(20)
        sec.left_margin, sec.right_margin = Mm(left), Mm(15)
    d.styles["Normal"].font.name = font
    for text, size, bold, italic in LINES:
        r = d.add_paragraph().add_run(text)
        r.font.size, r.font.bold = Pt(size), bold
        r.font.italic = italic if not text.startswith("Lâm Đồng") else date_italic
    if page_field_first:
        run = d.sections[0].header.paragraphs[0].add_run()
        fld = run._element.makeelement(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText", {}
        )
        fld.text = " PAGE "
        run._element.append(fld)
    d.save(str(path))
    return path


def _layout(path) -> set[str]:
    return {p.rule for p in check_file(path).problems if p.rule.startswith("layout.")}


def test_docx_layout_clean_and_violations(tmp_path):
    assert _layout(_docx(tmp_path / "ok.docx")) == set()
    assert "layout.font" in _layout(_docx(tmp_path / "a.docx", font="Arial"))
    assert "layout.date_italic" in _layout(_docx(tmp_path / "b.docx", date_italic=False))
    assert "layout.margins" in _layout(_docx(tmp_path / "c.docx", left=20))
    bad = _docx(tmp_path / "d.docx", page_field_first=True)
    assert "layout.page_number_first" in _layout(bad)
    out = tmp_path / "fixed.docx"
    res = CliRunner().invoke(
        app, ["check", "--fix", str(out), str(_docx(tmp_path / "e.docx", font="Arial", left=20))]
    )
    assert res.exit_code == 1
    assert _layout(out) == set()


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("Số:/-.,;() \nTMKLVvĐđảàáạăâêôơưủyỷngàythángnăm0123456789Lưu")),
        max_size=400,
    )
)
def test_never_raises_and_spans_inside(text):
    for p in check(vanban.parse(text)):
        if p.span is not None:
            assert 0 <= p.span[0] <= p.span[1] <= len(text)
        assert p.severity in ("error", "warning", "info")
