"""Table-driven tests of task extraction on real assignment passages (``passages.py``).

Each passage is put into a minimal document (header with the date of issue, ``Kính gửi``,
``Nơi nhận``, signature) and read with ``vanban.parse``. Scored as FIELDS.md scores tasks:
the set of assignee names over all tasks of the passage, and the set of deadlines; then the
roles, deadline kind/recurrence and report obligations where the case gives them.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pytest
from tests.tasks.passages import P

import vanban

STATE = (
    "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
    "Số: 12/UBND-VX\nV/v triển khai thực hiện nhiệm vụ\n\nNghệ An, ngày {d} tháng {m} năm {y}\n\n"
    "Kính gửi: Các sở, ban, ngành tỉnh.\n\n{body}\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
    "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An\n"
)
PARTY = (
    "ĐẢNG BỘ TỈNH NGHỆ AN\nBAN THƯỜNG VỤ TỈNH ỦY\n*\nSố 12-CV/TU\n\nĐẢNG CỘNG SẢN VIỆT NAM\n\n"
    "Nghệ An, ngày {d} tháng {m} năm {y}\n\nKính gửi: Các đảng bộ, chi bộ trực thuộc\n\n{body}\n\n"
    "Nơi nhận:\n- Như kính gửi,\n- Lưu Văn phòng Tỉnh ủy.\n\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nNguyễn Văn An\n"
)


def fold(s: str | None) -> str | None:
    if s is None:
        return None
    s = unicodedata.normalize("NFC", s).lower().replace("uỷ", "ủy").replace("hoà", "hòa")
    return " ".join(s.split()).strip(" -•*.;:,\"'“”")


def document(case: dict[str, Any]) -> str:
    d = dt.date.fromisoformat(case.get("date", "2025-11-20"))
    tpl = PARTY if case.get("party") else STATE
    return tpl.format(d=f"{d.day:02d}", m=f"{d.month:02d}", y=d.year, body=case["text"])


def _params() -> list[Any]:
    out = []
    for i, c in enumerate(P):
        marks = [pytest.mark.xfail(strict=True, reason=c["xfail"])] if c.get("xfail") else []
        out.append(pytest.param(c, id=f"{i:02d}-{c['src'].split('/')[-1][:12]}", marks=marks))
    return out


def test_enough_passages() -> None:
    assert len(P) >= 60
    assert sum(1 for c in P if not c["who"]) >= 4


@pytest.mark.parametrize("case", _params())
def test_assignment_passage(case: dict[str, Any]) -> None:
    doc = vanban.parse(document(case))
    tasks = doc.tasks
    names = {fold(a.name) for t in tasks for a in t.assignees}
    assert names == {fold(n) for n in case["who"]}
    by_name = {fold(a.name): a for t in tasks for a in t.assignees}
    for name, role in case.get("roles", {}).items():
        assert by_name[fold(name)].role == role, name
    dls = [t.deadline for t in tasks if t.deadline and t.deadline.date]
    if "deadlines" in case or not case["who"]:
        assert {d.date.isoformat() for d in dls if d.date} == set(case.get("deadlines", []))
    if "kind" in case:
        assert dls and all(d.kind == case["kind"] for d in dls), [(d.kind, d.text) for d in dls]
    if "recurrence" in case:
        recs = {t.deadline.recurrence for t in tasks if t.deadline}
        assert case["recurrence"] in recs, recs
    if "report_to" in case:
        assert fold(case["report_to"]) in {fold(t.report_to) for t in tasks}
    if "report_via" in case:
        assert fold(case["report_via"]) in {fold(t.report_via) for t in tasks}


def test_find_tasks_on_a_passage() -> None:
    """The lower-level route: ``find_tasks`` on normalized text with its sections."""
    from vanban.lexicon.sections import sections
    from vanban.normalize import normalize
    from vanban.tasks import find_tasks

    t = normalize(P[1]["text"]).text
    found = find_tasks(t, (0, len(t)), sections(t, 0, len(t)))
    assert [[a.name for a in f.assignees] for f in found] == [["Sở Thông tin và Truyền thông"]]
    first = found[0].assignees[0]
    assert t[first.start : first.end] == first.name
    assert found[0].deadline is None
