"""edXML packets: reading (metadata over the attachment's record), writing, status packets,
the e-office export beside a PDF, and malformed packets."""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

import vanban
from vanban.cli import app
from vanban.errors import ReadError
from vanban.exchange import build_packet, build_status, export_archived, split_code
from vanban.read import read_bytes
from vanban.read.edxml import Attachment, Organ, Packet, Reference, join_code, parse_packet, parse_status

CORPUS = Path(__file__).parents[2] / ".." / "shared" / "corpus"
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
SEED = CORPUS / "seeds" / "002_852c67c28b4a1981.txt"  # 3241/UBND-KGVX
TEXT_SETS = ("seeds", "gold", "tvpl", "vbpl")
ALL_SETS = (*TEXT_SETS, "pdf", "office", "hn-dev")


def _gold(corpus_set: str) -> list[dict]:
    path = CORPUS / corpus_set / "gold.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _one_per_type() -> list[tuple[str, dict]]:
    """One labelled document per (corpus, document type): the smallest with a number."""
    out: dict[tuple[str, str], tuple[int, dict]] = {}
    for name in ALL_SETS:
        for row in _gold(name):
            if not (row.get("doc_type") and row.get("number")):
                continue
            size = (CORPUS / name / row["file"]).stat().st_size
            key = (name, row["doc_type"])
            if key not in out or size < out[key][0]:
                out[key] = (size, row)
    return [(k[0], row) for k, (_size, row) in sorted(out.items())]


CASES = _one_per_type()


def _envelope_children(data: bytes) -> list[etree._Element]:
    root = etree.fromstring(data)
    env = root[0]
    return [env, *env.iter()]


def test_every_corpus_type_is_covered() -> None:
    types = {row["doc_type"] for _s, row in CASES}
    # the types the corpora label, across State, Party and legal documents
    assert {
        "Công văn",
        "Quyết định",
        "Chỉ thị",
        "Kế hoạch",
        "Thông tư",
        "Nghị định",
        "Luật",
        "Giấy mời",
    } <= types
    assert len(types) >= 15


@pytest.mark.parametrize(("corpus_set", "row"), CASES, ids=[f"{s}-{r['doc_type']}" for s, r in CASES])
def test_round_trip_per_type(corpus_set: str, row: dict) -> None:
    """Gold metadata in a packet reads back as the record, whatever the type; a text attachment
    is read back to the same text."""
    path = CORPUS / corpus_set / row["file"]
    if corpus_set in TEXT_SETS:
        att = Attachment(path.name, "text/plain", path.read_bytes())
    else:  # PDFs and Word files would need OCR/LibreOffice: a short text stands in
        att = Attachment(
            "van-ban.txt", "text/plain", f"Số: {row['number']}\n{row.get('subject', '')}\n".encode()
        )
    date = dt.date.fromisoformat(row["date"]) if row.get("date") else dt.date(2020, 1, 2)
    signer = (row.get("signer") or {}).get("name")
    packet = Packet(
        number=row["number"],
        date=date,
        doc_type=row["doc_type"],
        subject=row.get("subject") or "trích yếu",
        issuer=Organ(row.get("issuer") or "Cơ quan gửi", id="000.00.00.H26"),
        signer_name=signer,
        attachments=(att,),
    )
    data = build_packet(packet)
    back = parse_packet(data, "p.edxml")
    assert (back.number, back.date, back.doc_type, back.signer_name) == (
        row["number"],
        date,
        row["doc_type"],
        signer,
    )
    assert back.attachments[0].data == att.data
    rec = vanban.parse_bytes(data, "p.edxml").to_dict(spans=False)
    assert rec["number"] == row["number"]
    assert rec["date"] == date.isoformat()
    assert rec["doc_type"] == row["doc_type"]
    assert rec["sources"]["number"] == "metadata" and rec["confidence"]["date"] == 1.0
    if signer:
        assert rec["signer"]["name"] == signer
    if corpus_set in TEXT_SETS:
        assert read_bytes(data, "p.edxml").text.rstrip("\n") == read_bytes(att.data, path.name).text.rstrip(
            "\n"
        )


def _archive_run(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    home, dbu = tmp_path / "home", f"sqlite+pysqlite:///{tmp_path / 'v.db'}"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [*args, "--home", str(home), "--db", dbu])

    return run


def test_seed_exports_as_packet_and_reads_back(tmp_path: Path) -> None:
    run = _archive_run(tmp_path)
    assert run("add", str(SEED)).exit_code == 0
    out = tmp_path / "3241.edxml"
    r = run("edxml", "3241/UBND-KGVX", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    data = out.read_bytes()
    root = etree.fromstring(data)
    assert root.tag == f"{{{NS}}}edXML"
    for el in _envelope_children(data):  # the trục rejects envelope children without the prefix
        assert el.prefix == "edXML" and etree.QName(el).namespace == NS, el.tag
    mh = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader/{{{NS}}}MessageHeader")
    get = lambda path: mh.findtext("/".join(f"{{{NS}}}{p}" for p in path.split("/")))  # noqa: E731
    assert get("Code/CodeNumber") == "3241" and get("Code/CodeNotation") == "UBND-KGVX"
    assert get("PromulgationInfo/PromulgationDate") == "2023/10/04"
    assert get("DocumentType/TypeName") == "Công văn"
    assert get("SignerInfo/FullName") == "Hà Minh Hải" and get("SignerInfo/Competence") == "TM."
    att = root.find(f"{{{NS}}}AttachmentEncoded/{{{NS}}}Attachment")
    assert base64.b64decode(att.findtext(f"{{{NS}}}ContentTransferEncoded")) == SEED.read_bytes()
    rec = vanban.parse_bytes(data, "3241.edxml").to_dict(spans=False)
    assert (rec["number"], rec["date"], rec["signer"]["name"]) == (
        "3241/UBND-KGVX",
        "2023-10-04",
        "Hà Minh Hải",
    )
    assert not [p for p in rec["problems"] if p["rule"] == "metadata.mismatch"]
    # the packet, added to another archive, is the same document with its text searchable
    run2 = _archive_run(tmp_path / "other")
    assert run2("add", str(out)).exit_code == 0
    shown = json.loads(run2("show", "3241/UBND-KGVX", "--json").stdout)
    assert shown["record"]["metadata"]["format"] == "edxml"
    # exporting the archived packet attaches its attachment again, not the packet
    again = tmp_path / "again.edxml"
    assert run2("edxml", "3241/UBND-KGVX", "-o", str(again)).exit_code == 0
    assert parse_packet(again.read_bytes()).attachments[0].data == SEED.read_bytes()


def test_ocr_of_a_packet_prints_the_attachment_text(tmp_path: Path) -> None:
    run = _archive_run(tmp_path)
    out = tmp_path / "p.edxml"
    assert run("edxml", str(SEED), "-o", str(out)).exit_code == 0
    r = CliRunner().invoke(app, ["ocr", str(out)])
    assert r.exit_code == 0
    assert r.stdout.rstrip("\n") == SEED.read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_hn_dev_19_packet_with_its_metadata(tmp_path: Path) -> None:
    """19.pdf: a scan whose number and day are handwritten; the metadata gives them."""
    pdf = CORPUS / "hn-dev" / "19.pdf"
    meta = tmp_path / "19.xml"
    meta.write_text(
        "<EXPORTMAIL><STRKYHIEU>3580/UBND-KT</STRKYHIEU><STRTRICHYEU>V/v tổ chức Hội chợ vàng hàng"
        " xuất khẩu Việt Nam</STRTRICHYEU><STRNGAYKY>03/08/2020</STRNGAYKY>"
        "<STRNGUOIKY>Nguyễn Văn Sửu</STRNGUOIKY><STRNOIGUI>UBND Thành phố Hà Nội</STRNOIGUI>"
        "<STRLOAIVANBAN>Công Văn</STRLOAIVANBAN></EXPORTMAIL>",
        encoding="utf-8",
    )
    out = tmp_path / "19.edxml"
    r = _archive_run(tmp_path)("edxml", str(pdf), "--meta", str(meta), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    rec = vanban.parse_file(out).to_dict(spans=False)
    assert (rec["number"], rec["date"], rec["doc_type"], rec["signer"]["name"]) == (
        "3580/UBND-KT",
        "2020-08-03",
        "Công văn",
        "Nguyễn Văn Sửu",
    )
    ocr = CliRunner().invoke(app, ["ocr", str(out)])
    assert ocr.exit_code == 0
    assert "3283/SCT-KHTCTH" in ocr.stdout and "Amazon" in ocr.stdout


def test_eoffice_export_beside_a_document_is_its_metadata(tmp_path: Path) -> None:
    """``vanban add`` pairs NN.txt with NN.xml (beside it or in xml/); the export is no document."""
    inbox = tmp_path / "inbox"
    (inbox / "xml").mkdir(parents=True)
    shutil.copy(SEED, inbox / "02.txt")
    shutil.copy(CORPUS / "hn-dev" / "xml" / "02.xml", inbox / "xml" / "02.xml")
    run = _archive_run(tmp_path)
    r = run("add", str(inbox))
    assert r.exit_code == 0, r.stderr
    shown = json.loads(run("show", "6633/STNMT-CCQLĐĐ", "--json").stdout)
    rec = shown["record"]
    assert rec["date"] == "2020-07-31" and rec["signer"]["name"] == "Nguyễn Trọng Đông"
    assert rec["metadata"]["format"] == "eoffice"
    mism = {p["suggestion"]: p for p in rec["problems"] if p["rule"] == "metadata.mismatch"}
    assert "6633/STNMT-CCQLĐĐ" in mism and "3241/UBND-KGVX" in mism["6633/STNMT-CCQLĐĐ"]["message"]
    assert "31/07/2020" in mism  # the text says 04/10/2023
    assert "thêm mới" in r.stderr and json.loads(run("search", "", "--json").stdout)["total"] == 1
    # vanban parse takes the same file with --meta
    p = CliRunner().invoke(
        app, ["parse", "--json", str(inbox / "02.txt"), "--meta", str(inbox / "xml" / "02.xml")]
    )
    assert json.loads(p.stdout)["number"] == "6633/STNMT-CCQLĐĐ"


def test_response_for_becomes_a_responds_citation() -> None:
    packet = Packet(
        number="15/BC-SCT",
        date=dt.date(2024, 3, 1),
        doc_type="Báo cáo",
        subject="kết quả thực hiện",
        issuer=Organ("SỞ CÔNG THƯƠNG"),
        deadline=dt.date(2024, 3, 15),
        urgency="Khẩn",
        response_for=(Reference("3241/UBND-KGVX", dt.date(2023, 10, 4)),),
        attachments=(Attachment("bc.txt", "text/plain", "Báo cáo kết quả.".encode()),),
    )
    back = parse_packet(build_packet(packet))
    assert back.response_for[0].number == "3241/UBND-KGVX" and back.deadline == dt.date(2024, 3, 15)
    assert back.urgency == "Khẩn"
    rec = vanban.parse_bytes(build_packet(packet)).to_dict(spans=False)
    cit = [c for c in rec["citations"] if c["relation"] == "responds"]
    assert cit and cit[0]["number"] == "3241/UBND-KGVX" and cit[0]["key"] == "3241/UBND-KGVX@2023"
    assert rec["metadata"]["deadline"] == "2024-03-15" and rec["urgency"] == "Khẩn"


@pytest.mark.parametrize(
    ("number", "parts"),
    [
        ("3241/UBND-KGVX", ("3241", "UBND-KGVX")),
        ("15/2020/NĐ-CP", ("15", "2020/NĐ-CP")),
        ("1138-CV/ĐU", ("1138", "CV/ĐU")),
        ("24-CT/TU", ("24", "CT/TU")),
    ],
)
def test_code_split_and_join(number: str, parts: tuple[str, str]) -> None:
    assert split_code(number) == parts
    assert join_code(*parts) == number


def test_status_packets_round_trip(tmp_path: Path) -> None:
    ref = Reference("3241/UBND-KGVX", dt.date(2023, 10, 4), "000.00.00.H26", "x")
    at = dt.datetime(2023, 10, 5, 8, 30)
    for code in ("01", "03", "04", "06"):
        st = parse_status(build_status(code, ref, Organ("SỞ VĂN HÓA"), staff="Văn thư", at=at))
        assert (st.code, st.response_for.number, st.response_for.date, st.timestamp) == (
            code,
            ref.number,
            ref.date,
            at,
        )
        assert st.organ and st.organ.name == "SỞ VĂN HÓA" and st.staff == "Văn thư"
    with pytest.raises(ValueError):
        build_status("99", ref, None)
    run = _archive_run(tmp_path)
    assert run("add", str(SEED)).exit_code == 0
    out = tmp_path / "st.xml"
    r = run("edxml-status", "3241/UBND-KGVX", "--code", "03", "-o", str(out))
    assert r.exit_code == 0 and "03" in r.stdout
    assert parse_status(out.read_bytes()).response_for.number == "3241/UBND-KGVX"
    r = CliRunner().invoke(app, ["edxml-status", str(out)])
    assert r.exit_code == 0 and "Đã tiếp nhận" in r.stdout and "04/10/2023" in r.stdout
    assert run("edxml-status", "3241/UBND-KGVX", "--code", "42").exit_code == 2


def _packet(**change: object) -> bytes:
    p = Packet(
        number="3241/UBND-KGVX",
        date=dt.date(2023, 10, 4),
        doc_type="Công văn",
        subject="tuyên truyền",
        issuer=Organ("UBND THÀNH PHỐ HÀ NỘI"),
        attachments=(Attachment("a.txt", "text/plain", b"x"),),
    )
    return build_packet(Packet(**{**p.__dict__, **change}))


GOOD = _packet()
MALFORMED = [
    ("not xml", b"<edXML xmlns='" + NS.encode() + b"'><unclosed>", "không đọc được XML"),
    ("wrong root", b"<?xml version='1.0'?><edXML2/>", None),  # not a packet at all: read as text
    ("namespace", GOOD.replace(NS.encode(), b"urn:other"), "sai không gian tên"),
    ("no code", GOOD.replace(b"<edXML:CodeNumber>3241</edXML:CodeNumber>", b""), "số văn bản"),
    ("no subject", _packet(subject=""), "trích yếu"),
    ("no sender", _packet(issuer=Organ("")), "cơ quan gửi"),
    ("bad date", GOOD.replace(b"2023/10/04", b"2023/13/45"), "không phải ngày hợp lệ"),
    ("bad base64", GOOD.replace(b"<ContentTransferEncoded>eA==", b"<ContentTransferEncoded>%%%"), "base64"),
    ("entity", b"<?xml version='1.0'?><!DOCTYPE edXML [<!ENTITY x 'y'>]><edXML>&x;</edXML>", "DOCTYPE"),
    (
        "no header",
        b"<edXML xmlns='"
        + NS.encode()
        + b"'><edXML:edXMLEnvelope xmlns:edXML='"
        + NS.encode()
        + b"'/></edXML>",
        "edXMLHeader",
    ),
]


@pytest.mark.parametrize(("label", "data", "expect"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_packets_get_a_clear_error(
    tmp_path: Path, label: str, data: bytes, expect: str | None
) -> None:
    f = tmp_path / "bad.edxml"
    f.write_bytes(data)
    r = CliRunner().invoke(app, ["parse", str(f)])
    if expect is None:
        assert r.exit_code == 0  # an XML file that is no packet is read as text, not refused
        return
    assert r.exit_code == 1
    assert expect in " ".join(r.stderr.split()) and "Traceback" not in r.stderr
    with pytest.raises(ReadError, match=expect):
        parse_packet(data, "bad.edxml")


def test_malformed_status_packets() -> None:
    ok = build_status("03", Reference("1/UBND"), None)
    with pytest.raises(ReadError, match="mã trạng thái «99»"):
        parse_status(ok.replace(b">03<", b">99<"))
    with pytest.raises(ReadError, match="ResponseFor"):
        parse_status(ok.replace(b"<edXML:Code>1/UBND</edXML:Code>", b""))
    with pytest.raises(ReadError, match="không có MessageHeader hay Status"):
        parse_status(GOOD)
    with pytest.raises(ReadError, match="gói tin trạng thái, không phải văn bản"):
        parse_packet(ok)


def test_archived_export_attaches_the_original() -> None:
    data = export_archived(vanban.parse_file(SEED), ("cv.txt", SEED.read_bytes()))
    att = parse_packet(data).attachments[0]
    assert (att.name, att.content_type, att.data) == ("cv.txt", "text/plain", SEED.read_bytes())
