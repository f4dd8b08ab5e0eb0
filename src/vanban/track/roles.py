"""Roles and what each may do.

* admin: everything, including users and units;
* clerk (văn thư): adds documents, confirms and edits tasks, manages units, publishes;
* member (cán bộ đơn vị): sees and updates only the tasks of its unit (and its sub-units);
* leader (lãnh đạo): reads everything, changes nothing.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role."""

    ADMIN = "admin"
    CLERK = "clerk"
    MEMBER = "member"
    LEADER = "leader"

    @property
    def label(self) -> str:
        """Vietnamese name of the role."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Quản trị hệ thống",
    Role.CLERK: "Văn thư",
    Role.MEMBER: "Cán bộ đơn vị",
    Role.LEADER: "Lãnh đạo",
}


class Action(StrEnum):
    """Things a user may be allowed to do."""

    READ_ALL = "read_all"  # every unit's tasks, the dashboard, exports
    ADD_DOCUMENT = "add_document"
    EDIT_TASK = "edit_task"  # confirm / edit assignee, role, deadline, recurrence
    REPORT = "report"  # record progress and attach a report (on a task the user may see)
    MANAGE_UNITS = "manage_units"  # create, alias, merge units
    MANAGE_USERS = "manage_users"
    PUBLISH = "publish"  # open a directive's public page
    READ_AUDIT = "read_audit"


_GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.CLERK: frozenset(
        {
            Action.READ_ALL,
            Action.ADD_DOCUMENT,
            Action.EDIT_TASK,
            Action.REPORT,
            Action.MANAGE_UNITS,
            Action.PUBLISH,
        }
    ),
    Role.LEADER: frozenset({Action.READ_ALL, Action.READ_AUDIT}),
    Role.MEMBER: frozenset({Action.REPORT}),
}


def can(role: Role | str, action: Action) -> bool:
    """True when ``role`` grants ``action``."""
    return action in _GRANTS[Role(role)]


def sees_task(role: Role | str, user_units: frozenset[int], task_unit: int | None) -> bool:
    """May a user with ``role``, belonging to ``user_units`` (its unit and sub-units), see a task?"""
    if can(role, Action.READ_ALL):
        return True
    return task_unit is not None and task_unit in user_units


def updates_task(role: Role | str, user_units: frozenset[int], task_unit: int | None) -> bool:
    """May the user record progress on the task? (Leaders read only.)"""
    return can(role, Action.REPORT) and sees_task(role, user_units, task_unit)
