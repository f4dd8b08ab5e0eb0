"""The audit log: every change, who made it, when, and the row before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from .models import AuditEntry

_SECRET = {"password_hash", "token_hash", "csrf"}


def snapshot(obj: Any) -> dict[str, Any]:
    """The column values of an ORM object, JSON-ready, secrets left out."""
    out: dict[str, Any] = {}
    for col in inspect(obj).mapper.column_attrs:
        if col.key in _SECRET:
            continue
        v = getattr(obj, col.key)
        out[col.key] = v.isoformat() if isinstance(v, dt.date | dt.datetime) else v
    return out


def log(
    s: Session,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry (in the caller's transaction)."""
    e = AuditEntry(
        user_id=user_id, action=action, entity=entity, entity_id=entity_id, before=before, after=after
    )
    s.add(e)
    return e
