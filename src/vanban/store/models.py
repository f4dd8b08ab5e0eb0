"""The archive's tables: documents, their originals (versions), citations and search text.

A *document* is one logical văn bản; each distinct file content added for it is an *original*
(a version, stored content-addressed by SHA-256). The document row holds the record of its
newest original and the columns search filters on; ``doc_text`` holds the extracted text and its
folded shadow (``vanban.normalize.fold``) that the full-text index (FTS5 on SQLite, a generated
``tsvector`` with GIN on PostgreSQL) is built from, in the same transaction as the record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class DocumentRow(Base):
    """One document: its current record, status and the columns searches filter and sort on."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(400), index=True)  # cite.canonical_key
    number: Mapped[str | None] = mapped_column(String(200))
    number_key: Mapped[str | None] = mapped_column(String(200), index=True)  # key without @year
    doc_type: Mapped[str | None] = mapped_column(String(200))
    doc_type_f: Mapped[str | None] = mapped_column(String(200), index=True)  # folded
    issuer: Mapped[str | None] = mapped_column(Text)
    issuer_f: Mapped[str | None] = mapped_column(Text)
    system: Mapped[str | None] = mapped_column(String(20), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    subject: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="ok", index=True)  # ok, failed
    error: Mapped[str | None] = mapped_column(Text)
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parser_version: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(Text, index=True)  # path it was last added from
    sha256: Mapped[str] = mapped_column(String(64))  # current original
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # store.review.pending

    originals: Mapped[list[OriginalRow]] = relationship(
        back_populates="document", order_by="OriginalRow.version", cascade="all, delete-orphan"
    )
    citations: Mapped[list[CitationRow]] = relationship(
        back_populates="document", order_by="CitationRow.seq", cascade="all, delete-orphan"
    )


class OriginalRow(Base):
    """One stored original file (a version of a document), named by its SHA-256."""

    __tablename__ = "originals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(Text)  # file name as added (the reader may use its suffix)
    source: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    document: Mapped[DocumentRow] = relationship(back_populates="originals")


class CitationRow(Base):
    """A document's reference to another, kept by canonical key: it links once the cited one arrives."""

    __tablename__ = "citations"
    __table_args__ = (Index("ix_citations_key_relation", "key", "relation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(400))
    number: Mapped[str | None] = mapped_column(String(200))
    doc_type: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    relation: Mapped[str] = mapped_column(String(40))

    document: Mapped[DocumentRow] = relationship(back_populates="citations")


class DocTextRow(Base):
    """The extracted text of a document and its folded shadow, which the full-text index covers.

    ``head`` is the folded number, type, issuer and subject (weighted above the body in ranking);
    ``meta`` the filter values as tokens (not ranked), so filters narrow the match in the index.
    """

    __tablename__ = "doc_text"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    text: Mapped[str] = mapped_column(Text)
    head: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    meta: Mapped[str] = mapped_column(Text, default="")  # filter tokens: search.meta_tokens
