"""Due dates in working days: weekends, Tết Nguyên đán, 30/4–1/5 and substituted days off."""

from __future__ import annotations

import datetime as dt

import pytest

from vanban.feedback.calendar import add_working_days, due_date, is_working_day
from vanban.feedback.rules import rules

D = dt.date


def test_tet_2026_moves_the_due_date_by_the_whole_holiday() -> None:
    # Tết Bính Ngọ: Monday 16/02 to Friday 20/02/2026 off. Received Friday 13/02: working day 1
    # is Monday 23/02, the 15th is Friday 13/03 — a week later than weekends alone would give.
    for day in (D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 20)):
        assert not is_working_day(day)
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert add_working_days(D(2026, 2, 13), 15) == D(2026, 3, 13)
    assert due_date(D(2026, 2, 13), "tthc") == D(2026, 3, 13)


def test_tet_2025_starting_inside_the_holiday() -> None:
    # Tết Ất Tỵ: 27/01 to 31/01/2025 (Monday to Friday). An item received on 29/01 (a day off)
    # counts from Monday 03/02.
    assert add_working_days(D(2025, 1, 29), 1) == D(2025, 2, 3)
    assert add_working_days(D(2025, 1, 24), 15) == D(2025, 2, 21)


def test_reunification_and_labour_day_with_substituted_day_2025() -> None:
    # 30/04 (Wed), 01/05 (Thu) and 02/05/2025 (Fri, swapped with Saturday 26/04) off.
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    assert add_working_days(D(2025, 4, 29), 3) == D(2025, 5, 7)


def test_weekend_and_zero() -> None:
    assert add_working_days(D(2024, 6, 7), 1) == D(2024, 6, 10)  # Friday → Monday
    assert add_working_days(D(2024, 6, 7), 0) == D(2024, 6, 7)
    with pytest.raises(ValueError):
        add_working_days(D(2024, 6, 7), -1)


def test_every_deadline_names_its_legal_basis() -> None:
    r = rules()
    assert set(r.categories) == {"tthc", "can_bo", "khac"}
    for c in r.categories.values():
        assert c.working_days > 0 and c.label and len(c.basis) > 40
    assert "20/2008/NĐ-CP" in r.categories["tthc"].basis
    assert "92/2017/NĐ-CP" in r.categories["tthc"].basis


def test_days_off_and_working_days_from_the_data_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Prime Minister's notice can swap days: 02/01/2024 (Tue) off, Saturday 06/01/2024 worked.
    import dataclasses

    from vanban.feedback import calendar

    r = dataclasses.replace(
        rules(), extra_days_off=frozenset({D(2024, 1, 2)}), extra_working_days=frozenset({D(2024, 1, 6)})
    )
    monkeypatch.setattr(calendar, "rules", lambda: r)
    assert not is_working_day(D(2024, 1, 2)) and is_working_day(D(2024, 1, 6))
    # 29/12/2023 (Fri) + 5: 01/01 holiday, 02/01 off → 03, 04, 05, 06 (Sat, worked), 08/01
    assert add_working_days(D(2023, 12, 29), 5) == D(2024, 1, 8)
