"""The registry of units (đơn vị): hierarchy, aliases, collective groups, duplicates, merging.

Names are matched by ``vanban.units.unit_key``, so ``Sở TT&TT`` finds ``Sở Thông tin và
Truyền thông``. A collective addressee ("Các Sở, ban, ngành") is a unit of kind ``group``
whose members receive its tasks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..units import is_collective, unit_key
from . import audit
from .models import Task, Unit, UnitAlias, UnitMember, User

_PARTY = re.compile(r"\b(?:dang|chi bo|thanh uy|tinh uy|huyen uy|quan uy|thi uy|dang uy|dang doan)\b")


def guess_kind(name: str) -> str:
    """``group`` for a collective addressee, ``party`` for a Party body, else ``state``."""
    if is_collective(name):
        return "group"
    return "party" if _PARTY.search(unit_key(name)) else "state"


def find(s: Session, name: str) -> Unit | None:
    """The unit ``name`` designates (by its key or an alias's key), or None."""
    key = unit_key(name)
    if not key:
        return None
    unit = s.scalar(select(Unit).where(Unit.key == key))
    if unit is None:
        unit = s.scalar(select(Unit).join(UnitAlias).where(UnitAlias.key == key))
    return unit


def ensure(
    s: Session,
    name: str,
    *,
    kind: str | None = None,
    parent: Unit | None = None,
    aliases: Iterable[str] = (),
    user_id: int | None = None,
) -> Unit:
    """The unit named ``name``, created (with ``aliases``) when the registry lacks it."""
    unit = find(s, name)
    if unit is None:
        unit = Unit(name=name.strip(), key=unit_key(name), kind=kind or guess_kind(name), parent=parent)
        s.add(unit)
        s.flush()
        audit.log(s, user_id, "create", "unit", unit.id, None, audit.snapshot(unit))
    for a in aliases:
        add_alias(s, unit, a)
    return unit


def add_alias(s: Session, unit: Unit, name: str) -> bool:
    """Record ``name`` as another name of ``unit``; False when the key is already taken."""
    key = unit_key(name)
    if not key or key == unit.key or find(s, name) is not None:
        return False
    s.add(UnitAlias(unit_id=unit.id, name=name.strip(), key=key))
    s.flush()
    return True


def set_members(s: Session, group: Unit, members: Iterable[Unit]) -> None:
    """Make ``members`` the members of the collective ``group``."""
    s.execute(delete(UnitMember).where(UnitMember.group_id == group.id))
    for m in members:
        if m.id != group.id:
            s.add(UnitMember(group_id=group.id, member_id=m.id))
    s.flush()


def members(s: Session, group: Unit) -> list[Unit]:
    """The units a collective group expands to (nested groups expanded), in name order."""
    seen: set[int] = {group.id}
    out: dict[int, Unit] = {}
    todo = [group.id]
    while todo:
        gid = todo.pop()
        for u in s.scalars(
            select(Unit).join(UnitMember, UnitMember.member_id == Unit.id).where(UnitMember.group_id == gid)
        ):
            if u.id in seen:
                continue
            seen.add(u.id)
            if u.kind == "group":
                todo.append(u.id)
            else:
                out[u.id] = u
    return sorted(out.values(), key=lambda u: u.name)


def expand(s: Session, unit: Unit) -> list[Unit]:
    """The units that receive a task given to ``unit``: its members for a group, else itself.

    A group with no members yet receives the task itself, so that a clerk sees and assigns it.
    """
    if unit.kind != "group":
        return [unit]
    return members(s, unit) or [unit]


def subtree(s: Session, unit_id: int) -> frozenset[int]:
    """``unit_id`` and every unit below it in the hierarchy (one recursive query)."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))  # UNION: cycles end
    return frozenset(s.scalars(select(tree.c.id)).all()) | {unit_id}


@dataclass(frozen=True)
class Duplicate:
    """Two units whose names are probably the same unit."""

    a: Unit
    b: Unit
    score: float


def duplicates(s: Session, threshold: float = 88.0) -> list[Duplicate]:
    """Pairs of units of the same kind whose canonical keys are close (best first)."""
    units = list(s.scalars(select(Unit).order_by(Unit.id)))
    out = []
    for i, a in enumerate(units):
        for b in units[i + 1 :]:
            if a.kind != b.kind:
                continue
            score = fuzz.token_sort_ratio(a.key, b.key)
            if score >= threshold:
                out.append(Duplicate(a, b, score))
    return sorted(out, key=lambda d: -d.score)


def merge(s: Session, keep: Unit, drop: Unit, user_id: int | None = None) -> Unit:
    """Merge ``drop`` into ``keep``: its name and aliases, tasks, users, children and memberships."""
    if keep.id == drop.id:
        raise ValueError("cannot merge a unit into itself")
    before = audit.snapshot(drop)
    names = [drop.name, *(a.name for a in drop.aliases)]
    s.execute(update(Task).where(Task.unit_id == drop.id).values(unit_id=keep.id))
    s.execute(update(Task).where(Task.via_group_id == drop.id).values(via_group_id=keep.id))
    s.execute(update(User).where(User.unit_id == drop.id).values(unit_id=keep.id))
    s.execute(update(Unit).where(Unit.parent_id == drop.id).values(parent_id=keep.id))
    have = set(s.scalars(select(UnitMember.member_id).where(UnitMember.group_id == keep.id)))
    for m in s.scalars(select(UnitMember.member_id).where(UnitMember.group_id == drop.id)).all():
        if m not in have and m != keep.id:
            s.add(UnitMember(group_id=keep.id, member_id=m))
    in_groups = set(s.scalars(select(UnitMember.group_id).where(UnitMember.member_id == keep.id)))
    for g in s.scalars(select(UnitMember.group_id).where(UnitMember.member_id == drop.id)).all():
        if g not in in_groups and g != keep.id:
            s.add(UnitMember(group_id=g, member_id=keep.id))
    s.execute(delete(UnitMember).where((UnitMember.group_id == drop.id) | (UnitMember.member_id == drop.id)))
    s.delete(drop)
    s.flush()
    for n in names:
        add_alias(s, keep, n)
    audit.log(s, user_id, "merge", "unit", keep.id, before, audit.snapshot(keep))
    return keep
