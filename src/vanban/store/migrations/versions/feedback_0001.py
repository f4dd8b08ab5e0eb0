"""Feedback: citizens' phản ánh, kiến nghị, their attachments, commended units.

Owned by ``vanban.feedback`` (its own branch, on top of the tracking tables).

Revision ID: feedback_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "feedback_0001"
down_revision = None
branch_labels = ("feedback",)
depends_on = "track_0002"


def upgrade() -> None:
    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(24), nullable=False, unique=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("phone", sa.String(40)),
        sa.Column("email", sa.String(200)),
        sa.Column("address", sa.String(300)),
        sa.Column("about_type", sa.String(12), nullable=False),
        sa.Column("about", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("consent_public", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("category", sa.String(12)),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL")),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("draft", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("answered_on", sa.Date),
        sa.Column("mail_status", sa.String(12), nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("pub_slug", sa.String(32), unique=True),
        sa.Column("pub_subject", sa.String(300), nullable=False),
        sa.Column("pub_question", sa.Text, nullable=False),
        sa.Column("pub_answer", sa.Text, nullable=False),
        sa.Column("pub_search", sa.Text, nullable=False),
        sa.Column("published_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    for col in ("state", "unit_id", "due_on", "answered_on", "published_at", "created_at"):
        op.create_index(f"ix_feedback_items_{col}", "feedback_items", [col])
    op.create_table(
        "feedback_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "feedback_id",
            sa.Integer,
            sa.ForeignKey("feedback_items.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("media", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_feedback_files_feedback_id", "feedback_files", ["feedback_id"])
    op.create_table(
        "commendations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("directive_key", sa.String(400), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("directive_key", "unit_id"),
    )
    op.create_index("ix_commendations_directive_key", "commendations", ["directive_key"])


def downgrade() -> None:
    op.drop_table("commendations")
    op.drop_table("feedback_files")
    op.drop_table("feedback_items")
