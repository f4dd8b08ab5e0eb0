"""Tracking a leader can trust: the organisation a tracker belongs to (``units.own``), the
documents the tracking step has run on and the assignments they address to bodies outside it
(``tracked_documents``), and the per-unit counts index covering ``confirmed_at`` (only confirmed
tasks count). Plain ``ADD COLUMN``: a batch copy of ``tasks`` would lose its expression indexes.

Revision ID: tracking13_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "tracking13_0001"
down_revision = None
branch_labels = ("tracking13",)
depends_on = "track_0002"


def upgrade() -> None:
    op.add_column("units", sa.Column("own", sa.Boolean, nullable=False, server_default=sa.false()))
    op.drop_index("ix_tasks_unit_status", "tasks")
    op.create_index("ix_tasks_unit_status", "tasks", ["unit_id", "deadline", "completed_on", "confirmed_at"])
    op.create_table(
        "tracked_documents",
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("tracked_at", sa.DateTime, nullable=False),
        sa.Column("elsewhere", sa.JSON),
    )


def downgrade() -> None:
    op.drop_table("tracked_documents")
    op.drop_index("ix_tasks_unit_status", "tasks")
    op.create_index("ix_tasks_unit_status", "tasks", ["unit_id", "deadline", "completed_on"])
    with op.batch_alter_table("units") as b:
        b.drop_column("own")
