"""The record read back: ``Document.from_dict`` inverts ``to_dict`` on real documents of the corpus."""

import datetime as dt
import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import vanban
from vanban.errors import RecordError
from vanban.model import (
    Deadline,
    DeadlineKind,
    Document,
    Problem,
    Recurrence,
    Relation,
    Role,
    Severity,
    System,
)
from vanban.read.base import Reading
from vanban.read.signatures import PdfSignature

CORPUS = Path(__file__).parents[1] / ".." / "shared" / "corpus"
# every seed and visible gold document; every 10th of the larger sets (all of them were checked once)
FILES = [
    *sorted((CORPUS / "seeds").glob("*.txt")),
    *sorted((CORPUS / "gold").glob("*.txt")),
    *(p for d in ("tvpl", "vbpl", "wild") for p in sorted((CORPUS / d).glob("*.txt"))[::10]),
]


def _json(d: dict) -> dict:
    """``d`` as it comes back from a JSON column."""
    return json.loads(json.dumps(d, ensure_ascii=False))


@pytest.fixture(scope="module", params=FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def doc(request: pytest.FixtureRequest) -> Document:
    return vanban.parse_file(request.param)


def test_corpus_is_there() -> None:
    assert len(FILES) > 100


def test_a_detailed_record_gives_back_the_document(doc: Document) -> None:
    assert Document.from_dict(_json(doc.to_dict(detail=True))) == doc


def test_a_stored_record_and_the_text_give_back_the_record(doc: Document) -> None:
    rec = _json(doc.to_dict())
    back = Document.from_dict(rec, doc.text)
    assert _json(back.to_dict()) == rec
    for t, orig in zip(back.tasks, doc.tasks, strict=True):
        # a unit named twice in one task keeps one role in the record ("roles" is by name)
        roles = {a.name: a.role for a in orig.assignees}
        assert [(a.name, a.role) for a in t.assignees] == [(a.name, roles[a.name]) for a in orig.assignees]
        assert t.action == orig.action
        assert t.deadline == (
            orig.deadline and Deadline(**{**vars(orig.deadline), "text": "", "span": (0, 0)})
        )
    assert back.citations == doc.citations
    assert (back.number, back.issuer, back.subject, back.signer and back.signer.name) == (
        doc.number,
        doc.issuer,
        doc.subject,
        doc.signer and doc.signer.name,
    )


def test_the_record_is_unchanged_by_detail(doc: Document) -> None:
    """``detail`` adds keys; it never changes one the record already has."""
    rec, full = doc.to_dict(), doc.to_dict(detail=True)
    assert {k: full[k] for k in rec if k not in ("signer", "tasks", "sections")} == {
        k: v for k, v in rec.items() if k not in ("signer", "tasks", "sections")
    }
    assert [{k: t[k] for k in rt} for t, rt in zip(full["tasks"], rec["tasks"], strict=True)] == rec["tasks"]


# closed sets: enums that serialize as the strings of FIELDS.md


@pytest.mark.parametrize(
    ("enum", "value"),
    [
        (System, "party"),
        (Role, "coordinate"),
        (Relation, "implements"),
        (DeadlineKind, "relative"),
        (Recurrence, "half_yearly"),
        (Severity, "warning"),
    ],
)
def test_a_closed_set_is_its_string(enum: type, value: str) -> None:
    member = enum(value)
    assert member == value and hash(member) == hash(value) and json.dumps(member) == f'"{value}"'
    assert {value: 1}[member] == 1


def test_a_value_outside_a_closed_set_is_refused() -> None:
    with pytest.raises(ValueError, match="hourly"):
        Deadline(None, "recurring", "hằng giờ", (0, 8), "hourly")
    with pytest.raises(ValueError, match="fatal"):
        Problem("x", "fatal", "…")


def _toml(name: str) -> dict:
    with resources.files("vanban.data").joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


def test_the_enums_hold_the_keys_of_the_data_files() -> None:
    assert set(_toml("citations.toml")["relation"]) | {"mentions"} == {r.value for r in Relation}
    assert set(_toml("tasks.toml")["recurrence"]) == {r.value for r in Recurrence}


# records that are not what to_dict wrote


SEED = CORPUS / "seeds" / "000_ca0004599b82fec2.txt"


@pytest.fixture(scope="module")
def seed_record() -> dict:
    return _json(vanban.parse_file(SEED).to_dict())


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda r: r.pop("spans"), "spans"),
        (lambda r: r.pop("tasks"), "tasks"),
        (lambda r: r["citations"][0].update(relation="cites"), "cites"),
        (lambda r: r["citations"][0].update(date="24/12/2024"), "24/12/2024"),
        (lambda r: r["tasks"][0].update(span="12-30"), "span"),
        (lambda r: r.update(system="province"), "province"),
        (lambda r: r.update(recipients=["a", "b", "c"]), "3 values"),
    ],
    ids=["no spans", "no tasks", "relation", "date", "task span", "system", "recipients"],
)
def test_a_broken_record_is_a_clear_error(seed_record: dict, change, words: str) -> None:
    rec = _json(seed_record)
    change(rec)
    with pytest.raises(RecordError, match="Bản ghi văn bản không hợp lệ") as e:
        Document.from_dict(rec)
    assert words in str(e.value)


def test_a_confirmed_value_without_a_span_is_read(seed_record: dict) -> None:
    """A clerk's correction (``store.review.apply``) sets a value and no span."""
    rec = _json(seed_record)
    rec.update(date="2025-01-02", number_parts=None, issuer="Đảng ủy Khối")
    rec["signer"]["name"] = "Nguyễn Văn A"
    doc = Document.from_dict(rec, SEED.read_text(encoding="utf-8"))
    assert doc.date and doc.date.value == dt.date(2025, 1, 2) and doc.date.span == (0, 0)
    assert doc.issuer and doc.issuer.value == "Đảng ủy Khối"
    assert doc.number and doc.number.value == "1138-CV/ĐU" and doc.number.seq is None
    assert doc.signer and doc.signer.name and doc.signer.name.value == "Nguyễn Văn A"


def test_evidence_and_signatures_round_trip(seed_record: dict) -> None:
    reading = Reading("number.seq", "1138", ("1138", "1138", "1188"), 0.667, 1, (10, 20, 300, 60), 300)
    sig = PdfSignature(
        "Sig1", "Nguyễn Văn A", "UBND", None, "Hà Nội", None,
        dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        "timestamp", True, "entire_file", None, "sha256", None, ("không tin cậy",),
    )  # fmt: skip
    doc = Document.from_dict(seed_record, "x")
    doc = Document(
        **{**vars(doc), "readings": (reading,), "signatures": (sig,), "meta": (("so_ky_hieu", "1138"),)}
    )
    assert Document.from_dict(_json(doc.to_dict(detail=True))) == doc
