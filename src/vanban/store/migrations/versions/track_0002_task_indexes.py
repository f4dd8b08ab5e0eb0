"""Tracking: indexes for the task lists (in deadline order, per unit, open tasks) and the counts.

The lists sort by ``coalesce(deadline, '9999-12-31'), id`` (no deadline last) and page by that
key (keyset), so an index on the same expression serves the order and the page start without a
sort; the per-unit variant serves a member's list, the one after ``completed_on`` the open and
overdue lists (``completed_on IS NULL``, then a range of the same key) and the due-soon list.
``(unit_id, deadline, completed_on)`` covers the per-unit status counts of the dashboard;
``ix_tasks_unit_id`` goes (``ix_tasks_unit_due_order`` starts with ``unit_id``).

Revision ID: track_0002
Revises: track_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "track_0002"
down_revision = "track_0001"
branch_labels = None
depends_on = None

DUE = "coalesce(deadline, '9999-12-31')"  # the same text as vanban.track.queries.due_key()


def upgrade() -> None:
    op.create_index("ix_tasks_due_order", "tasks", [sa.text(DUE), "id"])
    op.create_index("ix_tasks_unit_due_order", "tasks", ["unit_id", sa.text(DUE), "id"])
    op.drop_index("ix_tasks_unit_id", "tasks")  # a prefix of the one above
    op.create_index("ix_tasks_open_due_order", "tasks", ["completed_on", sa.text(DUE), "id"])
    op.create_index("ix_tasks_unit_status", "tasks", ["unit_id", "deadline", "completed_on"])


def downgrade() -> None:
    op.create_index("ix_tasks_unit_id", "tasks", ["unit_id"])
    for name in (
        "ix_tasks_unit_status",
        "ix_tasks_open_due_order",
        "ix_tasks_unit_due_order",
        "ix_tasks_due_order",
    ):
        op.drop_index(name, "tasks")
