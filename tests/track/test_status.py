"""Status from dates: table-driven, and the SQL expression agrees with the Python rule."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, Table, create_engine, insert, select

from vanban.track.status import Status, due_soon, status, status_sql, status_where

D = dt.date
TODAY = D(2024, 3, 10)

CASES = [
    # deadline, completed_on, expected
    (D(2024, 3, 15), D(2024, 3, 1), Status.DONE_ON_TIME),
    (D(2024, 3, 15), D(2024, 3, 15), Status.DONE_ON_TIME),  # on the deadline day: on time
    (D(2024, 3, 15), D(2024, 3, 16), Status.DONE_LATE),
    (D(2024, 3, 1), D(2024, 3, 9), Status.DONE_LATE),
    (None, D(2024, 3, 9), Status.DONE_ON_TIME),  # no deadline: never late
    (D(2024, 3, 10), None, Status.OPEN),  # due today, not yet overdue
    (D(2024, 3, 20), None, Status.OPEN),
    (D(2024, 3, 9), None, Status.OVERDUE),
    (None, None, Status.OPEN),
]


@pytest.mark.parametrize(("deadline", "done", "expected"), CASES)
def test_status(deadline: dt.date | None, done: dt.date | None, expected: Status) -> None:
    assert status(deadline, done, TODAY) is expected


@pytest.mark.parametrize(
    ("deadline", "done", "level"),
    [
        (D(2024, 3, 10), None, 1),
        (D(2024, 3, 11), None, 1),
        (D(2024, 3, 12), None, 3),
        (D(2024, 3, 13), None, 3),
        (D(2024, 3, 14), None, 7),
        (D(2024, 3, 17), None, 7),
        (D(2024, 3, 18), None, None),
        (D(2024, 3, 9), None, None),  # overdue, no longer "due soon"
        (D(2024, 3, 11), D(2024, 3, 5), None),  # done
        (None, None, None),
    ],
)
def test_due_soon(deadline: dt.date | None, done: dt.date | None, level: int | None) -> None:
    assert due_soon(deadline, done, TODAY) == level


def test_labels_are_vietnamese() -> None:
    assert Status.OVERDUE.label == "Chưa hoàn thành, quá hạn"
    assert Status.DONE_ON_TIME.label == "Đã hoàn thành đúng hạn"


def test_sql_expression_agrees() -> None:
    md = MetaData()
    t = Table("t", md, Column("id", Integer, primary_key=True), Column("dl", Date), Column("done", Date))
    eng = create_engine("sqlite://")
    md.create_all(eng)
    with eng.begin() as c:
        c.execute(insert(t), [{"id": i, "dl": dl, "done": done} for i, (dl, done, _) in enumerate(CASES)])
        rows = c.execute(select(t.c.id, status_sql(t.c.dl, t.c.done, TODAY)).order_by(t.c.id)).all()
    assert [Status(s) for _, s in rows] == [e for _, _, e in CASES]
    with eng.begin() as c:
        for st in Status:
            ids = c.execute(
                select(t.c.id).where(status_where(st, t.c.dl, t.c.done, TODAY)).order_by(t.c.id)
            ).scalars()
            assert list(ids) == [i for i, (_, _, e) in enumerate(CASES) if e is st], st
