"""Load the rule tables under ``vanban/data/`` (TOML), once per process."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed ``data/<name>.toml``."""
    with resources.files("vanban.data").joinpath(f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def trie_regex(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A regex alternation of ``words`` factored as a trie ("chủ trì|chủ động" → "chủ\\s+(?:trì|động)"),
    so the engine decides at each position with one or two comparisons instead of one per word.
    A space in a word matches any run of white space."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        return body + "?" if end else body

    return build(trie)
