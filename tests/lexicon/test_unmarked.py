"""A text that lost all its marks (văn bản không dấu), restored (``lexicon.marks``).

The inputs are real documents of the corpora with their marks dropped as an old OCR layer drops
them; the counts that restore them come from vbpl, tvpl and wild, not from these documents."""

from __future__ import annotations

import io
import json
import random
import re
import unicodedata
from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import vanban
from vanban.lexicon import fold
from vanban.lexicon.marks import restore_unmarked, unmarked

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))


def strip_marks(text: str) -> str:
    """``text`` as a layer without marks gives it: letters kept, case kept, ``Đ`` → ``D``."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in bare if unicodedata.category(c) != "Mn"))


@pytest.mark.parametrize(
    ("bare", "printed"),
    [
        ("UY BAN NHAN DAN\nTHANH PHO HA NOI", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI"),  # seed 002
        ("Ha Noi, ngay 04 thang 10 nam 2023", "Hà Nội, ngày 04 tháng 10 năm 2023"),
        ("Kinh gui:", "Kính gửi:"),
        ("V/v tuyen truyen Chi thi so 24-CT/TU", "V/v tuyên truyền Chỉ thị số 24-CT/TU"),
        ("CONG HOA XA HOI CHU NGHIA VIET NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Noi nhan:", "Nơi nhận:"),
        ("So: 3241/UBND-KGVX", "Số: 3241/UBND-KGVX"),  # the symbol's letters stay as printed
        # a known signer's name is spelt as the signer's; another name stays as printed
        ("TL. CHU TICH\nCHANH VAN PHONG\nVu Dang Dinh", "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nVũ Đăng Định"),
        ("Pho Giam doc Nguyen Van An", "Phó Giám đốc Nguyen Van An"),
    ],
)
def test_lines_restored(bare: str, printed: str) -> None:
    assert restore_unmarked(bare)[0] == printed


def test_a_seed_restored_word_by_word() -> None:
    """Most words of a whole document come back as printed (measured: about 97 % on gold/000–049)."""
    text = unicodedata.normalize("NFC", SEEDS[1].read_text(encoding="utf-8"))
    got, changed = restore_unmarked(strip_marks(text))
    words, back = text.split(), got.split()
    assert len(words) == len(back) and changed > 200
    assert sum(a == b for a, b in zip(words, back, strict=True)) / len(words) > 0.95


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_judged_unmarked(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not unmarked(text)
    assert unmarked(strip_marks(text))


def test_other_languages_are_not_unmarked() -> None:
    english = "The committee shall review the annual report and submit its findings to the council. " * 8
    assert not unmarked(english)


@given(st.text(alphabet="abcdeghiklmnopqrstuvxyABCDGHKLMNOPQRSTUVXY ,.:\n/-0123456789", max_size=300))
def test_same_letters_same_length(text: str) -> None:
    """Only marks are added: every span stays valid and the bare letters are the input's."""
    got, _ = restore_unmarked(text)
    assert len(got) == len(text) and fold(got) == fold(text)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_unmarked_seed_parsed(path: Path, tmp_path: Path) -> None:
    """A seed without its marks gives its header fields (compared without marks, as FIELDS.md
    scores such a text), goes to review, and says its marks were guessed."""
    gold = {
        r["file"]: r for r in map(json.loads, (CORPUS / "seeds" / "gold.jsonl").read_text().splitlines())
    }[path.name]
    bare = tmp_path / path.name
    bare.write_text(strip_marks(path.read_text(encoding="utf-8")), encoding="utf-8")
    rec = vanban.parse_file(bare).to_dict()
    for field in ("number", "date", "doc_type", "subject"):
        assert fold(str(rec[field])) == fold(str(gold[field])), field
    assert fold(rec["signer"]["name"]) == fold(gold["signer"]["name"])
    assert all(v < 0.9 for v in rec["confidence"].values())
    assert any("khôi phục dấu" in p["message"] for p in rec["problems"])


def test_an_unmarked_word_file_goes_to_review() -> None:
    """Typed without marks in Word: the same restoration, the same review, whatever the format."""
    text = SEEDS[1].read_text(encoding="utf-8").replace("**", "").replace("~~", "")
    word = docx.Document()
    for line in strip_marks(text).split("\n"):
        word.add_paragraph(line)
    buf = io.BytesIO()
    word.save(buf)
    doc = vanban.parse_bytes(buf.getvalue(), "cv.docx")
    assert doc.number is not None and doc.number.value == "3241/UBND-KGVX"
    assert doc.date is not None and doc.date.value.isoformat() == "2023-10-04"
    assert all(v < 0.9 for v in doc.confidence.values())


def test_a_text_that_lost_most_of_its_marks(tmp_path: Path) -> None:
    """An old OCR layer that lost the marks of most words, not all (seven in ten here): its bare
    words are restored beside the marked ones (typed text has over 65 % of its words marked)."""
    rng = random.Random(5)
    text = unicodedata.normalize("NFC", SEEDS[1].read_text(encoding="utf-8"))
    partly = re.sub(r"[^\W\d_]+", lambda m: strip_marks(m.group()) if rng.random() < 0.7 else m.group(), text)
    assert not unmarked(text) and unmarked(partly)
    path = tmp_path / "cv.txt"
    path.write_text(partly, encoding="utf-8")
    rec = vanban.parse_file(path).to_dict()
    assert (rec["number"], rec["date"]) == ("3241/UBND-KGVX", "2023-10-04")
    assert fold(rec["issuer"]) == fold("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI")
