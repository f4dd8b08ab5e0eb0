"""Filter tokens in the full-text index: ``doc_text.meta`` (year, system, type, issuer words).

Revision ID: 0002_filter_tokens
Revises: 0001_archive
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_filter_tokens"
down_revision = "0001_archive"
branch_labels = None
depends_on = None

PG_BODY_CHARS = 400_000

# The same string as vanban.store.search.meta_tokens, built in SQL for the rows already stored.
META_SQL = (
    "trim(coalesce('y' || d.year, '') || ' ' || coalesce('s' || d.system, '') || ' ' || "
    "coalesce('t' || replace(d.doc_type_f, ' ', ''), '') || ' ' || "
    "coalesce('i' || replace(d.issuer_f, ' ', ' i'), ''))"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for trig in ("doc_text_ai", "doc_text_ad", "doc_text_au"):
            op.execute(f"DROP TRIGGER {trig}")
        op.execute("DROP TABLE doc_fts")
    else:
        op.execute("DROP INDEX ix_doc_text_tsv")
        op.drop_column("doc_text", "tsv")
    op.add_column("doc_text", sa.Column("meta", sa.Text, nullable=False, server_default=""))
    op.execute(
        f"UPDATE doc_text SET meta = (SELECT {META_SQL} FROM documents d WHERE d.id = doc_text.document_id)"
    )
    if sqlite:
        op.execute(
            "CREATE VIRTUAL TABLE doc_fts USING fts5(head, body, meta, content='doc_text', "
            "content_rowid='document_id', tokenize='unicode61')"
        )
        cols, new, old = "head, body, meta", "new.head, new.body, new.meta", "old.head, old.body, old.meta"
        op.execute(
            "CREATE TRIGGER doc_text_ai AFTER INSERT ON doc_text BEGIN "
            f"INSERT INTO doc_fts(rowid, {cols}) VALUES (new.document_id, {new}); END"
        )
        op.execute(
            "CREATE TRIGGER doc_text_ad AFTER DELETE ON doc_text BEGIN "
            f"INSERT INTO doc_fts(doc_fts, rowid, {cols}) VALUES ('delete', old.document_id, {old}); END"
        )
        op.execute(
            "CREATE TRIGGER doc_text_au AFTER UPDATE ON doc_text BEGIN "
            f"INSERT INTO doc_fts(doc_fts, rowid, {cols}) VALUES ('delete', old.document_id, {old}); "
            f"INSERT INTO doc_fts(rowid, {cols}) VALUES (new.document_id, {new}); END"
        )
        op.execute("INSERT INTO doc_fts(doc_fts) VALUES ('rebuild')")
    else:
        # meta first: its positions stay small, so phrase filters (issuer words) work on long texts
        op.execute(
            "ALTER TABLE doc_text ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple'::regconfig, meta), 'D') || "
            "setweight(to_tsvector('simple'::regconfig, head), 'A') || "
            f"setweight(to_tsvector('simple'::regconfig, left(body, {PG_BODY_CHARS})), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_doc_text_tsv ON doc_text USING GIN (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trig in ("doc_text_ai", "doc_text_ad", "doc_text_au"):
            op.execute(f"DROP TRIGGER {trig}")
        op.execute("DROP TABLE doc_fts")
        op.drop_column("doc_text", "meta")
        op.execute(
            "CREATE VIRTUAL TABLE doc_fts USING fts5(head, body, content='doc_text', "
            "content_rowid='document_id', tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER doc_text_ai AFTER INSERT ON doc_text BEGIN "
            "INSERT INTO doc_fts(rowid, head, body) VALUES (new.document_id, new.head, new.body); END"
        )
        op.execute(
            "CREATE TRIGGER doc_text_ad AFTER DELETE ON doc_text BEGIN INSERT INTO doc_fts(doc_fts, rowid, "
            "head, body) VALUES ('delete', old.document_id, old.head, old.body); END"
        )
        op.execute(
            "CREATE TRIGGER doc_text_au AFTER UPDATE ON doc_text BEGIN INSERT INTO doc_fts(doc_fts, rowid, "
            "head, body) VALUES ('delete', old.document_id, old.head, old.body); "
            "INSERT INTO doc_fts(rowid, head, body) VALUES (new.document_id, new.head, new.body); END"
        )
        op.execute("INSERT INTO doc_fts(doc_fts) VALUES ('rebuild')")
        return
    op.execute("DROP INDEX ix_doc_text_tsv")
    op.drop_column("doc_text", "tsv")
    op.drop_column("doc_text", "meta")
    op.execute(
        "ALTER TABLE doc_text ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple'::regconfig, head), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, left(body, {PG_BODY_CHARS})), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_doc_text_tsv ON doc_text USING GIN (tsv)")
