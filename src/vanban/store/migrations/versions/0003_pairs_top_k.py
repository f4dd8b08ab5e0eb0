"""Syllable-pair index ``doc_pairs`` (SQLite) and the narrow covering index ``ix_documents_lean``.

``doc_pairs`` is a contentless FTS5 table (``detail=column``: no positions) over the adjacent
syllable pairs of the folded head and body (``ky cuong`` → ``ky_cuong``, as
``vanban.store.search.pairs`` writes them) and the filter tokens. The archive writes it in the
record's transaction, next to ``doc_fts``. ``ix_documents_lean`` holds the columns filters and
facets read, so checking a match does not walk a document's wide row (its record JSON).

Revision ID: 0003_pairs_top_k
Revises: 0002_filter_tokens
"""

import re
from itertools import pairwise

import sqlalchemy as sa
from alembic import op

revision = "0003_pairs_top_k"
down_revision = "0002_filter_tokens"
branch_labels = None
depends_on = None

LEAN = [
    "id",
    "deleted_at",
    "status",
    "year",
    "date",
    "system",
    "doc_type_f",
    "doc_type",
    "issuer_f",
    "issuer",
]
_ALNUM = re.compile(r"[^\W_]+")


def _pairs(s: str) -> str:  # the same as vanban.store.search.pairs at this revision
    words = _ALNUM.findall(s)
    return " ".join(a + "_" + b for a, b in pairwise(words))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.create_index("ix_documents_lean", "documents", LEAN)
    op.execute(
        "CREATE VIRTUAL TABLE doc_pairs USING fts5(head, body, meta, content='', detail=column, "
        "tokenize=\"unicode61 tokenchars '_'\")"
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT document_id, head, body, meta FROM doc_text WHERE document_id > :last "
                "ORDER BY document_id LIMIT 500"
            ),
            {"last": last},
        ).all()
        if not rows:
            break
        bind.execute(
            sa.text("INSERT INTO doc_pairs(rowid, head, body, meta) VALUES (:id, :head, :body, :meta)"),
            [{"id": i, "head": _pairs(h), "body": _pairs(b), "meta": m} for i, h, b, m in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE doc_pairs")
    op.drop_index("ix_documents_lean", "documents")
