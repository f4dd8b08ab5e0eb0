"""The two seed documents parse exactly to their hand-labelled gold (every field)."""

from __future__ import annotations

import pytest

import vanban

from .conftest import CORPUS, gold_rows

SEEDS = gold_rows("seeds")


@pytest.mark.parametrize("gold", SEEDS, ids=[g["file"] for g in SEEDS])
def test_seed_matches_gold_exactly(gold, score):
    doc = vanban.parse_file(CORPUS / "seeds" / gold["file"])
    pred = doc.to_dict()
    t = score.Tally()
    score.score_doc(t, gold, pred)
    assert t.misses == [], t.misses
    for field, (tp, npred, ngold) in t.lists.items():
        assert tp == npred == ngold, field


def test_hanoi_seed_record_details():
    doc = vanban.parse_file(CORPUS / "seeds" / "002_852c67c28b4a1981.txt")
    assert doc.number.seq == "3241" and doc.number.symbols == ("UBND", "KGVX")
    assert doc.number.type_abbr is None  # a State công văn: no type code
    assert [s.label for s in doc.sections if s.level == 4] == ["1.", "2.", "3.", "4."]
    keys = [a.key for t in doc.tasks for a in t.assignees]
    assert "so thong tin va truyen thong" in keys
    rules = [p.rule for p in doc.problems]
    assert rules.count("cite.title") >= 1  # Chỉ thị 24-CT/TU quoted two ways


def test_party_seed_is_party():
    doc = vanban.parse_file(CORPUS / "seeds" / "000_ca0004599b82fec2.txt")
    assert doc.system == "party"
    assert doc.number.type_abbr == "CV" and doc.number.symbols == ("ĐU",)
    assert doc.signer.authority == "T/M"
    assert [m.value for m in doc.signer.markers] == ["T/M BAN THƯỜNG VỤ"]
    assert doc.date is None and doc.issuer is None  # lost in OCR: nothing invented
