"""Table-driven tests of ``vanban.cite`` on real citation strings copied from the corpora.

Each case in ``citations.json`` is a clause from a corpus file (``src``, relative to
``shared/corpus``) and the mentions a careful reader finds in it, in text order: ``number``,
``doc_type``, ``date`` always; ``issuer``, ``relation``, ``title`` (a prefix; ``null`` = no
title), ``named`` only where the text makes them clear. A case with ``xfail`` documents a gap
of today's extractor (strict: a fixed case must lose its mark).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from vanban.cite import canonical_key, get_citations, resolve_citations
from vanban.normalize import normalize

CASES: list[dict[str, Any]] = json.loads((Path(__file__).with_name("citations.json")).read_text("utf-8"))


def fold(s: str | None) -> str | None:
    """Compare text as FIELDS.md does: NFC, lower case, white space folded, edge punctuation off."""
    if s is None:
        return None
    s = unicodedata.normalize("NFC", s).lower().replace("uỷ", "ủy").replace("hoà", "hòa")
    return " ".join(s.split()).strip(" -•*.;:,\"'“”")


def _title_core(s: str | None) -> str | None:
    f = fold(s)
    return re.sub(r"^(?:về việc|về|v/v)\s+", "", f) if f else f


def _params() -> list[Any]:
    out = []
    for i, c in enumerate(CASES):
        cid = f"{i:03d}-{Path(c['src']).stem[:16]}"
        marks = [pytest.mark.xfail(strict=True, reason=c["xfail"])] if c.get("xfail") else []
        out.append(pytest.param(c, id=cid, marks=marks))
    return out


def test_enough_cases() -> None:
    assert len(CASES) >= 150
    assert {Path(c["src"]).name for c in CASES} >= {"000_ca0004599b82fec2.txt", "002_852c67c28b4a1981.txt"}
    assert sum(1 for c in CASES if not c["expect"]) >= 3  # negatives


@pytest.mark.parametrize("case", _params())
def test_citation_string(case: dict[str, Any]) -> None:
    t = normalize(case["text"]).text
    got = get_citations(t)
    want = case["expect"]
    got_core = [(m.number, m.doc_type, m.date.isoformat() if m.date else None) for m in got]
    want_core = [(e["number"], e["doc_type"], e["date"]) for e in want]
    assert got_core == want_core
    for m, e in zip(got, want, strict=True):
        assert m.named == bool(e.get("named", e["number"] is None)), e
        if "issuer" in e:
            assert fold(m.issuer) == fold(e["issuer"]), (m.issuer, e)
        if "relation" in e:
            assert m.relation == e["relation"], (m.number or m.title, e)
        if "title" in e:
            if e["title"] is None:
                assert m.title is None, (m.title, e)
            else:
                assert m.title is not None, e
                assert (_title_core(m.title) or "").startswith(_title_core(e["title"]) or ""), (m.title, e)


def test_seed_citations_complete() -> None:
    """Every citation the seeds' gold lists is found in the seed clauses of this table, with its date."""
    gold = {
        "5141-CV/BTGTU": ("Công văn", "2024-12-24"),
        "1179-KL/TU": ("Kết luận", None),
        "22-CT/TU": ("Chỉ thị", "2019-05-07"),
        "07-CT/TW": ("Chỉ thị", "2016-09-05"),
        "09/2017/NĐ-CP": ("Nghị định", "2017-02-09"),
        "1374-QĐ/TU": ("Quy định", "2017-12-01"),
        "07/CT-TTg": ("Chỉ thị", None),
        "09/CT-UBND": ("Chỉ thị", None),
        "114-HD/BTGTU": ("Hướng dẫn", "2023-08-23"),
        "24-CT/TU": ("Chỉ thị", "2023-08-07"),
        "171-KH/TU": ("Kế hoạch", "2023-08-14"),
        "238-QĐ/TW": ("Quyết định", "2020-09-30"),
    }
    seen: dict[str, tuple[str | None, str | None]] = {}
    for c in CASES:
        if Path(c["src"]).name.startswith(("000_", "002_")):
            for m in resolve_citations(get_citations(normalize(c["text"]).text)):
                if m.number and (m.number not in seen or seen[m.number][1] is None):
                    seen[m.number] = (m.doc_type, m.date.isoformat() if m.date else None)
    assert {k: seen.get(k) for k in gold} == gold


# canonical keys: one document, one key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("09/2017/NĐ-CP", "Nghị định", None), ("09/2017/ND-CP", "Nghị định", None)),
        (("74/2013/TT- BTC", "Thông tư", None), ("74/2013/TT-BTC", "Thông tư", None)),
        (("1138 -CV/ĐU", "Công văn", dt.date(2025, 1, 2)), ("1138-CV/ĐU", "Công văn", dt.date(2025, 1, 2))),
        (("596/QĐ- BVHTTDL", "Quyết định", None), ("596/QĐ-BVHTTDL", "Quyết định", None)),
        (
            ("3241/UBND-KGVX", "Công văn", dt.date(2023, 10, 4)),
            ("3241/ubnd-kgvx", "Công văn", dt.date(2023, 10, 4)),
        ),
    ],
)
def test_canonical_key_same(a: tuple[str, str, dt.date | None], b: tuple[str, str, dt.date | None]) -> None:
    assert canonical_key(*a) == canonical_key(*b)


def test_canonical_key_cong_van_gets_year() -> None:
    """Công văn numbers restart every year: the same number in two years is two documents."""
    k23 = canonical_key("3241/UBND-KGVX", "Công văn", dt.date(2023, 10, 4))
    k24 = canonical_key("3241/UBND-KGVX", "Công văn", dt.date(2024, 10, 4))
    assert k23 != k24
    assert "2023" in k23
    # a number that carries its year does not need the date
    assert canonical_key("09/2017/NĐ-CP", "Nghị định", dt.date(2017, 2, 9)) == canonical_key(
        "09/2017/NĐ-CP", "Nghị định", None
    )


def test_canonical_key_distinct_documents() -> None:
    assert canonical_key("24-CT/TU", "Chỉ thị", dt.date(2023, 8, 7)) != canonical_key(
        "22-CT/TU", "Chỉ thị", dt.date(2023, 8, 7)
    )
    assert canonical_key(None, "Luật", dt.date(2015, 6, 19), "Luật Tổ chức chính quyền địa phương") == (
        canonical_key(None, "Luật", dt.date(2015, 6, 19), "Luật  tổ chức chính quyền địa phương")
    )


def test_resolve_merges_mentions_of_one_number() -> None:
    """The Party seed cites Kết luận 1179-KL/TU five times and Chỉ thị 22-CT/TU once."""
    seed = next(c for c in CASES if c["text"].startswith("Thực hiện Công văn số 5141-CV/BTGTU"))
    t = normalize(seed["text"]).text
    mentions = get_citations(t)
    assert [m.number for m in mentions].count("1179-KL/TU") == 2
    cits = resolve_citations(mentions)
    assert [c.number for c in cits] == ["5141-CV/BTGTU", "1179-KL/TU", "22-CT/TU"]
    kl = cits[1]
    assert kl.doc_type == "Kết luận" and fold(kl.issuer) == "ban thường vụ thành ủy"


def test_resolve_takes_date_from_the_mention_that_has_it() -> None:
    """Hanoi seed: Kế hoạch 171-KH/TU is dated in one bullet and cited bare in two others."""
    texts = [
        "tuyên truyền nhân rộng các mô hình tốt trong thực hiện Chỉ thị và Kế hoạch số 171-KH/TU.",
        "và Kế hoạch số 171-KH/TU ngày 14/8/2023 của Thành ủy Hà Nội về thực hiện Chỉ thị",
    ]
    t = normalize("\n\n".join(texts)).text
    cits = resolve_citations(get_citations(t))
    assert len(cits) == 1
    assert cits[0].date == dt.date(2023, 8, 14)
    assert cits[0].relation == "implements"  # the first mention's relation, not "mentions"
    assert cits[0].key == canonical_key("171-KH/TU", "Kế hoạch", dt.date(2023, 8, 14))
