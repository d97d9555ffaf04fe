"""The layering of the packages, pinned: data flows down the stages, imports point down only.

Every import statement of every module is read (``ast``, nothing is imported), wherever it
stands: at the top, under ``if TYPE_CHECKING:``, or inside a function. A module may import from
its own unit and from any unit of a lower stage; never from a higher stage, and never from a
sibling unit of its own stage (derivations and sources, render and emit, stay independent).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. Each stage lists its units: a package (all its modules) or a single module.
STAGES: tuple[tuple[str, ...], ...] = (
    ("derive.version", "derive.notation", "derive.suggest", "derive.display"),
    ("derive.model",),
    ("derive.checker",),
    ("derive.steps",),
    ("derive.derivations", "derive.sources"),
    ("derive.render", "derive.emit"),
    # people's gradient code against the proved results: it needs emit's proved expressions;
    # a project's files, settings and reports (derive check, check_file, the pytest plugin)
    ("derive.testing", "derive.project"),
    ("derive.cli", "derive.pytest_plugin"),
    # the entry points: the package's face (derive/__init__.py, what users import) and
    # `python -m derive`
    ("derive", "derive.__main__"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(name: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module or package) for every import statement, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from derive.checker import equal` imports the module derive.checker.equal
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _unit(module: str) -> tuple[int, str] | None:
    """(stage, unit) of a module of derive: the longest unit that contains it (the face,
    ``derive``, contains only itself)."""
    best = None
    for stage, units in enumerate(STAGES):
        for unit in units:
            inside = module == unit or (unit != "derive" and module.startswith(unit + "."))
            if inside and (best is None or len(unit) > len(best[1])):
                best = (stage, unit)
    return best


DERIVE = _modules("derive")


def _resolve(target: str) -> str:
    """The module an import reaches: ``derive.checker.Verdict`` is ``derive.checker``."""
    while target and target not in DERIVE and "." in target:
        target = target.rpartition(".")[0]
    return target


def test_every_module_of_derive_belongs_to_a_stage() -> None:
    homeless = [name for name in DERIVE if _unit(name) is None]
    assert not homeless, f"add these modules to a stage in STAGES: {homeless}"


@pytest.mark.parametrize("name", sorted(DERIVE))
def test_imports_point_down_the_stages(name: str) -> None:
    stage, unit = _unit(name)
    wrong = []
    for line, target in _imports(name, DERIVE[name]):
        if target.split(".")[0] == "derive_numeric":
            wrong.append(f"line {line}: {target} (derive never imports the numeric oracle)")
            continue
        found = _unit(_resolve(target)) if target.split(".")[0] == "derive" else None
        if found is None or found[1] == unit:
            continue
        target_stage, target_unit = found
        if target_stage > stage:
            wrong.append(f"line {line}: {target} is in a higher stage ({target_unit})")
        elif target_stage == stage:
            wrong.append(f"line {line}: {target} is a sibling of the same stage ({target_unit})")
    assert not wrong, f"{name} imports against the layering:\n" + "\n".join(wrong)


def _graph() -> dict[str, set[str]]:
    """Module -> the modules of derive it imports (a name that is not a module: its package)."""
    graph: dict[str, set[str]] = {}
    for name, path in DERIVE.items():
        edges = set()
        for _, target in _imports(name, path):
            target = _resolve(target)
            if target in DERIVE and target != name:
                edges.add(target)
        graph[name] = edges
    return graph


def test_no_import_cycles_in_derive() -> None:
    """Cycles between modules, package faces included (``derive.checker`` is its __init__)."""
    graph, state, cycles = _graph(), {}, []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if target == "derive" or node == "derive":
                continue  # every submodule's package face is loaded first; that is no cycle
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_layering_test_catches_an_upward_import() -> None:
    """Test the tester: a checker module importing the renderer is reported."""
    assert _unit("derive.checker.equal")[0] < _unit("derive.render.table")[0]
    assert _unit("derive.sources.toml.results")[0] == _unit("derive.derivations.output")[0]
    assert _unit("derive.sources.toml.results")[1] != _unit("derive.derivations.output")[1]
    assert _unit("derive.nowhere") is None  # a new top-level module must be placed
    assert _unit("derive_numeric.loss") is None
    assert _resolve("derive.check_equal") == "derive"  # `from derive import x` is the face


def test_numeric_never_imports_sympy_or_derive() -> None:
    """The oracle stays independent: no import anywhere in derive_numeric, not even lazily."""
    imported = {
        target.split(".")[0]
        for name, path in _modules("derive_numeric").items()
        for _, target in _imports(name, path)
    }
    assert "numpy" in imported
    assert not imported & {"sympy", "derive", "mpmath"}
