"""What the names of the restricted call syntax mean, and evaluating its trees (in the child).

A name is looked up, in this order:

1. ``self``: the object whose method is checked (built anew for every input);
2. a name that ``--arg NAME=EXPR`` gives (evaluated once per input, when first needed; in its
   own expression the name means what it would without it);
3. the arrays of the input (``x``, ``W1``, ``z``, ``t``, ... in the user's layout and dtype),
   and ``reg`` under ``--regularization``;
4. an attribute of the object (``forward`` is ``self.forward``);
5. a name of the user's module;
6. a usual name of an array, as a parameter would get it (``X`` is ``x``, ``y`` the targets,
   ``Z1`` is ``z1``): last, so that it never hides the object's or the module's own functions
   and classes; but before an attribute or a module global that holds data (a script's
   training ``X`` and ``y``), which ``forward(X)`` never means.

In ``--result`` a name is part of what the call returned instead: a name of the checked
function's return statement (``return loss, grads`` makes ``grads`` the second value), a key of
a returned dict, or an attribute of the object after the call (``self.dinputs``).

Only the user's own code is called: a function or class written in Python, or a method of the
object; never a module, a builtin (``open``, ``os.system``) or an attribute starting with two
underscores (the grammar refuses those). A name found nowhere is a :class:`ScopeError`, which
the check reports as bad usage.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field

from derive.testing.callsyntax import show


class ScopeError(Exception):
    """A name or call that the restricted syntax cannot resolve: bad usage, not the user's
    code failing."""


RETURNED = ["returned"]  # the tree of the checked call's return value (``--result [1]``)


@dataclass
class Scope:
    """Everything a tree can refer to for one input (see the module docstring).

    Attributes:
        arrays: the input's arrays and other values by name.
        definitions: ``--arg`` names -> trees, evaluated on first use.
        obj: the object (None for a function).
        module: the namespace of the user's code (a module or a function's globals).
        returned: the checked call's return value, once it returned (for ``--result``).
        returned_names: the names of the function's return statement, if it has one form.
    """

    arrays: dict[str, object]
    definitions: Mapping[str, list] = field(default_factory=dict)
    obj: object = None
    module: object = None
    returned: object = None
    returned_names: tuple[str, ...] | None = None
    has_returned: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict)  # usual name -> array name
    before: Mapping[str, object] = field(default_factory=dict)  # the arrays before the call
    _values: dict[str, object] = field(default_factory=dict)
    _evaluating: set[str] = field(default_factory=set)

    def value(self, name: str, *, result: bool = False) -> object:
        """The value of ``name`` (see the module docstring for the order)."""
        if name == "self" and self.obj is not None:
            return self.obj
        if result:  # a part of what the call returned, or of the object after it
            found, value = self._in_returned(name)
            if found:
                return value
            if self.obj is not None and _has(self.obj, name):
                return getattr(self.obj, name)
            raise ScopeError(f"{name!r} is not a name of what the function returns{self._parts()}")
        if name in self.definitions and name not in self._evaluating:
            return self.defined(name)  # what --arg gives the name (X=X: the array X)
        if name in self.arrays:
            return self.arrays[name]
        # a usual name of an array (X, y) means the input's array, not a script's training
        # data of that name; a function or class of that name stays the user's
        aliased = self.aliases.get(name) in self.arrays
        if self.obj is not None and _has(self.obj, name):
            value = getattr(self.obj, name)
            if not aliased or callable(value):
                return value
        found, value = self._global(name)
        if found and (not aliased or callable(value)):
            if isinstance(value, types.ModuleType):
                raise ScopeError(f"{name} is a module: name the user's own function or array")
            return value
        if aliased:
            return self.arrays[self.aliases[name]]
        raise ScopeError(f"the name {name!r} is not defined here{self._known()}")

    def defined(self, name: str) -> object:
        """The value of an ``--arg`` name, computed once (inside its own expression, the
        name is the array or function of that name)."""
        if name not in self._values:
            self._evaluating.add(name)
            try:
                self._values[name] = evaluate(self.definitions[name], self)
            finally:
                self._evaluating.discard(name)
        return self._values[name]

    def _in_returned(self, name: str) -> tuple[bool, object]:
        if not self.has_returned:
            return False, None
        names = self.returned_names or ()
        if name in names:
            if len(names) == 1:
                return True, self.returned
            if isinstance(self.returned, tuple) and len(self.returned) == len(names):
                return True, self.returned[names.index(name)]
        if isinstance(self.returned, Mapping) and name in self.returned:
            return True, self.returned[name]
        return False, None

    def _parts(self) -> str:
        names = list(self.returned_names or ())
        if isinstance(self.returned, Mapping):
            names += [str(key) for key in list(self.returned)[:12]]
        return f" (it returns: {', '.join(names)})" if names else ""

    def _global(self, name: str) -> tuple[bool, object]:
        space = self.module if isinstance(self.module, Mapping) else vars(self.module or {})
        if name in space:
            return True, space[name]
        return False, None

    def _known(self) -> str:
        shown = sorted(n for n in (*self.arrays, *self.definitions) if not n.startswith("_"))
        return f" (the arrays and --arg names: {', '.join(shown)})" if shown else ""

    def function(self, name: str) -> object:
        """The function a bare name calls: the object's method, else the module's function."""
        if self.obj is not None and _has(self.obj, name):
            return _callable(getattr(self.obj, name), name)
        found, value = self._global(name)
        if not found:
            raise ScopeError(f"no function {name!r} in the object or the module")
        return _callable(value, name)


def _has(obj: object, name: str) -> bool:
    if name.startswith("__"):
        return False
    try:
        return hasattr(obj, name)
    except Exception:  # a property that raises: it is there, reading it will say why
        return True


def _callable(value: object, shown: str) -> object:
    """``value`` if it is the user's code to call: a Python function, class or method."""
    value_function = value.__func__ if isinstance(value, types.MethodType) else value
    python = isinstance(value_function, types.FunctionType) or (
        isinstance(value, type) and value.__module__ != "builtins"
    )
    if not python:
        kind = "a module" if isinstance(value, types.ModuleType) else type(value).__name__
        raise ScopeError(
            f"{shown} is {kind}, not a function or class of your code: only your own code is called"
        )
    return value


def evaluate(tree: list, scope: Scope, *, result: bool = False) -> object:
    """The value of ``tree`` in ``scope`` (``result``: a ``--result`` tree, see above).

    Raises:
        ScopeError: a name or call that cannot be resolved.
        Exception: whatever the user's code raises (the caller describes it).
    """
    kind = tree[0]
    if kind == "const":
        return tree[1]
    if kind == "returned":
        return scope.returned
    if kind == "name":
        return scope.value(tree[1], result=result)
    if kind == "attr":
        base = evaluate(tree[1], scope, result=result)
        if isinstance(base, types.ModuleType):
            raise ScopeError(f"{show(tree)}: attributes of modules are not reachable")
        return getattr(base, tree[2])
    if kind == "item":
        return evaluate(tree[1], scope, result=result)[evaluate(tree[2], scope, result=result)]
    if kind == "tuple":
        return tuple(evaluate(t, scope, result=result) for t in tree[1])
    if kind == "list":
        return [evaluate(t, scope, result=result) for t in tree[1]]
    if kind == "dict":
        return {
            evaluate(k, scope, result=result): evaluate(v, scope, result=result) for k, v in tree[1]
        }
    if kind == "call":
        return _call(tree, scope, result)
    if kind == "update":  # a gradient read off the step the code took (--update)
        _, target, array, name = tree
        return (scope.before[array] - current(target, scope)) / scope.value(name)
    raise ScopeError(f"cannot evaluate {show(tree)}")


def _call(tree: list, scope: Scope, result: bool) -> object:
    _, function, positional, keywords = tree
    if function[0] == "name":
        target = scope.function(function[1])
    elif function[0] == "attr":
        base = evaluate(function[1], scope, result=result)
        if isinstance(base, types.ModuleType):
            raise ScopeError(f"{show(function)}: functions of modules are not called")
        target = _callable(getattr(base, function[2]), show(function))
    else:
        raise ScopeError(f"{show(function)} cannot be called")
    args = [evaluate(a, scope, result=result) for a in positional]
    kwargs = {k: evaluate(v, scope, result=result) for k, v in keywords}
    return target(*args, **kwargs)  # type: ignore[operator]


def _holder(tree: list, scope: Scope) -> object:
    """What ``--set`` assigns into: a bare name is the object's attribute first (state lives
    there: ``W[0]=W1`` is ``self.W[0]``, not the input's array W), then as anywhere."""
    if tree[0] == "name" and scope.obj is not None and _has(scope.obj, tree[1]):
        return getattr(scope.obj, tree[1])
    return evaluate(tree, scope)


def current(target: list, scope: Scope) -> object:
    """What a ``--set`` target holds now (after the call: the stepped parameter)."""
    kind = target[0]
    if kind == "name":
        holder = scope.obj if scope.obj is not None else scope.module
        if isinstance(holder, Mapping):
            return holder[target[1]]
        return getattr(holder, target[1])
    if kind == "attr":
        return getattr(_holder(target[1], scope), target[2])
    if kind == "item":
        return _holder(target[1], scope)[evaluate(target[2], scope)]
    raise ScopeError(f"cannot read {show(target)}")


def assign(target: list, value: object, scope: Scope) -> None:
    """``--set TARGET=...``: a name is an attribute of the object (or the module's global)."""
    kind = target[0]
    if kind == "name":
        holder = scope.obj if scope.obj is not None else scope.module
        if isinstance(holder, Mapping):
            holder[target[1]] = value  # type: ignore[index]
        else:
            setattr(holder, target[1], value)
    elif kind == "attr":
        setattr(_holder(target[1], scope), target[2], value)
    elif kind == "item":
        _holder(target[1], scope)[evaluate(target[2], scope)] = value
    else:
        raise ScopeError(f"cannot assign to {show(target)}")
