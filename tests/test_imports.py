"""No import cycles in ``vanban``, counting the imports inside functions.

The graph is read from the source (AST), not from a running interpreter: every ``import`` and
``from … import`` at any depth, relative ones resolved; ``from pkg import module`` imports that
module; importing ``a.b.c`` also runs the ``__init__`` of every package on the way that the
importer is not itself inside (``vanban.tasks`` importing ``vanban.parse.dates`` imports
``vanban.parse``).
"""

import ast
from collections import deque
from pathlib import Path

import vanban

ROOT = Path(vanban.__file__).parent


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Module name → (file, is a package)."""
    out = {}
    for p in root.rglob("*.py"):
        parts = list(p.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (p, package)
    return out


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _targets(node: ast.AST, here: str, mods: dict[str, tuple[Path, bool]]) -> set[str]:
    """The modules of ``mods`` one import statement in package ``here`` names."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in mods}
    if not isinstance(node, ast.ImportFrom):
        return set()
    if node.level:
        base = here.split(".")[: len(here.split(".")) - node.level + 1]
        module = ".".join([*base, node.module] if node.module else base)
    else:
        module = node.module or ""
    out = set()
    for a in node.names:
        if f"{module}.{a.name}" in mods:
            out.add(f"{module}.{a.name}")
        elif module in mods:
            out.add(module)
    return out


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module → the modules of the package it imports, at any depth of its source."""
    mods = _modules(root)
    graph: dict[str, set[str]] = {}
    for name, (path, package) in mods.items():
        here = name if package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets |= _targets(node, here, mods)
        inside = _ancestors(name) | ({name} if package else set())
        for t in list(targets):
            targets |= {a for a in _ancestors(t) if a in mods and a not in inside}
        graph[name] = targets - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """A shortest cycle through each module that is on one (Tarjan's components, then BFS)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    comps: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan; the graph is a few hundred modules deep at most
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while (w := stack.pop()) != v:
                comp.add(w)
            comps.append(comp | {v})

    for v in sorted(graph):
        if v not in index:
            visit(v)
    found: set[tuple[str, ...]] = set()
    for comp in comps:
        for start in comp if len(comp) > 1 else ():
            cycle = _shortest_cycle(graph, comp, start)
            at = cycle.index(min(cycle))
            found.add(tuple(cycle[at:] + cycle[:at]))
    return sorted([*c, c[0]] for c in found)


def _shortest_cycle(graph: dict[str, set[str]], comp: set[str], start: str) -> list[str]:
    """The modules of a shortest cycle through ``start`` (breadth first inside its component)."""
    prev: dict[str, str] = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(graph[v] & comp):
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return path[::-1]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    raise AssertionError(start)  # a strongly connected component has a cycle through each module


def test_the_graph_sees_imports_inside_functions(tmp_path: Path) -> None:
    pkg = tmp_path / "p"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .sub import b\n")
    (pkg / "sub" / "__init__.py").write_text("from . import c\n")
    (pkg / "sub" / "b.py").write_text("import p.d\n")
    (pkg / "sub" / "c.py").write_text("")
    (pkg / "d.py").write_text("from p.sub.c import x\n")
    g = import_graph(pkg)
    assert g["p.a"] == {"p.sub.b", "p.sub"}
    assert g["p.sub"] == {"p.sub.c"} and g["p.sub.b"] == {"p.d"}
    assert g["p.d"] == {"p.sub.c", "p.sub"}
    assert cycles(g) == []
    (pkg / "sub" / "c.py").write_text("class X:\n    def m(self):\n        from ..a import f\n")
    assert cycles(import_graph(pkg)) == [
        ["p.a", "p.sub", "p.sub.c", "p.a"],  # p.a's import of p.sub.b runs p/sub/__init__.py
        ["p.a", "p.sub.b", "p.d", "p.sub.c", "p.a"],
    ]


def test_vanban_has_no_import_cycle() -> None:
    found = cycles(import_graph())
    print("\n".join(" → ".join(c) for c in found))
    assert found == []
