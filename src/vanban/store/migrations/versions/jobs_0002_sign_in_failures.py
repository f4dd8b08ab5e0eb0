"""Wrong passwords of the last minute, per account and per address: the sign-in throttle, shared
by every server process (``vanban.web.signin``).

Revision ID: jobs_0002
Revises: jobs_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "jobs_0002"
down_revision = "jobs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sign_in_failures_key_at", "sign_in_failures", ["key", "at"])
    op.create_index("ix_sign_in_failures_at", "sign_in_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_at", "sign_in_failures")
    op.drop_index("ix_sign_in_failures_key_at", "sign_in_failures")
    op.drop_table("sign_in_failures")
