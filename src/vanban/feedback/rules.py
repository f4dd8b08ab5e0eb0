"""The rules of ``data/feedback.toml``, read once: categories and deadlines, intake limits,
accepted attachment types, redaction cues."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Category:
    """A kind of item and how long its handling may take."""

    key: str
    label: str
    hint: str
    working_days: int
    basis: str
    verified: bool


@dataclass(frozen=True)
class FileType:
    """An attachment type: its media type, leading bytes and name endings."""

    key: str
    media: str
    magic: tuple[bytes, ...]
    suffixes: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """Everything the feedback package reads from its data file."""

    categories: dict[str, Category]
    assign_days: int
    extra_days_off: frozenset[dt.date]
    extra_working_days: frozenset[dt.date]
    max_subject: int
    max_content: int
    max_name: int
    max_contact: int
    anonymous: frozenset[str]
    per_minute: int
    max_files: int
    max_bytes: int
    types: tuple[FileType, ...]
    titles: tuple[str, ...]
    address_cues: tuple[str, ...]


@cache
def rules() -> Rules:
    """The rules (read once per process)."""
    with resources.files("vanban.data").joinpath("feedback.toml").open("rb") as fh:
        d = tomllib.load(fh)
    cats = {
        k: Category(k, v["label"], v["hint"], int(v["working_days"]), v["basis"], bool(v["verified"]))
        for k, v in d["categories"].items()
    }
    cal, intake, att, red = d["calendar"], d["intake"], d["attachments"], d["redact"]
    types = tuple(
        FileType(k, v["media"], tuple(bytes.fromhex(m) for m in v["magic"]), tuple(v["suffixes"]))
        for k, v in att["types"].items()
    )
    return Rules(
        categories=cats,
        assign_days=int(d["assign"]["working_days"]),
        extra_days_off=frozenset(dt.date.fromisoformat(x) for x in cal["extra_days_off"]),
        extra_working_days=frozenset(dt.date.fromisoformat(x) for x in cal["extra_working_days"]),
        max_subject=int(intake["max_subject"]),
        max_content=int(intake["max_content"]),
        max_name=int(intake["max_name"]),
        max_contact=int(intake["max_contact"]),
        anonymous=frozenset(intake["anonymous_categories"]),
        per_minute=int(intake["per_minute"]),
        max_files=int(att["max_files"]),
        max_bytes=int(att["max_bytes"]),
        types=types,
        titles=tuple(red["titles"]),
        address_cues=tuple(red["address_cues"]),
    )
