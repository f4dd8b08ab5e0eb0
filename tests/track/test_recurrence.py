"""Recurring duties expand to one period each, with the right deadline and label."""

from __future__ import annotations

import datetime as dt

import pytest

from vanban.track.recurrence import add_months, expand, label

D = dt.date


def test_monthly_before_the_20th() -> None:
    ps = expand("monthly", D(2024, 1, 20), D(2024, 1, 5), D(2024, 4, 30))
    assert [p.deadline for p in ps] == [D(2024, 1, 20), D(2024, 2, 20), D(2024, 3, 20), D(2024, 4, 20)]
    assert ps[1].label == "Tháng 2/2024"


def test_monthly_anchor_before_start_skips_past_periods() -> None:
    ps = expand("monthly", D(2024, 1, 20), D(2024, 2, 25), D(2024, 4, 30))
    assert [p.deadline for p in ps] == [D(2024, 3, 20), D(2024, 4, 20)]


def test_month_end_clamps() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    ps = expand("monthly", None, D(2023, 1, 10), D(2023, 3, 31))
    assert [p.deadline for p in ps] == [D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31)]


def test_quarterly_and_labels() -> None:
    ps = expand("quarterly", None, D(2024, 2, 1), D(2024, 12, 31))
    assert [p.label for p in ps] == ["Quý I/2024", "Quý II/2024", "Quý III/2024", "Quý IV/2024"]
    assert ps[0].deadline == D(2024, 3, 31)


def test_yearly_anchor_and_half_year() -> None:
    ps = expand("yearly", D(2024, 12, 15), D(2024, 1, 1), D(2026, 12, 31))
    assert [p.deadline for p in ps] == [D(2024, 12, 15), D(2025, 12, 15), D(2026, 12, 15)]
    assert ps[2].label == "Năm 2026"
    hs = expand("half-yearly", None, D(2024, 1, 1), D(2024, 12, 31))
    assert [p.label for p in hs] == ["6 tháng đầu năm 2024", "6 tháng cuối năm 2024"]


def test_weekly_fridays() -> None:
    ps = expand("weekly", None, D(2024, 3, 4), D(2024, 3, 20))  # Monday 4/3
    assert [p.deadline for p in ps] == [D(2024, 3, 8), D(2024, 3, 15)]
    assert ps[0].label == label("weekly", D(2024, 3, 8)) == "Tuần 10/2024"


def test_at_least_one_period_when_horizon_is_short() -> None:
    ps = expand("yearly", None, D(2024, 3, 1), D(2024, 6, 1))
    assert [p.deadline for p in ps] == [D(2024, 12, 31)]


def test_unknown_recurrence() -> None:
    with pytest.raises(ValueError):
        expand("daily", None, D(2024, 1, 1), D(2024, 2, 1))
