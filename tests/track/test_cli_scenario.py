"""The issue's scenario on the command line: a Hà Nội tracker, 3241/UBND-KGVX and 21/CT-TTg
tracked by ``vanban add``, nothing counted before confirmation, a report closing its unit's
tasks on its own date, ``vanban show 24-CT/TU`` listing 3241, ``vanban watch`` tracking too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from track_helpers import CT21, REPORT_DONE, REPORT_INTERIM, SEED_1138, SEED_3241, need
from typer.testing import CliRunner

from vanban.cli import app


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner(env={"VANBAN_HOME": str(tmp_path / "home"), "VANBAN_DB": None})

    def invoke(*args: str, ok: bool = True) -> tuple[str, str]:
        r = runner.invoke(app, list(args))
        assert (r.exit_code == 0) is ok, (args, r.exit_code, r.stdout, r.stderr, r.exception)
        return r.stdout, r.stderr

    return invoke


def _lines(out: str) -> list[dict]:
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def test_the_scenario(run) -> None:  # type: ignore[no-untyped-def]
    need(SEED_3241, CT21)
    _out, err = run("units", "load", "hanoi")
    assert "Đã nạp" in err
    units = _lines(run("units", "--json")[0])
    names = {u["name"] for u in units}
    assert {"Sở Thông tin và Truyền thông", "Sở Văn hóa và Thể thao"} <= names
    assert all({"id", "name"} <= u.keys() for u in units)

    _out, err = run("add", str(SEED_3241), str(CT21))
    assert "đề xuất nhiệm vụ" in err
    assert _lines(run("tasks", "--json")[0]) == []  # nothing counts before confirmation
    assert json.loads(run("dashboard", "--json")[0]) == {
        "done_on_time": 0,
        "done_late": 0,
        "open": 0,
        "overdue": 0,
    }
    every = _lines(run("tasks", "--all", "--json")[0])
    keys = {"id", "unit", "document", "deadline", "status", "confirmed", "completed_on"}
    assert every and all(keys <= t.keys() and not t["confirmed"] for t in every)
    by_doc: dict[str, list[dict]] = {}
    for t in every:
        by_doc.setdefault(t["document"], []).append(t)
    assert {"Sở Thông tin và Truyền thông", "Sở Văn hóa và Thể thao"} <= {
        t["unit"] for t in by_doc["3241/UBND-KGVX"]
    }
    assert 0 < len(by_doc["21/CT-TTg"]) <= 12 and {t["unit"] for t in by_doc["21/CT-TTg"]} <= names
    assert all(t["status"] in {"done_on_time", "done_late", "open", "overdue"} for t in every)

    _out, err = run("tasks", "confirm", "--document", "3241/UBND-KGVX")
    assert f"Đã xác nhận {len(by_doc['3241/UBND-KGVX'])} nhiệm vụ" in err
    one = by_doc["21/CT-TTg"][0]["id"]
    run("tasks", "confirm", str(one))
    confirmed = _lines(run("tasks", "--json")[0])
    assert {t["id"] for t in confirmed} >= {t["id"] for t in by_doc["3241/UBND-KGVX"]} | {one}
    assert all(t["confirmed"] for t in confirmed)
    before = {t["id"]: t for t in confirmed}
    dash = json.loads(run("dashboard", "--json")[0])
    assert sum(dash.values()) == len(confirmed)

    out, _err = run("report", str(REPORT_DONE))
    assert "hoàn thành ngày 15/01/2024" in out
    after = {t["id"]: t for t in _lines(run("tasks", "--json")[0])}
    stttt = [t for t in after.values() if t["unit"] == "Sở Thông tin và Truyền thông"]
    assert len(stttt) == 2 and all(
        t["completed_on"] == "2024-01-15" and t["status"].startswith("done") for t in stttt
    )
    assert all(after[i] == t for i, t in before.items() if t["unit"] != "Sở Thông tin và Truyền thông")

    out, _err = run("report", str(REPORT_INTERIM))
    assert "chưa hoàn thành" in out
    assert all(
        t["completed_on"] is None
        for t in _lines(run("tasks", "--json")[0])
        if t["unit"] == "Sở Văn hóa và Thể thao"
    )

    out, _err = run("show", "24-CT/TU")
    assert "3241/UBND-KGVX" in out and "15/BC-STTTT" in out and "chưa có trong kho" in out
    out, _err = run("show", "3241/UBND-KGVX")
    assert "Sở Thông tin và Truyền thông" in out and "15/01/2024" in out
    out, _err = run("tasks")
    assert "15/01/2024" in out


def test_errors_are_clear(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text("[[unit]]\nname = ", encoding="utf-8")
    _out, err = run("units", "load", str(bad), ok=False)
    assert "không đúng định dạng" in err
    _out, err = run("tasks", "confirm", ok=False)
    assert "--document" in err
    _out, err = run("tasks", "confirm", "abc", ok=False)
    assert "không hợp lệ" in err
    _out, err = run("tasks", "confirm", "--document", "9/XX", ok=False)
    assert "Không có văn bản 9/XX" in err
    _out, err = run("show", "77-CT/TU", ok=False)
    assert "lỗi" in err


def test_watch_tracks_too(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    need(SEED_1138)
    run("units", "load", "hanoi")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_1138, inbox / "1138.txt")
    _out, err = run("watch", str(inbox), "--once", "--interval", "0.1")
    assert "đề xuất nhiệm vụ" in err
    got = _lines(run("tasks", "--all", "--json")[0])
    assert got and {t["document"] for t in got} == {"1138-CV/ĐU"}
