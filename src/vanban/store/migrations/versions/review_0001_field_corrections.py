"""Review of the key fields: ``field_corrections`` (the văn thư's decisions per field) and
``documents.needs_review`` (some key field still below the review threshold or missing), set
here for the records already stored. Plain ``ADD COLUMN`` (no batch copy of ``documents``).

Revision ID: review_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "review_0001"
down_revision = None
branch_labels = ("review",)
depends_on = ("0004_head_index", "track_0001")

BATCH = 500


def upgrade() -> None:
    from vanban.store.review import pending

    op.create_table(
        "field_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("proposed", sa.Text),
        sa.Column("confidence", sa.Float),
        sa.Column("source", sa.String(40)),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_field_corrections_document_id", "field_corrections", ["document_id"])
    op.add_column(
        "documents", sa.Column("needs_review", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.create_index("ix_documents_needs_review", "documents", ["needs_review"])
    conn = op.get_bind()
    docs = sa.table("documents", sa.column("id", sa.Integer), sa.column("record", sa.JSON))
    flag = sa.table("documents", sa.column("id", sa.Integer), sa.column("needs_review", sa.Boolean))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(docs.c.id, docs.c.record).where(docs.c.id > last).order_by(docs.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        ids = [i for i, rec in rows if pending(rec)]
        if ids:
            conn.execute(sa.update(flag).where(flag.c.id.in_(ids)).values(needs_review=True))
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_documents_needs_review", "documents")
    op.drop_column("documents", "needs_review")
    op.drop_index("ix_field_corrections_document_id", "field_corrections")
    op.drop_table("field_corrections")
