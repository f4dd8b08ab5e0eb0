"""Every regular expression that runs over input text runs in time linear in its length.

A pattern that backtracks (``(?:[ \\t]*\\|)+[ \\t]*(?=\\n|$)`` on a run of ``|  `` cells that does
not end the line) turns one uploaded file into minutes of CPU. Here each text-level pattern of
the library — the compiled ones of every module, those built from the rule tables, and those
written inline (``re.match(r"…", s)``) — is fed adversarial inputs made of its own pieces: long
runs of each literal and character class it uses, of spaces, pipes, dots and combining marks,
and random mixtures of them, each ended by a character that makes the match fail. A pattern is
run the way the library runs it: scanned (``search``, ``finditer``, ``sub``…) or, when the
library only ever anchors it (``match``/``fullmatch``), matched at the start. Each pattern runs
in a child process killed past its budget, so a catastrophic pattern fails the test instead of
hanging it. Then ``vanban.parse`` itself is fuzzed with a time limit per case.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import os
import pkgutil
import random
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vanban

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from .conftest import CORPUS

SRC = Path(vanban.__file__).parent
# the modules whose patterns run over a document's text (not the web app's, CLI's or tracker's)
TEXT_LEVEL = (
    "normalize",
    "parse",
    "cite",
    "tasks",
    "units",
    "check",
    "read",
    "rules",
    "model",
    "messages",
    "lexicon",
    "assess",
)
N = 10_000  # characters per adversarial input
BUDGET = 0.5  # seconds per input: a linear scan of 10 KB takes milliseconds (a bounded {3,90}: 0.3 s)
KILL_AFTER = 20  # seconds per pattern, all its inputs, before the child is killed
SCANNING = ("search", "finditer", "findall", "sub", "subn", "split")
COMMON = [
    " ",
    "\n",
    "\t",
    "|",
    ".",
    "-",
    "/",
    "…",
    "_",
    "*",
    "(",
    ":",
    ",",
    ";",
    "a",
    "A",
    "1",
    "Đ",
    "ố",
    "\u0301",
]


def _text_module(mod: str) -> bool:
    rel = mod.removeprefix("vanban.").split(".")[0]
    return rel in TEXT_LEVEL


def _modules() -> list:
    out = []
    for info in pkgutil.walk_packages(vanban.__path__, "vanban."):
        if _text_module(info.name):
            out.append(importlib.import_module(info.name))
    return out


def _walk(obj: object, depth: int = 0) -> Iterator[re.Pattern]:
    if isinstance(obj, re.Pattern):
        yield obj
    elif depth < 3 and dataclasses.is_dataclass(obj) and not isinstance(obj, type):  # a typed vocabulary
        for f in dataclasses.fields(obj):
            yield from _walk(getattr(obj, f.name), depth + 1)
    elif depth < 3 and isinstance(obj, (tuple, list, set, frozenset)):
        for x in obj:
            yield from _walk(x, depth + 1)
    elif depth < 3 and isinstance(obj, dict):
        for x in obj.values():
            yield from _walk(x, depth + 1)


def _anchored_names(source: str) -> set[str]:
    """Module-level pattern names a module only ever calls ``match``/``fullmatch`` on."""
    uses: dict[str, set[str]] = {}
    for name, method in re.findall(r"\b([A-Z_][A-Z0-9_]*)\.(\w+)\(", source):
        uses.setdefault(name, set()).add(method)
    return {n for n, m in uses.items() if m <= {"match", "fullmatch"}}


def collect() -> dict[tuple[str | bytes, int], tuple[str, str]]:
    """``(pattern, flags) → (where, mode)`` for every text-level pattern, ``mode`` being
    ``scan`` or ``match``."""
    mods = _modules()
    found: dict[tuple[str | bytes, int], tuple[str, str]] = {}

    def add(p: re.Pattern, where: str, mode: str) -> None:
        key = (p.pattern, p.flags)
        if key not in found or (found[key][1] == "match" and mode == "scan"):
            found[key] = (where, mode)

    for m in mods:
        anchored = _anchored_names(inspect.getsource(m))
        for name, value in vars(m).items():
            for p in _walk(value):
                add(p, f"{m.__name__}.{name}", "match" if name in anchored else "scan")
            # patterns built from the rule tables by cached functions without arguments
            if (
                callable(value)
                and hasattr(value, "cache_clear")
                and getattr(value, "__module__", "") == m.__name__
            ):
                try:
                    sig = inspect.signature(value)
                except (TypeError, ValueError):
                    continue
                if all(p.default is not p.empty for p in sig.parameters.values()):
                    for p in _walk(value()):
                        add(p, f"{m.__name__}.{name}()", "scan")
    # the lexicon's grammar, every named pattern run alone (those a caller fills in are seen there)
    from vanban import lexicon

    for name, entry in lexicon.grammar().items():
        if entry.part:
            continue
        try:
            p = lexicon.pattern(name)
        except KeyError:  # a word list its caller fills in: seen at the caller
            continue
        add(p, f"vanban.lexicon:{name}", "match" if entry.anchored else "scan")
    # inline patterns (re.match(r"…", s)) and those built on demand: seen while documents are
    # parsed and checked, with the re function that compiled them
    real = re._compile

    def spy(pattern, flags):  # type: ignore[no-untyped-def]
        p = real(pattern, flags)
        f = sys._getframe(1)
        how = f.f_code.co_name
        while f is not None and f.f_code.co_filename == re.__file__:
            f = f.f_back
        if f is not None and f.f_code.co_filename.startswith(str(SRC)):
            rel = f.f_code.co_filename[len(str(SRC)) + 1 :]
            mod = "vanban." + rel.removesuffix(".py").replace("/", ".")
            if _text_module(mod):
                add(p, f"{rel}:{f.f_lineno}", "match" if how in ("match", "fullmatch") else "scan")
        return p

    from vanban.check import check

    re._compile = spy  # type: ignore[assignment]
    try:
        texts = sorted(CORPUS.glob("seeds/*.txt")) + sorted(CORPUS.glob("gold/*.txt"))[:12]
        for path in texts:
            check(vanban.parse(path.read_text(encoding="utf-8")))
    finally:
        re._compile = real  # type: ignore[assignment]
    return found


def _pieces(p: re.Pattern) -> list[str]:
    """The literals and character-class members a pattern is made of."""
    out: set[str] = set()
    lit: list[str] = []
    cats = {
        C.CATEGORY_DIGIT: "1",
        C.CATEGORY_SPACE: " ",
        C.CATEGORY_WORD: "a",
        C.CATEGORY_NOT_WORD: "-",
        C.CATEGORY_NOT_SPACE: "a",
        C.CATEGORY_NOT_DIGIT: "a",
    }

    def flush() -> None:
        if lit:
            out.add("".join(lit))
            lit.clear()

    def walk(items) -> None:  # type: ignore[no-untyped-def]
        for op, av in items:
            if op is C.LITERAL:
                lit.append(chr(av))
                continue
            flush()
            if op is C.IN:
                for o, a in av:
                    if o is C.LITERAL:
                        out.add(chr(a))
                    elif o is C.RANGE:
                        out.update((chr(a[0]), chr(a[1])))
                    elif o is C.CATEGORY and a in cats:
                        out.add(cats[a])
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
                walk(av[2])
            elif op is C.SUBPATTERN:
                walk(av[-1])
            elif op is C.BRANCH:
                for b in av[1]:
                    walk(b)
                    flush()
            elif op in (C.ASSERT, C.ASSERT_NOT):
                walk(av[1])
            elif op is getattr(C, "ATOMIC_GROUP", None):
                walk(av)
        flush()

    src = p.pattern if isinstance(p.pattern, str) else p.pattern.decode("latin-1")
    flags = p.flags & ~re.UNICODE if isinstance(p.pattern, bytes) else p.flags
    walk(sre_parse.parse(src, flags))
    return sorted(x for x in out if x)


def adversarial(p: re.Pattern, n: int = N, seed: int = 0) -> Iterator[str]:
    """Long runs of each piece of ``p`` (alone and with spaces), and mixtures of them, each ended
    by a character nothing expects."""
    rnd = random.Random(seed)
    pieces = _pieces(p)
    rnd.shuffle(pieces)
    base = list(dict.fromkeys(pieces[:16] + COMMON))
    for piece in base:
        k = max(1, n // len(piece))
        yield piece * k + "\x00"
        yield (piece + " ") * (k // 2) + "\x00"
    for _ in range(4):
        yield "".join(rnd.choice(base) for _ in range(n // 3)) + "\x00"


def _time_pattern(p: re.Pattern, mode: str) -> tuple[float, str]:
    worst = (0.0, "")
    for s in adversarial(p):
        data: str | bytes = s.encode("utf-8") if isinstance(p.pattern, bytes) else s
        t0 = time.perf_counter()
        if mode == "scan":
            for _ in p.finditer(data):  # type: ignore[arg-type]
                pass
        else:
            p.match(data)  # type: ignore[arg-type]
        took = time.perf_counter() - t0
        if took > worst[0]:
            worst = (took, s[:24])
        if took > BUDGET:
            break
    return worst


def _in_child(p: re.Pattern, mode: str, kill_after: int = KILL_AFTER) -> tuple[float, str] | None:
    """Time ``p`` in a forked child killed after ``kill_after`` s; None when it was killed."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(kill_after)
        took, sample = _time_pattern(p, mode)
        os.write(w, f"{took}\t{sample!r}".encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        out = fh.read().decode()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not out:
        return None
    took, sample = out.split("\t", 1)
    return float(took), sample


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    vanban.parse("Số: 1/QĐ-UBND")  # tables loaded and patterns compiled before anything is timed


@pytest.fixture(scope="module")
def patterns() -> dict[tuple[str | bytes, int], tuple[str, str]]:
    return collect()


def test_the_audit_sees_the_patterns_that_matter(patterns) -> None:  # type: ignore[no-untyped-def]
    wheres = {w for w, _m in patterns.values()}
    assert len(patterns) > 100
    assert any(w.startswith("vanban.normalize._BRANCH_RE") for w in wheres)
    assert any(w.startswith("vanban.normalize._DECOMPOSED") for w in wheres)
    assert any(w.startswith("vanban.tasks.") for w in wheres) and any(
        w.startswith("vanban.cite.") for w in wheres
    )
    assert any(":" in w for w in wheres), "inline patterns are seen too"
    from vanban import lexicon

    compiled = {
        (p.pattern, p.flags) for p in map(lexicon.pattern, ("header.vv", "tasks.report", "check.motto"))
    }
    assert compiled <= set(patterns), "the lexicon's grammar is seen"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to stop a runaway pattern")
def test_every_text_level_pattern_is_linear(patterns) -> None:  # type: ignore[no-untyped-def]
    slow = []
    for (pattern, flags), (where, mode) in sorted(patterns.items(), key=lambda kv: kv[1][0]):
        res = _in_child(re.compile(pattern, flags), mode)
        if res is None:
            slow.append(f"{where} ({mode}): still running after {KILL_AFTER} s: {pattern!r:.120}")
        elif res[0] > BUDGET:
            slow.append(f"{where} ({mode}): {res[0]:.2f} s on {res[1]}…: {pattern!r:.120}")
    assert not slow, "patterns that are not linear:\n" + "\n".join(slow)


def test_the_audit_catches_a_quadratic_pattern() -> None:
    bad = re.compile(r"(?:[ \t]*\|)+[ \t]*(?=\n|$)")  # the table-pipe pattern of issue 16
    res = _in_child(bad, "scan", kill_after=5)
    assert res is None or res[0] > BUDGET


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param(*case, id=case[0])
        for case in [
            ("30 KB of table pipes", "Số: 1/QĐ-UBND\nabc " + "|  " * 10_000 + "x\n"),
            ("40k characters after a decomposed letter", "e\u0301 " + "a" * 40_000),
            ("blank runs around a pipe", "x | " + " " * 40_000 + "y\n"),
            ("a long blank line", "a\n" + " " * 40_000 + "x\n"),
            ("combining marks", "a" + "\u0301" * 40_000 + " b"),
            ("dots", "Số: " + "." * 40_000 + "/QĐ\n"),
        ]
    ],
)
def test_adversarial_documents_parse_in_time(name: str, text: str) -> None:
    t0 = time.perf_counter()
    vanban.parse(text)
    assert time.perf_counter() - t0 < 2, name


PIECES = [
    "|",
    "  ",
    " | ",
    "\t",
    "\n",
    ".",
    "…",
    "-",
    "_",
    "*",
    "\u0301",
    "e\u0301",
    "Số: ",
    "ngày ",
    "tháng ",
    "Căn cứ ",
    "Nơi nhận:",
    "12/UBND-VP",
    "(",
    ")",
    ":",
    ";",
    ",",
    "Điều 1. ",
    "Giao ",
    "chủ trì",
    "V/v",
]


@settings(
    max_examples=int(os.environ.get("VANBAN_FUZZ_EXAMPLES", "150")),
    deadline=2000,  # ms per case: a linear parse of a few KB takes a few ms
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.integers(1, 400)), min_size=1, max_size=12))
def test_fuzz_parse_with_a_time_limit_per_case(runs: list[tuple[str, int]]) -> None:
    """Long runs of separators, in any order: each case parses within the deadline."""
    vanban.parse("".join(piece * k for piece, k in runs))
