"""Who may do what."""

from __future__ import annotations

import pytest

from vanban.track.roles import Action, Role, can, sees_task, updates_task


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.ADMIN, Action.MANAGE_USERS, True),
        (Role.CLERK, Action.ADD_DOCUMENT, True),
        (Role.CLERK, Action.EDIT_TASK, True),
        (Role.CLERK, Action.MANAGE_USERS, False),
        (Role.LEADER, Action.READ_ALL, True),
        (Role.LEADER, Action.ADD_DOCUMENT, False),
        (Role.LEADER, Action.REPORT, False),
        (Role.MEMBER, Action.REPORT, True),
        (Role.MEMBER, Action.READ_ALL, False),
        (Role.MEMBER, Action.EDIT_TASK, False),
        (Role.MEMBER, Action.ADD_DOCUMENT, False),
    ],
)
def test_grants(role: Role, action: Action, allowed: bool) -> None:
    assert can(role, action) is allowed


def test_member_sees_only_its_units() -> None:
    mine = frozenset({3, 7})
    assert sees_task(Role.MEMBER, mine, 3)
    assert not sees_task(Role.MEMBER, mine, 4)
    assert not sees_task(Role.MEMBER, mine, None)
    assert updates_task(Role.MEMBER, mine, 7)
    assert not updates_task(Role.MEMBER, mine, 4)
    assert sees_task(Role.LEADER, frozenset(), 4)
    assert not updates_task(Role.LEADER, frozenset(), 4)
