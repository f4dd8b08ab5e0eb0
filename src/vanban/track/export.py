"""The progress report ``Báo cáo tình hình thực hiện nhiệm vụ`` as an XLSX workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .queries import UnitCounts
from .status import Status

_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="DDE6F0")


def _table(ws, row: int, header: list[str], rows: Iterable[list[object]]) -> int:  # type: ignore[no-untyped-def]
    for c, h in enumerate(header, 1):
        cell = ws.cell(row=row, column=c, value=h)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in rows:
        row += 1
        for c, v in enumerate(r, 1):
            cell = ws.cell(row=row, column=c, value=v)
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    return row + 2


def progress_report(
    title: str,
    today: dt.date,
    units: list[UnitCounts],
    tasks: Iterable[tuple[str, str, str, str, dt.date | None, Status, dt.date | None, str]],
) -> bytes:
    """The workbook: a per-unit summary in the four statuses, then every task with its status.

    ``tasks`` rows: document number, unit, role, content, deadline, status, completed on, report.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws["A1"] = "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = title
    ws["A3"] = f"Số liệu tính đến ngày {today.strftime('%d/%m/%Y')}"
    header = ["STT", "Đơn vị", "Tổng số nhiệm vụ", *(s.label for s in Status), "Tỷ lệ quá hạn (%)"]
    body = []
    for i, u in enumerate(units, 1):
        late = u.counts[Status.DONE_LATE] + u.counts[Status.OVERDUE]
        body.append(
            [
                i,
                u.name,
                u.total,
                *(u.counts[s] for s in Status),
                round(100 * late / u.total, 1) if u.total else 0,
            ]
        )
    tot = {s: sum(u.counts[s] for u in units) for s in Status}
    n = sum(tot.values())
    body.append(
        [
            "",
            "Tổng cộng",
            n,
            *tot.values(),
            round(100 * (tot[Status.DONE_LATE] + tot[Status.OVERDUE]) / n, 1) if n else 0,
        ]
    )
    _table(ws, 5, header, body)
    for c, w in enumerate([6, 40, 12, 16, 16, 16, 16, 12], 1):
        ws.column_dimensions[get_column_letter(c)].width = w

    wd = wb.create_sheet("Chi tiết")
    header2 = [
        "STT",
        "Văn bản giao",
        "Đơn vị",
        "Vai trò",
        "Nội dung nhiệm vụ",
        "Thời hạn",
        "Tình trạng",
        "Ngày hoàn thành",
        "Báo cáo",
    ]
    rows = [
        [i, num, unit, role, content, dl, st.label, done, rep]
        for i, (num, unit, role, content, dl, st, done, rep) in enumerate(tasks, 1)
    ]
    _table(wd, 1, header2, rows)
    for c, w in enumerate([6, 20, 32, 12, 70, 12, 26, 14, 30], 1):
        wd.column_dimensions[get_column_letter(c)].width = w
    for row in wd.iter_rows(min_row=2, min_col=6, max_col=8):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
