"""``--definitions-only``: import a module's definitions and nothing else (in the child).

Real code often trains when it is imported (it reads a CSV, fits, plots) or imports a compiled
extension that is not built; as written it cannot be imported, and the usual advice, putting
that code under ``if __name__ == "__main__":``, means editing it. With this option the module
runs statement by statement, keeping only what defines something without running the code:

- imports (one that fails is skipped, and the report says so: a function that needs it then
  raises NameError when called, which is reported as such);
- functions and classes (with their decorators);
- assignments whose value calls nothing (constants, names, lambdas: ``EPS = 1e-8``,
  ``act = relu``); one that needs a name a skipped statement would have made (``m, n =
  data.shape``) is skipped too, and listed;
- the docstring.

Every other top-level statement (a call, a loop, an ``if``, an assignment that calls
something: ``data = np.loadtxt(...)``) is skipped and listed in the report.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import types
from pathlib import Path

KEPT = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
IMPORTS = (ast.Import, ast.ImportFrom)


def _calls(node: ast.AST) -> bool:
    """Whether evaluating ``node`` calls something (not counting lambda bodies)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Call):
            return True
        if isinstance(item, ast.Lambda):
            stack.extend(item.args.defaults + item.args.kw_defaults)
            continue
        stack.extend(c for c in ast.iter_child_nodes(item) if c is not None)
    return False


def _defines(node: ast.stmt) -> bool:
    if isinstance(node, KEPT + IMPORTS):
        return True
    if isinstance(node, ast.Assign | ast.AnnAssign):
        return node.value is not None and not _calls(node.value)
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _shown(node: ast.stmt, source: str) -> str:
    text = (ast.get_source_segment(source, node) or type(node).__name__).splitlines()[0]
    return f"line {node.lineno}: {text[:60]}"


def load(path: Path, name: str) -> tuple[types.ModuleType, list[str]]:
    """The module at ``path`` under ``name``, its definitions run (see the module docstring);
    and what was skipped, one line each."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path))
    parent = name.rpartition(".")[0]
    if parent:
        importlib.import_module(parent)  # relative imports need the package
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError(f"{path} cannot be loaded as a Python module", path=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    skipped = []
    try:
        for node in tree.body:
            if not _defines(node):
                skipped.append(_shown(node, source))
                continue
            code = compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec")
            try:
                exec(code, module.__dict__)  # the user's own module, as importing would run it
            except Exception as error:
                # a failing import, or an assignment whose names came from a skipped
                # statement (``m, n = data.shape`` after ``data = pd.read_csv(...)``)
                if not isinstance(error, ImportError if isinstance(node, IMPORTS) else NameError):
                    raise
                skipped.append(f"{_shown(node, source)} (failed: {type(error).__name__}: {error})")
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module, skipped
