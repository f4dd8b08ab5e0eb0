"""The clerk's desk: registers (sổ văn bản đến/đi) and their entries, the trail of hand-overs,
e-mail contacts, notifications, mails sent, and the edXML status packets waiting to be sent.

Owned by ``vanban.desk`` (its own branch, on top of the archive's and the tracker's tables).

Revision ID: desk_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "desk_0001"
down_revision = None
branch_labels = ("desk",)
depends_on = ("track_0002", "0004_head_index")


def _now() -> sa.Column:
    return sa.Column("created_at", sa.DateTime, nullable=False)


def upgrade() -> None:
    op.create_table(
        "desk_registers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        _now(),
        sa.UniqueConstraint("org_id", "kind", "year", name="uq_desk_registers_org_id_kind_year"),
    )
    op.create_table(
        "desk_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "register_id", sa.Integer, sa.ForeignKey("desk_registers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="SET NULL")),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("sender", sa.Text, nullable=False),
        sa.Column("doc_number", sa.String(200), nullable=False),
        sa.Column("doc_date", sa.Date),
        sa.Column("doc_type", sa.String(200), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("signer", sa.String(200), nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("urgency", sa.String(40), nullable=False),
        sa.Column("secrecy", sa.String(40), nullable=False),
        sa.Column("copies", sa.Integer),
        sa.Column("deadline", sa.Date),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        _now(),
        sa.UniqueConstraint("register_id", "number", name="uq_desk_entries_register_id_number"),
    )
    op.create_index("ix_desk_entries_document_id", "desk_entries", ["document_id"])
    op.create_index("ix_desk_entries_at", "desk_entries", ["at"])
    op.create_table(
        "desk_handovers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("to_user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("to_unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL")),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="SET NULL")),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("detail", sa.JSON),
    )
    for col in ("document_id", "to_user_id", "task_id"):
        op.create_index(f"ix_desk_handovers_{col}", "desk_handovers", [col])
    op.create_table(
        "desk_contacts",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
    )
    op.create_table(
        "desk_mails",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("to", sa.String(200), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("user_id", "kind", "key", name="uq_desk_mails_user_id_kind_key"),
    )
    op.create_index("ix_desk_mails_user_id", "desk_mails", ["user_id"])
    op.create_table(
        "desk_notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event", sa.String(120), nullable=False),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE")),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE")),
        sa.Column("message", sa.Text, nullable=False),
        _now(),
        sa.Column("read_at", sa.DateTime),
        sa.Column("mail_id", sa.Integer, sa.ForeignKey("desk_mails.id", ondelete="SET NULL")),
        sa.UniqueConstraint("user_id", "event", name="uq_desk_notifications_user_id_event"),
    )
    op.create_index("ix_desk_notifications_user_id", "desk_notifications", ["user_id"])
    op.create_table(
        "desk_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("packet", sa.Text, nullable=False),
        _now(),
        sa.Column("exported_at", sa.DateTime),
        sa.UniqueConstraint("document_id", "code", name="uq_desk_outbox_document_id_code"),
    )
    op.create_index("ix_desk_outbox_document_id", "desk_outbox", ["document_id"])
    op.create_index("ix_desk_outbox_exported_at", "desk_outbox", ["exported_at"])


def downgrade() -> None:
    for t in (
        "desk_outbox",
        "desk_notifications",
        "desk_mails",
        "desk_contacts",
        "desk_handovers",
        "desk_entries",
        "desk_registers",
    ):
        op.drop_table(t)
