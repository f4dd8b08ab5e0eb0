"""Words people read about tracking, from the message catalogue: citation relations and the
audit log as sentences (who did what, each changed field as ``before → after``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..messages import catalogue, msg
from .models import AuditEntry
from .recurrence import RECURRENCES, canonical

_HIDDEN = {"id", "created_at", "document_id", "task_index", "span_start", "span_end", "series_id", "key"}


def relation_label(relation: str | None) -> str:
    """``implements`` → ``thực hiện``; an unknown relation → ``liên quan``."""
    key = f"track.relation.{relation}"
    return msg(key) if key in catalogue() else msg("track.relation.other")


def _value(field: str, v: Any, units: dict[int, str]) -> str:
    if v is None or v == "":
        return msg("track.audit.empty")
    if field == "unit_id" and isinstance(v, int):
        return units.get(v, f"#{v}")
    if field == "role":
        from .tracker import ROLES

        return ROLES.get(v, v)
    if field == "recurrence":
        return RECURRENCES.get(canonical(v), v) if isinstance(v, str) else v
    if field == "status" and f"track.add_status.{v}" in catalogue():
        return msg(f"track.add_status.{v}")
    if isinstance(v, bool):
        return msg("common.yes") if v else msg("common.no")
    if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
        try:
            return dt.date.fromisoformat(v[:10]).strftime("%d/%m/%Y") + (
                v[10:16].replace("T", " ") if len(v) > 10 else ""
            )
        except ValueError:
            return v
    return str(v)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None, units: dict[int, str]) -> list[str]:
    """The fields that changed, as ``field: before → after`` (named fields only)."""
    b, a = before or {}, after or {}
    out = []
    for f in [*b, *(k for k in a if k not in b)]:
        if f in _HIDDEN or b.get(f) == a.get(f) or f"track.audit.field.{f}" not in catalogue():
            continue
        out.append(
            msg(
                "track.audit.change",
                field=msg(f"track.audit.field.{f}"),
                before=_value(f, b.get(f), units),
                after=_value(f, a.get(f), units),
            )
        )
    return out


def audit_sentence(e: AuditEntry, who: str | None) -> str:
    """One audit entry as a sentence: ``Nguyễn Thị Văn Thư xác nhận nhiệm vụ #12``."""
    ent = f"track.audit.entity.{e.entity}"
    what = msg(ent if ent in catalogue() else "track.audit.entity.other", id=e.entity_id or "")
    act = f"track.audit.{e.action}"
    who = who or msg("track.audit.system")
    if act in catalogue():
        return msg(act, who=who, what=what)
    return msg("track.audit.other", who=who, action=e.action, what=what)
