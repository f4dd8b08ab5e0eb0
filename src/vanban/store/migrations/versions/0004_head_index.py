"""Head index ``doc_head`` (SQLite): the folded head (number, type, issuer, trích yếu) alone.

An external-content FTS5 table over ``doc_text.head``, kept by triggers in the record's
transaction like ``doc_fts``. Its doclists are those of the heads only, a few per cent of the
body's, so "every query term in the head" (search tier 3) and its complement (tier 4) are
answered without reading the whole archive's doclists of common syllables through a column
filter.

Revision ID: 0004_head_index
Revises: 0003_pairs_top_k
"""

from alembic import op

revision = "0004_head_index"
down_revision = "0003_pairs_top_k"
branch_labels = None
depends_on = None

TRIGGERS = ("doc_head_ai", "doc_head_ad", "doc_head_au")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE doc_head USING fts5(head, content='doc_text', "
        "content_rowid='document_id', tokenize='unicode61')"
    )
    op.execute(
        "CREATE TRIGGER doc_head_ai AFTER INSERT ON doc_text BEGIN "
        "INSERT INTO doc_head(rowid, head) VALUES (new.document_id, new.head); END"
    )
    op.execute(
        "CREATE TRIGGER doc_head_ad AFTER DELETE ON doc_text BEGIN "
        "INSERT INTO doc_head(doc_head, rowid, head) VALUES ('delete', old.document_id, old.head); END"
    )
    op.execute(
        "CREATE TRIGGER doc_head_au AFTER UPDATE OF head ON doc_text BEGIN "
        "INSERT INTO doc_head(doc_head, rowid, head) VALUES ('delete', old.document_id, old.head); "
        "INSERT INTO doc_head(rowid, head) VALUES (new.document_id, new.head); END"
    )
    op.execute("INSERT INTO doc_head(doc_head) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trig in TRIGGERS:
        op.execute(f"DROP TRIGGER {trig}")
    op.execute("DROP TABLE doc_head")
