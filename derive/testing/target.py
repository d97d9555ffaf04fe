"""What is checked, found in the child: a function, a static method, or a method of an object
built anew for every input.

``MODULE:FUNCTION`` names a function of the module; ``MODULE:Class.method`` a method, whose
instance ``--init`` builds (a call of the class or of a factory in the restricted syntax), or,
without ``--init``, ``Class()``. A static method is called as a function, a class method on its
class. From Python, the function (or method, as ``Class.method``) is given with a ``build``
function that returns the object.

The :class:`Callee` also says what the parent needs to plan the calls: the parameters (by-name
defaults, signature checks) and the names of the function's return statement
(``return loss, grads``), read from its source with ``ast``.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass

from derive.testing.callsyntax import names, show
from derive.testing.describe import describe
from derive.testing.importing import UserCodeError, import_module
from derive.testing.scope import Scope, ScopeError, evaluate


@dataclass
class Callee:
    """The checked callable and how to call it.

    Attributes:
        name: "module:qualified.name", for the report.
        function: the function itself (for a method: the function on the class).
        method: the method's name, if it is called on an object; else None.
        build: returns the object for one input, given the input's scope (None: no object, or
            ``holder`` is the object).
        holder: a fixed object the method belongs to (a module-level instance), or None.
        namespace: the module (or globals) where the restricted syntax looks up names.
        init_names: the names ``--init`` uses (empty without it); None when a function of the
            caller's builds the object (the Python API's ``build``), which may use any.
    """

    name: str
    function: Callable
    method: str | None
    build: Callable[[Scope], object] | None
    holder: object
    namespace: object
    init_names: frozenset[str] | None = frozenset()

    def bound(self, obj: object) -> Callable:
        """What to call for one input."""
        if self.method is not None and obj is not None:
            return getattr(obj, self.method)
        return self.function

    def parameters(self) -> list[list] | None:
        """[[name, kind, has_default], ...] of the call as made (``self`` left out); None if
        it has no signature to read."""
        try:
            signature = inspect.signature(self.function)
        except (TypeError, ValueError):
            return None
        found = [
            [p.name, p.kind.name, p.default is not p.empty] for p in signature.parameters.values()
        ]
        unbound = self.method is not None and not isinstance(self.function, types.MethodType)
        return found[1:] if unbound and found else found

    def returned_names(self) -> list[str] | None:
        """The names the function's return statements give, if they all give the same."""
        return returned_names(self.function)


def returned_names(function: Callable) -> list[str] | None:
    """``return loss, grads`` -> ["loss", "grads"]; ``return dW`` -> ["dW"]; [] if it has no
    return statement; the one tuple of names among single names (``return scores`` early);
    None if it returns other forms, several different tuples, or its source cannot be read."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    node = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)), None
    )
    if node is None:
        return None
    forms = set()
    for statement in _own_returns(node):
        value = statement.value
        if isinstance(value, ast.Name):
            forms.add((value.id,))
        elif isinstance(value, ast.Tuple) and all(isinstance(e, ast.Name) for e in value.elts):
            forms.add(tuple(e.id for e in value.elts))
        else:
            return None
    if not forms:
        return []  # no return statement: it returns None, there is nothing to look into
    if len(forms) == 1:
        return list(forms.pop())
    # cs231n's loss: ``return scores`` without targets, ``return loss, grads`` with them;
    # the names apply only where the value returned is a tuple of as many (scope, detect)
    tuples = [form for form in forms if len(form) > 1]
    return list(tuples[0]) if len(tuples) == 1 else None


def _own_returns(function: ast.AST) -> list[ast.Return]:
    """The return statements of ``function`` itself, not of functions nested in it."""
    found, stack = [], list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Return) and node.value is not None:
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _qualified(fn: object) -> str:
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
    return f"{module}:{name}" if module else str(name)


def from_callable(fn: Callable, build: Callable[[], object] | None) -> Callee:
    """The Python API: ``fn`` itself; with ``build``, ``fn`` is a method called on its result."""
    namespace = getattr(fn, "__globals__", None) or inspect.getmodule(fn) or {}
    if build is None:
        return Callee(_qualified(fn), fn, None, None, None, namespace)
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str):
        raise UserCodeError(f"{fn!r} has no name to call on the object that build returns")
    return Callee(_qualified(fn), fn, name, lambda scope: build(), None, namespace, None)


def _defines(module: types.ModuleType) -> str:
    known = sorted(
        key
        for key, value in vars(module).items()
        if callable(value)
        and not key.startswith("_")
        and getattr(value, "__module__", None) == module.__name__
    )
    return f" (it defines: {', '.join(known)})" if known else ""


def from_spec(spec: str, init: list | None, definitions_only: bool = False) -> Callee:
    """The command line: ``MODULE:NAME`` (the last ':' separates them), imported here (only
    the module's definitions, with ``definitions_only``).

    Raises:
        UserCodeError: a malformed spec, an import that fails, no such name.
    """
    module_name, colon, name = spec.rpartition(":")
    if not colon or not module_name or not name:
        raise UserCodeError(f"{spec!r}: expected MODULE:FUNCTION, e.g. layer.py:grad_W")
    module = import_module(module_name, definitions_only)
    holder, target = None, module
    for part in name.split("."):
        if not part.isidentifier() or part.startswith("__") or not hasattr(target, part):
            raise UserCodeError(f"{module_name} has no {name!r}{_defines(module)}")
        holder, target = target, getattr(target, part)
    if not callable(target):
        raise UserCodeError(f"{module_name}:{name} is a {type(target).__name__}, not a function")
    shown = f"{module.__name__}:{name}"
    method = name.rpartition(".")[2]
    if isinstance(holder, type):
        kind = inspect.getattr_static(holder, method, None)
        if isinstance(kind, staticmethod | classmethod):
            return _function_only(shown, target, init, module)
        used = frozenset(names(init)) if init is not None else frozenset()
        return Callee(shown, kind, method, _builder(holder, init, module), None, module, used)
    if holder is not module and not isinstance(holder, types.ModuleType):
        return _function_only(shown, target, init, module, holder=holder)
    return _function_only(shown, target, init, module)


def _function_only(
    shown: str, target: Callable, init: list | None, module: object, holder: object = None
) -> Callee:
    if init is not None:
        raise UserCodeError(
            f"--init {show(init)}: {shown} is not a method of a class (MODULE:Class.method)"
        )
    method = shown.rpartition(".")[2] if holder is not None else None
    return Callee(shown, target, method, None, holder, module)


def _builder(cls: type, init: list | None, module: object) -> Callable[[Scope], object]:
    """The object for one input: ``--init`` evaluated, or ``cls()`` (a constructor that
    wants arguments then says so as bad usage, :class:`NeedsInit`)."""
    if init is not None:
        return lambda scope: evaluate(init, scope)

    def default(scope: Scope) -> object:
        try:
            return cls()
        except TypeError as error:
            if error.__traceback__ is not None and error.__traceback__.tb_next is None:
                raise NeedsInit(
                    f"{cls.__name__}() cannot build the object ({describe(error, False)}): give "
                    f"--init '{cls.__name__}(...)', or a factory of your module"
                ) from None
            raise

    return default


class NeedsInit(ScopeError):
    """The class cannot be built without arguments, and no ``--init`` says how: bad usage."""
