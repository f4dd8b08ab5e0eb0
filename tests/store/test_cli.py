"""The archive commands end to end through the Typer app."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vanban.cli import app

from .conftest import CHI_THI, KE_HOACH, corpus, write


@pytest.fixture
def run(home: Path, db_url: str):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        r = runner.invoke(app, [*args, "--home", str(home), "--db", db_url])
        return r.exit_code, r.stdout, r.stderr

    return invoke


def test_add_search_show_export_rm_restore(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    write(inbox / "ct.txt", CHI_THI.format(extra="hoà giải"))
    write(
        inbox / "kh" / "kh.txt",
        KE_HOACH.format(number=15, cited="Chỉ thị số 24-CT/TU ngày 05/3/2019", extra="x"),
    )
    (inbox / "bad.txt").write_bytes(b"")
    code, _out, err = run("add", str(inbox), str(corpus("gold/008.txt")[0]), "--jobs", "2")
    assert code == 1  # bad.txt failed (stored, with its reason)
    assert "thêm mới" in err and "bad.txt" in err and "tệp trống" in err
    code, out, _ = run("add", str(inbox / "ct.txt"), str(inbox / "kh"))
    assert code == 0
    code, out, _ = run("search", "chi thi 24 ky cuong", "--json")
    page = json.loads(out)
    assert {h["number"] for h in page["hits"]} == {"24-CT/TU", "15/KH-UBND"} and page["total"] == 2
    code, out, _ = run("search", "hoa giai", "--type", "chỉ thị")
    assert code == 0 and "24-CT/TU" in out and "15/KH-UBND" not in out
    code, out, _ = run("show", "24-CT/TU")
    assert code == 0 and "Được trích dẫn bởi" in out and "15/KH-UBND" in out and "Chuỗi triển khai" in out
    code, out, _ = run("show", "15/KH-UBND")
    assert code == 0 and "implements" in out and "24-CT/TU" in out
    code, out, _ = run("export", "--format", "csv", "--year", "2019")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["number"] for r in rows} == {"24-CT/TU", "15/KH-UBND"}
    code, out, _ = run("export", "--format", "jsonl", "--number", "24-ct/tu")
    [rec] = [json.loads(x) for x in out.splitlines()]
    assert rec["record"]["doc_type"] == "Chỉ thị"
    code, out, _ = run("search", "", "--failed", "--json")
    assert [h["status"] for h in json.loads(out)["hits"]] == ["failed"]
    code, _o, err = run("rm", "24-CT/TU")
    assert code == 0
    code, out, _ = run("search", "hoa giai", "--json")
    assert json.loads(out)["total"] == 0
    ct_id = rec["id"]
    assert run("restore", str(ct_id))[0] == 0
    assert json.loads(run("search", "hoa giai", "--json")[1])["total"] == 1
    code, _o, err = run("reparse")
    assert code == 0 and "đọc lại" in err
    code, _o, err = run("show", "99-XX/YY")
    assert code == 1 and "no document" in err


def test_watch_consumes_a_folder(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "watch"
    write(inbox / "a" / "ct.txt", CHI_THI.format(extra="x"))
    code, _o, err = run("watch", str(inbox), "--once", "--consume", "--interval", "0.1")
    assert code == 0 and "thêm mới" in err
    assert (inbox / ".done" / "a" / "ct.txt").exists() and not (inbox / "a").exists()
    assert json.loads(run("search", "", "--number", "24-CT/TU", "--json")[1])["total"] == 1
