"""The message catalogue: every word a user sees, by key, from ``data/messages/<lang>/*.toml``.

Each area keeps its own file (``read.toml``, ``track.toml``, ``web.toml``…) of dotted keys
(``[read] pdf_encrypted = "…"`` is ``read.pdf_encrypted``); the files of one language are merged.
Vietnamese is the default; an English catalogue is another folder with the same keys.
``msg("read.pdf_encrypted", name=…)`` formats the text with ``str.format`` placeholders.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["catalogue", "msg"]

DEFAULT_LANG = "vi"


def _flatten(prefix: str, node: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in node.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalogue(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Every message of ``lang``, by dotted key."""
    out: dict[str, str] = {}
    folder = resources.files("vanban.data").joinpath("messages", lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            with entry.open("rb") as fh:
                _flatten("", tomllib.load(fh), out)
    return out


def msg(key: str, /, **values: object) -> str:
    """The message ``key`` in the user's language (``VANBAN_LANG``, default Vietnamese), formatted."""
    lang = os.environ.get("VANBAN_LANG", DEFAULT_LANG)
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANG).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in the catalogue")
    return text.format(**values) if values else text
