"""Search: folding, phrases, prefixes, filters, ranking, snippets, keyset pages, facets, freshness."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from vanban.store import Archive, Filters
from vanban.store.search import parse_query, shadow

from .conftest import BACKENDS, CHI_THI, KE_HOACH, backend_url, corpus, write

REAL = corpus("gold/008.txt", "gold/009.txt", "gold/013.txt", "gold/001.txt", "gold/083.txt", "tvpl")


def _generated(folder: Path) -> Path:
    write(folder / "old.txt", CHI_THI.format(extra="công tác hoà giải ở cơ sở, thuỷ lợi"))
    write(
        folder / "new.txt",
        KE_HOACH.format(number=15, cited="Chỉ thị số 24-CT/TU ngày 05/3/2019", extra="về hòa giải, thủy lợi"),
    )
    return folder


@pytest.fixture(scope="module", params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """Read-only: the corpus' gold samples and tvpl set, and generated documents spelling ``hoà``/``hòa``."""
    tmp = tmp_path_factory.mktemp("filled")
    for url in backend_url(request.param, tmp):
        with Archive.open(tmp / "home", url) as ar:
            ar.add_paths(REAL, jobs=2)
            ar.add_paths([_generated(tmp / "g")])
            yield ar


def _numbers(ar: Archive, q: str, f: Filters | None = None) -> set[str | None]:
    return {h.number for h in ar.search(q, f, limit=200).hits}


# (query, filters, numbers that must be among the hits, numbers that must not be)
CASES = [
    ("hoà giải", None, {"24-CT/TU", "15/KH-UBND"}, set()),  # old tone placement finds both
    ("hòa giải", None, {"24-CT/TU", "15/KH-UBND"}, set()),  # new tone placement finds both
    ("hoa giai", None, {"24-CT/TU", "15/KH-UBND"}, set()),  # no diacritics
    ("HOÀ GIẢI", None, {"24-CT/TU", "15/KH-UBND"}, set()),  # upper case
    ("thuỷ lợi", None, {"24-CT/TU", "15/KH-UBND"}, set()),  # uy/ủy: the other pair of placements
    ("chi thi 24 ky cuong", None, {"24-CT/TU", "15/KH-UBND"}, set()),
    ("chỉ thị 24 kỷ cương", Filters(doc_type="Chỉ thị"), {"24-CT/TU"}, {"15/KH-UBND"}),
    ("ky cuong", Filters(doc_type="ke hoach"), {"15/KH-UBND"}, {"24-CT/TU"}),
    ("Đảng", Filters(system="party"), {"24-CT/TU"}, {"15/KH-UBND"}),
    ("dang", Filters(system="party"), {"24-CT/TU"}, {"15/KH-UBND"}),  # đ → d
    ("thue suat thue GTGT", None, {"3257/TNI-QLDN1"}, set()),
    ("thuế suất", Filters(issuer="thue tinh tay ninh"), {"3257/TNI-QLDN1"}, set()),
    ("thuế", Filters(year=2019), set(), {"3257/TNI-QLDN1"}),
    ('"ky luat, ky cuong"', None, {"24-CT/TU", "15/KH-UBND"}, set()),  # exact phrase, punctuation ignored
    ('"ky cuong ky luat"', None, set(), {"24-CT/TU", "15/KH-UBND"}),  # phrase order matters
    ("ky cuo", None, {"24-CT/TU", "15/KH-UBND"}, set()),  # the last word as a prefix
    ("cuo* ky", None, {"24-CT/TU", "15/KH-UBND"}, set()),  # an explicit prefix
    ("", Filters(number="24-CT/TU"), {"24-CT/TU"}, {"15/KH-UBND"}),
    ("", Filters(number="15/kh-ubnd"), {"15/KH-UBND"}, {"24-CT/TU"}),
    ("", Filters(date_from=dt.date(2019, 4, 1), date_to=dt.date(2019, 4, 30)), {"15/KH-UBND"}, {"24-CT/TU"}),
]


@pytest.mark.parametrize(("query", "filters", "present", "absent"), CASES, ids=[c[0] or "-" for c in CASES])
def test_search_cases(
    filled: Archive, query: str, filters: Filters | None, present: set[str], absent: set[str]
) -> None:
    found = _numbers(filled, query, filters)
    assert present <= found
    assert not (absent & found)


def test_query_language() -> None:
    t = parse_query('"Kỷ luật, kỷ cương" Chỉ thị 24/CT-TW hoà*')
    assert [(x.words, x.prefix) for x in t] == [
        (("ky", "luat", "ky", "cuong"), False),
        (("chi",), False),
        (("thi",), False),
        (("24", "ct", "tw"), False),
        (("hoa",), True),
    ]
    assert shadow("Đảng ủy, hoà/hòa") == "dang uy  hoa hoa"
    assert len(shadow("Cộng hoà xã hội chủ nghĩa")) == len("Cộng hoà xã hội chủ nghĩa")


def test_ranking_prefers_the_subject(filled: Archive) -> None:
    hits = filled.search("thue suat thue GTGT").hits
    assert hits[0].number == "3257/TNI-QLDN1"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_snippet_highlights_the_original_words(filled: Archive) -> None:
    hit = next(h for h in filled.search("hoa giai").hits if h.number == "24-CT/TU")
    words = [hit.snippet[a:b] for a, b in hit.highlights]
    assert "hoà" in words and "giải" in words


def test_keyset_pages_cover_everything_once(filled: Archive) -> None:
    for query in ("thue", ""):
        first = filled.search(query, limit=1000, facets=False)
        seen: list[int] = []
        after = None
        while True:
            page = filled.search(query, limit=7, after=after, facets=False)
            seen += [h.id for h in page.hits]
            if page.next is None:
                break
            after = page.next
        assert seen == [h.id for h in first.hits] and len(seen) == len(set(seen)) > 7


def test_bad_cursor_is_rejected(filled: Archive) -> None:
    with pytest.raises(ValueError):
        filled.search("thue", after="not-a-cursor")


def test_facets_count_every_match(filled: Archive) -> None:
    page = filled.search("thue", limit=3)
    assert page.total is not None and page.total > 3
    for name in ("doc_type", "year", "system"):
        assert sum(n for _v, n in page.facets[name]) == page.total or len(page.facets[name]) == 12
    types = dict(page.facets["doc_type"])
    assert types.get("Công văn", 0) == filled.search("thue", Filters(doc_type="cong van")).total


def test_index_never_stale(archive: Archive, tmp_path: Path) -> None:
    filled = archive
    filled.add_paths([_generated(tmp_path / "g"), *corpus("gold/008.txt")])
    d = filled.get_by_number("24-CT/TU")[0]
    filled.remove(d.id)
    assert "24-CT/TU" not in _numbers(filled, "hoa giai")
    filled.restore(d.id)
    assert "24-CT/TU" in _numbers(filled, "hoa giai")
    p = Path(d.source or "")
    write(p, CHI_THI.format(extra="chuyển đổi số"))
    assert filled.add_file(p).status == "version"
    assert "24-CT/TU" not in _numbers(filled, "hoa giai")
    assert "24-CT/TU" in _numbers(filled, "chuyen doi so")
