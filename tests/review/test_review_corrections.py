"""Corrections that stick: pending fields, decisions laid over the record and the search columns,
kept by a reparse and a new version; bad values refused with a Vietnamese reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_helpers import SEED
from typer.testing import CliRunner

from vanban.cli import app as cli
from vanban.store import Archive, Filters, archive, ingest, review
from vanban.store.models import DocumentRow


def _decide(arc: Archive, doc_id: int, values: dict[str, str]) -> list[review.Decision]:
    with arc.Session() as s, s.begin():
        rec = s.get(DocumentRow, doc_id).record  # type: ignore[union-attr]
        out = review.decide(rec, values)
        review.record(s, doc_id, out, None)
        archive.refresh(s, doc_id)
    return out


def test_pending_fields_follow_the_threshold() -> None:
    rec = {
        "confidence": {"number": 0.96, "date": 0.55, "issuer": 0.4},
        "sources": {},
        "number": "1/UBND",
        "date": "2020-08-03",
        "issuer": "UBND",
        "doc_type": None,
        "signer": {"name": None},
    }
    assert review.threshold() == 0.9
    assert review.pending(rec) == ["date", "doc_type", "issuer"]  # doc_type expected, missing
    rec["evidence"] = [{"field": "date.day"}]  # a scan: the issuer and signer are expected too
    assert review.pending(rec) == ["date", "doc_type", "issuer", "signer.name"]
    assert review.pending({"number": "1/UBND"}) == []  # recorded before the assessment


@pytest.mark.usefixtures("fake_scans")
def test_correction_survives_reparse_and_wins_everywhere(arc: Archive, scan: Path) -> None:
    doc_id = arc.add_file(scan).document_id
    assert doc_id is not None
    d = arc.get(doc_id)
    assert d is not None and d.record is not None
    assert review.pending(d.record) == ["date", "issuer"]
    proposed_date = d.record["date"]
    # the misread issuer and the unsure date count nowhere until confirmed
    assert d.issuer is None and d.record["issuer"]
    page = arc.search("")
    assert [h.id for h in page.hits] == [doc_id]
    assert page.facets["issuer"] == [(None, 1)] and page.facets["year"] == [(None, 1)]
    assert arc.search("", Filters(year=2020)).hits == []
    decisions = _decide(
        arc, doc_id, {"date": "03/08/2020", "issuer": "UBND THÀNH PHỐ HÀ NỘI", "number": d.number}
    )
    assert [(x.field, x.corrected) for x in decisions] == [
        ("date", True),
        ("issuer", True),
        ("number", False),
    ]
    assert decisions[0].proposed == proposed_date and decisions[0].confidence == 0.55

    def check() -> None:
        d = arc.get(doc_id)
        assert d is not None and d.record is not None
        assert d.date is not None and d.date.isoformat() == "2020-08-03" == d.record["date"]
        assert d.issuer == "UBND THÀNH PHỐ HÀ NỘI"
        assert d.record["confidence"]["date"] == 1.0 and d.record["sources"]["issuer"] == "confirmed"
        assert review.pending(d.record) == []
        with arc.Session() as s:
            assert s.get(DocumentRow, doc_id).needs_review is False  # type: ignore[union-attr]
        # search filters, facets and the head read the corrected values
        assert [h.id for h in arc.search("", Filters(year=2020)).hits] == [doc_id]
        page = arc.search("thanh pho ha noi", Filters(issuer="UBND THÀNH PHỐ"))
        assert [h.id for h in page.hits] == [doc_id]
        assert ("UBND THÀNH PHỐ HÀ NỘI", 1) in page.facets["issuer"]
        assert page.facets["year"] == [(2020, 1)]

    check()
    summary = arc.reparse()
    assert [r.status for r in summary.results] == ["reparsed"]
    check()
    # the parser's proposal is back in a fresh parse, but not in the stored record
    assert ingest.parse_bytes(scan.read_bytes(), scan.name).record["date"] == proposed_date  # type: ignore[index]


@pytest.mark.usefixtures("fake_scans")
def test_cli_show_and_export_after_reparse(arc: Archive, scan: Path, tmp_path: Path) -> None:
    doc_id = arc.add_file(scan).document_id
    assert doc_id is not None
    _decide(arc, doc_id, {"date": "2020-08-03"})
    runner = CliRunner()
    home = ["--home", str(arc.home)]
    r = runner.invoke(cli, ["reparse", *home])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["show", str(doc_id), "--json", *home])
    assert r.exit_code == 0, r.output
    rec = json.loads(r.stdout)["record"]
    assert rec["date"] == "2020-08-03" and rec["sources"]["date"] == "confirmed"
    r = runner.invoke(cli, ["show", str(doc_id), *home])
    assert r.exit_code == 0, r.output
    assert "Cần kiểm tra" in r.output and "Cơ quan ban hành (chưa xác nhận)" in r.output
    assert "2020-08-03" in r.output
    out = tmp_path / "x.csv"
    r = runner.invoke(cli, ["export", "--format", "csv", "-o", str(out), *home])
    assert r.exit_code == 0, r.output
    assert "2020-08-03" in out.read_text(encoding="utf-8")


def test_text_document_keeps_its_values(arc: Archive) -> None:
    doc_id = arc.add_file(SEED).document_id
    assert doc_id is not None
    d = arc.get(doc_id)
    assert d is not None and d.record is not None
    assert review.pending(d.record) == ["issuer"]  # read from text at 0.85 < 0.9
    _decide(arc, doc_id, {"issuer": d.issuer or ""})  # confirmed as it is
    d = arc.get(doc_id)
    assert d is not None and d.record is not None and review.pending(d.record) == []
    assert d.record["confidence"]["issuer"] == 1.0 and d.record["sources"]["issuer"] == "confirmed"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("date", "31/02/2020", "không hợp lệ"),
        ("date", "hôm qua", "dd/mm/yyyy"),
        ("number", "   ", "không được để trống"),
        ("place", "Hà Nội", "Không có trường"),
        ("number", "1" * 300, "quá dài"),
    ],
)
def test_bad_values_are_refused(field: str, value: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        review.decide({"number": "1/UBND"}, {field: value})


def test_a_proposal_given_back_is_a_confirmation() -> None:
    rec = {"subject": "Về việc tổ chức\nhội nghị", "sources": {}, "confidence": {}}
    (d,) = review.decide(rec, {"subject": "  Về việc tổ chức hội nghị "})
    assert not d.corrected and d.value == rec["subject"]
    confirmed = review.apply(rec, {"subject": d.value})
    assert confirmed["sources"]["subject"] == "confirmed" and confirmed["confidence"]["subject"] == 1.0
    assert review.decide(confirmed, {"subject": "Về việc tổ chức hội nghị"}) == []  # nothing new
    (d,) = review.decide(confirmed, {"subject": "Về việc tổ chức hội thảo"})
    assert d.corrected and d.proposed == rec["subject"]
