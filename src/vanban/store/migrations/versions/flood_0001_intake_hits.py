"""The flood limit of the public feedback intake: recent attempts per hashed client address,
shared by every server process (``vanban.feedback.flood``). Its own branch, after the feedback
tables (no foreign key: only the order of the intake's tables).

Revision ID: flood_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "flood_0001"
down_revision = None
branch_labels = ("flood",)
depends_on = "feedback_0001"


def upgrade() -> None:
    op.create_table(
        "feedback_intake_hits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_feedback_intake_hits_client_at", "feedback_intake_hits", ["client", "at"])
    op.create_index("ix_feedback_intake_hits_at", "feedback_intake_hits", ["at"])


def downgrade() -> None:
    op.drop_index("ix_feedback_intake_hits_at", "feedback_intake_hits")
    op.drop_index("ix_feedback_intake_hits_client_at", "feedback_intake_hits")
    op.drop_table("feedback_intake_hits")
