"""The organisation a tracker belongs to, and where each assignment of a document goes.

A registry file (``data/registries/<name>.toml``, or any TOML/JSON file of the same shape:
``[organisation]``, ``[[unit]]`` with ``name``, ``kind``, ``parent``, ``aliases``, and
``[[group]]`` with ``name``, ``aliases``, ``members``) loads the tracker's units, all marked
``own``. Then an assignee is placed: a unit of the organisation receives a task; a collective
group receives one task per member of the organisation (``Ủy ban nhân dân các tỉnh, thành phố``
→ the city); any other body (a ministry, another province, a central Party body) receives no
task and is listed as addressed elsewhere; a name the unit grammar rejects is never a unit.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..messages import msg
from ..normalize import fold
from ..rules import table
from ..units import is_collective, is_unit_name
from . import registry
from .models import Unit

BUNDLED = ("hanoi",)


class RegistryError(ValueError):
    """A registry file that cannot be read (the message is for the user)."""


def read_registry(ref: str | Path) -> dict[str, Any]:
    """The registry named ``ref`` (a bundled one such as ``hanoi``) or read from the file ``ref``."""
    if str(ref) in BUNDLED:
        with resources.files("vanban.data").joinpath("registries", f"{ref}.toml").open("rb") as fh:
            return tomllib.load(fh)
    path = Path(ref)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegistryError(
            msg("track.registry_unreadable", path=str(path), error=exc.strerror or exc)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RegistryError(msg("track.registry_invalid", path=str(path), error=str(exc))) from None
    if not isinstance(data, dict) or not isinstance(data.get("unit"), list) or not data["unit"]:
        raise RegistryError(msg("track.registry_no_units", path=str(path)))
    return data


@dataclass
class Loaded:
    """What loading a registry did."""

    organisation: str | None
    units: dict[str, Unit] = field(default_factory=dict)


def load_registry(s: Session, ref: str | Path, user_id: int | None = None) -> Loaded:
    """Load a registry (idempotent): its units, aliases, hierarchy and groups, all ``own``."""
    data = read_registry(ref)
    out = Loaded((data.get("organisation") or {}).get("name"))
    pending: list[tuple[Unit, str]] = []
    for entry in data["unit"]:
        name = str(entry.get("name") or "").strip()
        if not name:
            raise RegistryError(msg("track.registry_unit_unnamed", path=str(ref)))
        kind = entry.get("kind") or "state"
        if kind not in ("state", "party"):
            raise RegistryError(msg("track.registry_bad_kind", name=name, kind=kind))
        u = registry.ensure(s, name, kind=kind, aliases=entry.get("aliases") or (), user_id=user_id)
        u.own = True
        out.units[name] = u
        if entry.get("parent"):
            pending.append((u, str(entry["parent"])))
    for u, parent in pending:
        p = out.units.get(parent) or registry.find(s, parent)
        if p is None:
            raise RegistryError(msg("track.registry_unknown_unit", name=parent))
        u.parent_id = p.id
    for entry in data.get("group") or []:
        name = str(entry.get("name") or "").strip()
        g = registry.ensure(s, name, kind="group", aliases=entry.get("aliases") or (), user_id=user_id)
        g.own = True
        members = []
        for m in entry.get("members") or []:
            mu = out.units.get(m) or registry.find(s, m)
            if mu is None:
                raise RegistryError(msg("track.registry_unknown_unit", name=m))
            members.append(mu)
        if not registry.members(s, g):
            registry.set_members(s, g, members)
        out.units[name] = g
    s.flush()
    return out


def has_organisation(s: Session) -> bool:
    """True once a registry has given the tracker its organisation."""
    return s.scalar(select(Unit.id).where(Unit.own.is_(True)).limit(1)) is not None


@cache
def _outside() -> tuple[tuple[str, ...], tuple[str, ...]]:
    t = table("track")
    return tuple(t["outside_starts"]), tuple(t["outside_contains"])


def is_outside_name(name: str) -> bool:
    """A national body or another province by its name (``Bộ Nội vụ``, ``Ban … Trung ương``)."""
    starts, contains = _outside()
    f = fold(name).lower()
    return f.startswith(starts) or any(c in f for c in contains)


@dataclass(frozen=True)
class Placement:
    """Where one assignee of an assignment goes: the units of the organisation that receive a
    task (``via`` the collective it names, if any), or none (``elsewhere``, or ``invalid`` for a
    name that is not a unit's)."""

    name: str
    units: tuple[Unit, ...] = ()
    via: Unit | None = None
    elsewhere: bool = False
    invalid: bool = False


def place(s: Session, name: str, issuer: Unit | None, own_org: bool, user_id: int | None = None) -> Placement:
    """Place assignee ``name`` of a document issued by ``issuer``.

    Without an organisation (no registry loaded) every well-formed name is a unit, created under
    the issuer when new. With one, a new well-formed name becomes a unit of the organisation only
    when the issuer is its own and the name is not a national body's or another province's.
    """
    unit = registry.find(s, name)
    if unit is None:
        if not is_unit_name(name):
            return Placement(name, invalid=True)
        if own_org and not (issuer is not None and issuer.own and not is_outside_name(name)):
            return Placement(name, elsewhere=True)
        unit = registry.ensure(
            s, name, parent=issuer, kind="group" if is_collective(name) else None, user_id=user_id
        )
        unit.own = own_org
    targets = registry.expand(s, unit)
    if own_org:
        targets = [u for u in targets if u.own]
    if not targets:
        return Placement(name, elsewhere=True)
    return Placement(name, tuple(targets), unit if unit.kind == "group" or targets != [unit] else None)
