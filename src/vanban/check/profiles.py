"""Checker profiles: rule tables as data (``vanban/data/check/*.toml``), one per standard.

A profile names the rules it applies (severity, Vietnamese message, clause, whether the fix is
certain) and the parameters the detectors read. ``extends`` inherits another profile and
overrides it key by key, so a successor guideline (HD 05-HD/VPTW after HD 36-HD/VPTW) is one
more file. Extra profile directories may be listed in ``VANBAN_CHECK_PROFILES`` (``os.pathsep``
separated); a path to a ``.toml`` file is accepted wherever a profile name is.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import VanbanError
from ..model import Document

SEVERITIES = ("error", "warning", "info")
_DEFAULT = {"state": "state", "party": "party", "other": "base"}


@dataclass(frozen=True)
class Rule:
    """One rule: what it says, where it comes from, how sure its fix is."""

    id: str
    severity: str
    message: str
    clause: str
    fix: bool = False
    transcription: str | None = None  # severity when the document is a web transcription
    draft: str | None = None  # severity when the document is a draft (dự thảo)


@dataclass(frozen=True, eq=False)  # identity hash: detectors cache compiled tables per profile
class Profile:
    """A resolved profile: its rules and the parameters its detectors read."""

    name: str
    title: str
    system: str | None
    effective: dt.date | None
    rules: dict[str, Rule]
    params: dict[str, Any]
    data: dict[str, Any]  # every other table (confusables, capitalisation lists)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _dirs() -> list[Path]:
    extra = os.environ.get("VANBAN_CHECK_PROFILES", "")
    return [Path(p) for p in extra.split(os.pathsep) if p]


def _load_raw(name: str) -> dict[str, Any]:
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_file():
            raise VanbanError(f"không có tệp hồ sơ kiểm tra {name}")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    for d in _dirs():
        if (d / f"{name}.toml").is_file():
            return tomllib.loads((d / f"{name}.toml").read_text(encoding="utf-8"))
    res = resources.files("vanban.data").joinpath(f"check/{name}.toml")
    if not res.is_file():
        raise VanbanError(f"không có hồ sơ kiểm tra “{name}” (có: {', '.join(names())})")
    return tomllib.loads(res.read_text(encoding="utf-8"))


def _resolved(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if name in seen:
        raise VanbanError(f"hồ sơ kiểm tra kế thừa vòng tròn: {' → '.join((*seen, name))}")
    raw = _load_raw(name)
    parent = raw.get("profile", {}).get("extends")
    if not parent:
        return raw
    base = _resolved(parent, (*seen, name))
    base.get("profile", {}).pop("effective", None)  # a date is never inherited
    return _merge(base, raw)


@cache
def load(name: str) -> Profile:
    """The profile ``name`` (a bundled name, a name in ``VANBAN_CHECK_PROFILES``, or a path)."""
    raw = _resolved(name)
    meta = raw.pop("profile", {})
    rules: dict[str, Rule] = {}
    for rid, r in raw.pop("rules", {}).items():
        if not r.get("enabled", True):
            continue
        for key in ("severity", "transcription", "draft"):
            if r.get(key) is not None and r[key] not in SEVERITIES:
                raise VanbanError(f"hồ sơ {name}: quy tắc {rid}: mức “{r[key]}” không hợp lệ")
        if not r.get("message") or not r.get("severity"):
            raise VanbanError(f"hồ sơ {name}: quy tắc {rid} thiếu severity hoặc message")
        rules[rid] = Rule(
            rid,
            r["severity"],
            r["message"],
            r.get("clause", ""),
            bool(r.get("fix", False)),
            r.get("transcription"),
            r.get("draft"),
        )
    eff = meta.get("effective")
    if isinstance(eff, str):
        eff = dt.date.fromisoformat(eff)
    return Profile(
        meta.get("name", name),
        meta.get("title", name),
        meta.get("system"),
        eff,
        rules,
        raw.pop("params", {}),
        raw,
    )


@cache
def _bundled() -> frozenset[str]:
    """The profiles shipped in the package (read once: package data does not change)."""
    return frozenset(
        p.name.removesuffix(".toml")
        for p in resources.files("vanban.data").joinpath("check").iterdir()
        if p.name.endswith(".toml")
    )


def names() -> list[str]:
    """Every profile that can be selected by name."""
    found = set(_bundled())
    for d in _dirs():
        found |= {p.stem for p in d.glob("*.toml")}
    return sorted(found)


def select(doc: Document, name: str | None = None) -> Profile:
    """The profile for ``doc``: ``name`` if given, else by the parsed ``system`` and date.

    Among the profiles of the document's system that carry an ``effective`` date not after the
    document's date, the latest wins; otherwise the system's default profile applies.
    """
    if name:
        return load(name)
    default = load(_DEFAULT.get(doc.system, "base"))
    if doc.date is None or doc.system not in _DEFAULT:
        return default
    best = default
    for n in names():
        p = load(n)
        eligible = p.system == doc.system and p.effective and p.effective <= doc.date.value
        if eligible and (best.effective is None or p.effective > best.effective):
            best = p
    return best
