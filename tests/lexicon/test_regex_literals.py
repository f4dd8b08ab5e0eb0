"""The vocabulary lives in ``data/``: few Vietnamese regex literals remain in code.

A regex literal is a string constant inside the pattern argument of a ``re`` function
(``re.compile``, ``re.search``…), or in a module constant that such an argument uses (directly
or through other constants). It is Vietnamese when it holds a non-ASCII letter or a folded
Vietnamese word of three letters or more (a syllable of ``data/syllables.txt``: ``cac``,
``nghi``). Counted by AST over ``src/vanban/**/*.py``, ``data/`` excluded.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import vanban

SRC = Path(vanban.__file__).parent
LIMIT = 40
RE_FUNCS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}
_ESCAPES = re.compile(r"\\[A-Za-z]|\(\?P<\w+>|\(\?P=\w+\)|\(\?[a-zA-Z]+[:)]")
_WORD = re.compile(r"[a-z]{3,}")


def _syllables() -> frozenset[str]:
    lines = (SRC / "data" / "syllables.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def _vietnamese(s: str, syllables: frozenset[str]) -> bool:
    if any(c.isalpha() and ord(c) > 127 for c in s):
        return True
    return any(w in syllables for w in _WORD.findall(_ESCAPES.sub(" ", s)))


def _strings(node: ast.AST) -> Iterator[ast.Constant]:
    """String constants of an expression, dictionary keys (``d["cues"]``) left out."""
    keys = {id(n.slice) for n in ast.walk(node) if isinstance(n, ast.Subscript)}
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in keys:
            yield n


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _is_re_call(n: ast.AST) -> bool:
    return (
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "re"
        and n.func.attr in RE_FUNCS
        and bool(n.args)
    )


def literals(sources: dict[str, str]) -> list[tuple[str, int, str]]:
    """``(file, line, literal)`` for every Vietnamese regex literal of ``sources`` (file → code)."""
    syllables = _syllables()
    trees = {f: ast.parse(code) for f, code in sources.items()}
    hits: set[tuple[str, int, str]] = set()
    used: set[str] = set()
    consts: dict[str, list[tuple[str, ast.expr]]] = {}
    for f, tree in trees.items():
        for n in ast.walk(tree):
            if _is_re_call(n):
                arg = n.args[0]  # type: ignore[attr-defined]
                used |= _names(arg)
                hits |= {(f, c.lineno, c.value) for c in _strings(arg) if _vietnamese(c.value, syllables)}
        for st in tree.body:
            if isinstance(st, ast.Assign | ast.AnnAssign) and st.value is not None:
                for t in st.targets if isinstance(st, ast.Assign) else [st.target]:
                    if isinstance(t, ast.Name):
                        consts.setdefault(t.id, []).append((f, st.value))
    todo = list(used)
    while todo:  # constants used by the constants a pattern uses
        for _f, v in consts.get(todo.pop(), []):
            new = _names(v) - used
            used |= new
            todo += new
    for name in used:
        for f, v in consts.get(name, []):
            if not _is_re_call(v):  # a compiled constant is counted at its call
                hits |= {(f, c.lineno, c.value) for c in _strings(v) if _vietnamese(c.value, syllables)}
    return sorted(hits)


def _sources() -> dict[str, str]:
    return {
        str(p.relative_to(SRC)): p.read_text(encoding="utf-8")
        for p in sorted(SRC.rglob("*.py"))
        if "data" not in p.relative_to(SRC).parts
    }


@pytest.mark.parametrize(
    ("code", "count"),
    [
        ('import re\nX = re.compile(r"Kính\\s+gửi")\n', 1),
        ('import re\nA = r"Nơi\\s+nhận"\nB = A + r"\\s*:"\nX = re.compile(B)\n', 1),
        ('import re\nre.sub(r"^(?:cac|giao|de nghi)\\s+", "", s)\n', 1),
        ('import re\nX = re.compile(r"\\d{1,2}/\\d{4}(?P<year>x)")\n', 0),
        ("import re\nX = re.compile(rf\"(?:{d['cues']})\")\n", 0),
        ('X = "Kính gửi"\n', 0),  # a string, not a pattern
    ],
)
def test_the_count_sees_vietnamese_patterns(code: str, count: int) -> None:
    assert len(literals({"m.py": code})) == count


def test_few_vietnamese_regex_literals_remain_in_code() -> None:
    found = literals(_sources())
    listing = "\n".join(f"{f}:{line}: {v[:100]!r}" for f, line, v in found)
    assert len(found) <= LIMIT, (
        f"{len(found)} Vietnamese regex literals in code (at most {LIMIT}):\n{listing}"
    )
