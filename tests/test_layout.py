"""The layout of ``src/parley``: no two modules import each other, directly or
through others, counting imports made inside functions too; modules stay
small; the package root stays a short list; each analyser is one folder."""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "parley"


def module_names(src: Path = SRC, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of ``package`` under ``src`` by dotted name; a package's
    ``__init__.py`` is the module named after the package."""
    names: dict[str, Path] = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _nearest_module(name: str, modules: dict[str, Path]) -> str | None:
    """``name`` if it is a module, else the longest dotted prefix that is."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module a ``from ... import`` names (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the package that module ``name`` imports anywhere in
    its body (module level, in functions, in classes, under ``if``).

    ``from parley.a import b`` is an import of ``parley.a.b`` when that is a
    module, else of ``parley.a``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, name, path.name == "__init__.py")
            for alias in node.names:
                full = f"{source}.{alias.name}"
                targets.add(full if full in modules else source)
    found = {_nearest_module(t, modules) for t in targets if t == PACKAGE or t.startswith(PACKAGE + ".")}
    return {m for m in found if m is not None and m != name}


def import_graph(src: Path = SRC, package: str = PACKAGE) -> dict[str, set[str]]:
    modules = module_names(src, package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion
    limit): each component is a list of nodes, every one reachable from
    every other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def a_cycle(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One closed path through a component, for the failure message: the
    shortest way back to its first module (breadth-first)."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return list(reversed(path)) + [start]
                if child not in came_from:
                    came_from[child] = node
                    nxt.append(child)
        frontier = nxt
    return component


def cycles(graph: dict[str, set[str]]) -> list[str]:
    return [" -> ".join(a_cycle(c, graph)) for c in strongly_connected(graph) if len(c) > 1]


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for child in graph.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def test_no_import_cycles():
    graph = import_graph()
    assert "parley.store" in graph and graph["parley.pipeline.run"], "the graph must cover the package"
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(found)


def test_analysers_never_reach_the_section_collector():
    """``render.sections`` loads the analysers (through the registry, with
    ``importlib``, which the graph cannot see), so no analyser may import it,
    even through another module: they register in ``render.table``."""
    graph = import_graph()
    analysers = [m for m in graph if m.startswith("parley.analysers.")]
    assert analysers
    offenders = sorted(m for m in analysers if "parley.render.sections" in reachable(graph, m))
    assert not offenders, offenders
    assert not {"parley.analysers", "parley.pipeline"} & reachable(graph, "parley.render.table")


def test_the_cycle_finder_finds_cycles(tmp_path):
    pkg = tmp_path / "parley"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from parley.sub import b\n")
    (pkg / "sub" / "a.py").write_text("def f():\n    from parley.sub.b import g\n")
    (pkg / "sub" / "b.py").write_text("from . import c\n")
    (pkg / "sub" / "c.py").write_text("import parley.sub.a\nfrom parley import sub\n")
    (pkg / "alone.py").write_text("from parley.sub.a import f\nimport parley.nothing\n")
    graph = import_graph(tmp_path, "parley")
    assert graph["parley.sub.b"] == {"parley.sub.c"}  # relative import of a module
    assert graph["parley.alone"] == {"parley.sub.a", "parley"}  # an unknown module counts as its package
    components = [c for c in strongly_connected(graph) if len(c) > 1]
    assert components == [["parley.sub", "parley.sub.a", "parley.sub.b", "parley.sub.c"]]
    assert cycles(graph) == ["parley.sub -> parley.sub.b -> parley.sub.c -> parley.sub"]
    assert reachable(graph, "parley.alone") == {"parley", "parley.sub", "parley.sub.a", "parley.sub.b", "parley.sub.c"}


MAX_LINES = 400  # split a module by concern before it grows past this
MAX_ROOT_MODULES = 12


def test_no_module_is_longer_than_the_limit():
    long = {name: n for name, path in module_names().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_package_root_holds_few_modules():
    root = sorted(p.name for p in (SRC / PACKAGE).glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, root


def test_every_analyser_is_one_folder_with_its_module_and_data():
    from parley.pipeline import load_analysers

    folders = {p.name for p in (SRC / PACKAGE / "analysers").iterdir() if (p / "analyser.py").is_file()}
    homes = {a.func.__module__ for a in load_analysers().values()}
    assert homes == {f"parley.analysers.{folder}.analyser" for folder in folders}
    assert not (SRC / PACKAGE / "data").exists(), "data files live in the folder of the layer that reads them"
