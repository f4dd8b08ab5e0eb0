"""The archive: documents, originals, citations, text with its full-text index.

Revision ID: 0001_archive
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_archive"
down_revision = None
branch_labels = ("store",)
depends_on = None

# The body indexed on PostgreSQL is capped: a tsvector holds at most 1 MiB.
PG_BODY_CHARS = 400_000


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400)),
        sa.Column("number", sa.String(200)),
        sa.Column("number_key", sa.String(200)),
        sa.Column("doc_type", sa.String(200)),
        sa.Column("doc_type_f", sa.String(200)),
        sa.Column("issuer", sa.Text),
        sa.Column("issuer_f", sa.Text),
        sa.Column("system", sa.String(20)),
        sa.Column("date", sa.Date),
        sa.Column("year", sa.Integer),
        sa.Column("subject", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("record", sa.JSON),
        sa.Column("parser_version", sa.String(40)),
        sa.Column("source", sa.Text),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime),
    )
    for col in (
        "key",
        "number_key",
        "doc_type_f",
        "system",
        "date",
        "year",
        "status",
        "source",
        "deleted_at",
    ):
        op.create_index(f"ix_documents_{col}", "documents", [col])
    op.create_table(
        "originals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_originals_document_id", "originals", ["document_id"])
    op.create_table(
        "citations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("number", sa.String(200)),
        sa.Column("doc_type", sa.String(200)),
        sa.Column("date", sa.Date),
        sa.Column("title", sa.Text),
        sa.Column("relation", sa.String(40), nullable=False),
    )
    op.create_index("ix_citations_document_id", "citations", ["document_id"])
    op.create_index("ix_citations_key_relation", "citations", ["key", "relation"])
    op.create_table(
        "doc_text",
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("head", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_fts()
    else:
        _pg_fts()


def _sqlite_fts() -> None:
    # External-content FTS5 over the folded shadow columns, kept in step by triggers: the index
    # changes in the very transaction that changes the text (cascaded deletes fire them too).
    op.execute(
        "CREATE VIRTUAL TABLE doc_fts USING fts5(head, body, content='doc_text', "
        "content_rowid='document_id', tokenize='unicode61')"
    )
    op.execute(
        "CREATE TRIGGER doc_text_ai AFTER INSERT ON doc_text BEGIN "
        "INSERT INTO doc_fts(rowid, head, body) VALUES (new.document_id, new.head, new.body); END"
    )
    op.execute(
        "CREATE TRIGGER doc_text_ad AFTER DELETE ON doc_text BEGIN "
        "INSERT INTO doc_fts(doc_fts, rowid, head, body) "
        "VALUES ('delete', old.document_id, old.head, old.body); END"
    )
    op.execute(
        "CREATE TRIGGER doc_text_au AFTER UPDATE ON doc_text BEGIN "
        "INSERT INTO doc_fts(doc_fts, rowid, head, body) "
        "VALUES ('delete', old.document_id, old.head, old.body); "
        "INSERT INTO doc_fts(rowid, head, body) VALUES (new.document_id, new.head, new.body); END"
    )


def _pg_fts() -> None:
    # The shadow columns are already folded (lower case, no marks, đ→d, punctuation blanked), so
    # the 'simple' configuration — immutable, no stemming — indexes them exactly as FTS5 does.
    op.execute(
        "ALTER TABLE doc_text ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple'::regconfig, head), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, left(body, {PG_BODY_CHARS})), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_doc_text_tsv ON doc_text USING GIN (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE doc_fts")
    for table in ("doc_text", "citations", "originals", "documents"):
        op.drop_table(table)
