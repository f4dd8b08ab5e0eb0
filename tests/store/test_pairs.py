"""Syllable pairs: ``ky cuong`` is one token ``ky_cuong`` (SQLite ``doc_pairs``), hits in tiers."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanban.store import Archive, Filters
from vanban.store import search as search_module
from vanban.store.search import (
    PHRASE_BONUS,
    TIER_BASE,
    WORDS_BONUS,
    cover_pairs,
    pairs,
    pairs_match,
    parse_query,
    shadow,
)

from .conftest import CHI_THI, write


def test_pairs_of_text_and_query() -> None:
    assert pairs(shadow("Kỷ cương, kỷ luật")) == "ky_cuong cuong_ky ky_luat"
    assert pairs(shadow("đất")) == ""
    assert pairs_match(parse_query("kỷ cương")) == '{head body} : ("ky_cuong")'
    assert pairs_match(parse_query("kỷ cuo")) == '{head body} : ("ky_cuo"*)'  # a word being typed
    assert pairs_match(parse_query("ky cuong hanh")) == '{head body} : ("ky_cuong" AND "cuong_hanh")'
    assert pairs_match(parse_query('"ky cuong" hanh chinh*')) == (
        '{head body} : ("ky_cuong" AND "cuong_hanh" AND "hanh_chinh"*)'
    )
    assert pairs_match(parse_query("đất")) is None
    groups = Filters(year=2019, issuer="tinh uy").groups()
    assert pairs_match(parse_query("ky cuong"), groups) == (
        '{head body} : ("ky_cuong") AND meta : (("y2019")) AND meta : (("itinh" AND "iuy"))'
    )


@given(
    st.text(alphabet=st.sampled_from("aăâđeêoôơuưyKỷcươngĐẤT _-,.\n\t1"), max_size=60) | st.text(max_size=40)
)
def test_pairs_are_adjacent_alphanumeric_words(text: str) -> None:
    words = re.findall(r"[^\W_]+", shadow(text))
    assert pairs(shadow(text)) == " ".join(a + "_" + b for a, b in pairwise(words))


@pytest.mark.parametrize(
    ("query", "covers"),
    [
        ("ke hoach thuc hien", [["ke_hoach", "thuc_hien"]]),
        ("thue gia tri gia tang", [["thue_gia", "tri_gia"], ["gia_tri", "gia_tang"]]),
        ("đầu tư công", [["dau_tu"], ["tu_cong"]]),
        ("công tác cán b", [["cong_tac", "can_b*"]]),
        ("kỷ cương", []),
        ("đất", []),
    ],
)
def test_cover_pairs_read_the_query_as_words(query: str, covers: list[list[str]]) -> None:
    assert cover_pairs(parse_query(query)) == covers


ADJACENT = CHI_THI.format(extra="siết chặt kỷ cương hành chính")
APART = CHI_THI.format(extra="").replace("24-CT/TU", "31-CT/TU").replace("kỷ cương", "kỷ luật, cương quyết")


@pytest.fixture
def tiered(archive: Archive, tmp_path: Path) -> Archive:
    write(tmp_path / "in" / "a.txt", ADJACENT)
    write(tmp_path / "in" / "b.txt", APART)
    archive.add_paths([tmp_path / "in"])
    return archive


@pytest.mark.parametrize("query", ["ky cuong", "kỷ cương", "KỶ CƯƠNG", "kỹ cương"])
def test_pair_index_finds_the_word_either_spelling(tiered: Archive, query: str) -> None:
    assert "kỷ cương" not in APART.lower()
    page = tiered.search(query, limit=10)
    numbers = [h.number for h in page.hits]
    assert numbers[0] == "24-CT/TU"  # the syllables side by side come first
    assert "31-CT/TU" in numbers  # the words apart are still a match (after)
    assert page.total == len(page.hits)
    if tiered.sqlite:
        assert page.hits[0].score >= PHRASE_BONUS > page.hits[-1].score


def test_words_apart_rank_between_the_phrase_and_scattered_syllables(
    archive: Archive, tmp_path: Path
) -> None:
    base = CHI_THI.replace("kỷ cương", "nề nếp")
    docs = {
        "51-CT/TU": "tăng cường công tác cán bộ",  # side by side
        "52-CT/TU": "công tác đào tạo cán bộ",  # both words, apart
        "53-CT/TU": "cán sự làm công việc, tác phong, bộ máy",  # only the syllables
    }
    for number, extra in docs.items():
        write(tmp_path / "in" / f"{number[:2]}.txt", base.replace("24-CT/TU", number).format(extra=extra))
    archive.add_paths([tmp_path / "in"])
    hits = archive.search("công tác cán bộ").hits
    assert [h.number for h in hits] == ["51-CT/TU", "52-CT/TU", "53-CT/TU"]
    if archive.sqlite:
        assert hits[0].score >= PHRASE_BONUS > hits[1].score >= WORDS_BONUS > hits[2].score


def test_filters_apply_in_both_tiers(tiered: Archive) -> None:
    assert [h.number for h in tiered.search("ky cuong", Filters(year=2018)).hits] == []
    both = tiered.search("ky cuong", Filters(year=2019, doc_type="chi thi", issuer="tinh uy"))
    assert {h.number for h in both.hits} == {"24-CT/TU", "31-CT/TU"}


@pytest.mark.parametrize("ranked_max", [search_module.RANKED_MAX, 2])
def test_pages_across_tiers_and_ties(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ranked_max: int
) -> None:
    # nine documents with the same length score alike: a page boundary falls inside the tie;
    # with ``ranked_max`` 2 the matches are "large" and come newest first (ties on the date)
    monkeypatch.setattr(search_module, "RANKED_MAX", ranked_max)
    for i in range(9):
        extra = f"kỷ cương mục {i}" if i % 3 else f"kỷ mục {i} cương"
        base = CHI_THI.replace("kỷ cương", "kỷ luật").replace("24-CT/TU", f"{40 + i}-CT/TU")
        text = base.format(extra=extra)
        write(tmp_path / "in" / f"{i}.txt", text)
    archive.add_paths([tmp_path / "in"])
    for query in ("ky cuong", "chi thi ky cuong"):
        everything = archive.search(query, limit=100)
        seen, scores, after = [], [], None
        while True:
            page = archive.search(query, limit=2, after=after, facets=False)
            seen += [h.id for h in page.hits]
            scores += [h.score for h in page.hits]
            if page.next is None:
                break
            after = page.next
        assert len(seen) == len(set(seen)) == everything.total == len(everything.hits)
        assert set(seen) == {h.id for h in everything.hits}
        assert scores == sorted(scores, reverse=True)


def test_pair_index_follows_edits(archive: Archive, tmp_path: Path) -> None:
    def adjacent(q: str) -> list[str | None]:  # tier-1 hits on SQLite, every hit elsewhere
        return [h.number for h in archive.search(q).hits if not archive.sqlite or h.score >= PHRASE_BONUS]

    p = write(tmp_path / "in" / "a.txt", ADJACENT)
    archive.add_paths([p])
    assert adjacent("ky cuong hanh chinh") == ["24-CT/TU"]
    assert adjacent("chuyen doi so") == []
    write(p, CHI_THI.format(extra="chuyển đổi số").replace("kỷ cương", "nề nếp"))
    assert archive.add_file(p).status == "version"
    assert archive.sqlite is False or adjacent("ky cuong hanh chinh") == []
    assert adjacent("chuyen doi so") == ["24-CT/TU"]
    archive.reparse()
    assert archive.sqlite is False or adjacent("ky cuong hanh chinh") == []
    assert adjacent("chuyen doi so") == ["24-CT/TU"]
    if archive.sqlite:  # every 'delete' gave the values written, or FTS5 would see a corrupt index
        with archive.engine.begin() as c:
            c.exec_driver_sql("INSERT INTO doc_pairs(doc_pairs) VALUES ('integrity-check')")


def test_every_word_in_the_head_ranks_above_the_body_and_follows_edits(
    archive: Archive, tmp_path: Path
) -> None:
    """Tier 3 (every term in the head, ``doc_head``) before tier 4 (the rest), newest first
    within each: the older document whose trích yếu holds the words comes first."""
    in_head = write(tmp_path / "in" / "a.txt", CHI_THI.format(extra="cải cách"))  # "kỷ luật, … hành chính"
    in_body = CHI_THI.replace("24-CT/TU", "25-CT/TU").replace("kỷ luật, kỷ cương hành chính", "nề nếp")
    in_body = in_body.replace(
        "thực hiện nghiêm.", "thực hiện nghiêm.\n\nXử lý vi phạm pháp luật, điều hành tốt."
    )
    archive.add_paths([in_head, write(tmp_path / "in" / "b.txt", in_body.format(extra="cải cách"))])
    hits = archive.search("luật hành").hits
    assert [h.number for h in hits] == ["24-CT/TU", "25-CT/TU"]
    if archive.sqlite:
        assert PHRASE_BONUS > WORDS_BONUS > hits[0].score >= TIER_BASE[3] > hits[1].score
    write(in_head, CHI_THI.replace("kỷ luật, kỷ cương hành chính", "nề nếp").format(extra="cải cách"))
    assert archive.add_file(in_head).status == "version"
    assert [h.number for h in archive.search("luật hành").hits] == ["25-CT/TU"]
    archive.remove(hits[1].id)
    assert archive.search("luật hành").hits == []
    if archive.sqlite:
        with archive.engine.begin() as c:
            c.exec_driver_sql("INSERT INTO doc_head(doc_head) VALUES ('integrity-check')")
