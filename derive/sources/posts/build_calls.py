"""Applications: ``\\log x``, ``softmax(z_k)``, ``\\sigma(z)``, ``f(z)``, ``J(W, b)``,
``\\ell(a, y)``, ``P(y \\mid x)``, and the products that look like them (``p_i(1 - p_i)``).

A name before a bracket is an application when (a table, ``FUNCTION_RULES``, first that
applies):

1. the post defines a function of that name (it wins over the reader's own meaning);
2. it is sigma (the sigmoid) or a function word;
   ... or the declarations name it (``[functions] g = "sigmoid"``);
   (a name the post defines as a value, ``h_j(1 - h_j)``, is a product from here on);
3. the brackets hold several arguments (``J(W, b)``, ``H(y, p)``, ``P(y \\mid x)``);
4. the name is a conventional function letter (f, g, h, φ, ψ, ell, J) or a word (``Loss``);
5. it is a capital letter applied to a name (``L(\\theta)``, ``E(w)``).

Otherwise it is a product (``a(1 - a)``, ``\\eta(a - b)``). An application of a function the
post does not define is never a product of letters: it makes the claims that use it
"cannot check", naming the function.
"""

from __future__ import annotations

from sympy import Expr, Indexed, diff

from derive.sources.posts.defined_functions import DefinedFunction, apply_function
from derive.sources.posts.extrema import EXTREMA, extremum
from derive.sources.posts.functions import FUNCTIONS, softmax
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.vocabulary import SIGMA
from derive.sources.posts.lazy_functions import BUILT_IN
from derive.sources.posts.matrix.calls import matrix_application, matrix_call
from derive.sources.posts.names import BuildError
from derive.sources.posts.ranges import index_items, letter_of

FUNCTION_LETTERS = frozenset(["f", "g", "h", "J", "φ", "ϕ", "ψ", "ell"])
REDEFINABLE = frozenset({"softmax", "relu", "sigmoid"})  # function words a post may define


def head_name(head: ast.Node) -> tuple[str, int] | None:
    """(the function's name as written, its primes) for an application's head: ``f``, ``sigma``,
    ``h_{W,b}`` (a subscript is part of a function's name), ``Loss``; None otherwise."""
    if isinstance(head, ast.Letter):
        return head.name, 0
    if not (isinstance(head, ast.Scripted) and isinstance(head.base, ast.Letter)):
        return None
    if head.sup is not None:
        return None
    name = head.base.name
    if head.sub:
        indices, suffix = index_items(head.sub)
        parts = [letter_of(i) or (i.text if isinstance(i, ast.Number) else None) for i in indices]
        if any(p is None for p in parts):
            return None
        text = ",".join(parts) + suffix
        name += "_" + (text if len(text) == 1 else "{" + text + "}")
    return name, head.primes


def _plain_name(node: ast.Node) -> bool:
    """A name standing alone (``x``, ``\\hat{y}``, ``z_k``, ``a^{(l)}``), as a parameter or
    argument is written."""
    if isinstance(node, ast.Letter):
        return True
    return isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter) and not node.primes


class CallsMixin:
    """The application nodes of :class:`~derive.sources.posts.build.Builder`."""

    def _call(self, node: ast.Call, env) -> Expr:
        """A function word: ``\\log x``, ``softmax(z_k)``, ``relu'(x)``."""
        base_name = node.name.rstrip("'")
        primes = len(node.name) - len(base_name)
        if node.name in EXTREMA and node.sub is not None and not self.matrix_mode:
            return extremum(self, node, env)  # \max_j z_j: a number of its own
        if self.matrix_mode:
            made = matrix_call(self, node, env)
            if made is not None:
                return made
        defined = self.functions.called(base_name, len(node.args))
        lazy = self.lazy_on and (_plain(defined) if defined is not None else base_name in BUILT_IN)
        if lazy and not node.sub and not node.sup and len(node.args) == 1:
            args = [self.build(a, env) for a in node.args]
            return self.lazily(base_name, args, primes)
        if defined is not None:
            args = [self.build(a, env) for a in node.args]
            value = self.apply_defined(defined, args, primes, node.pos)
        elif node.name == "softmax":
            if len(node.args) != 1:
                raise BuildError("softmax takes one argument: softmax(z_k)", node.pos)
            value = softmax(self, self.build(node.args[0], env), env, node.pos)
        else:
            if node.name not in FUNCTIONS:
                raise BuildError(f"{node.name} is not read", node.pos)
            arity, function = FUNCTIONS[node.name]
            args = [self.build(a, env) for a in node.args]
            if not arity[0] <= len(args) <= arity[1]:
                raise BuildError(f"{node.name} takes {arity[0]} argument(s)", node.pos)
            value = function(*args)
        if node.sub is not None:
            if node.name != "log":
                raise BuildError(f"a subscript on {node.name} is not read", node.pos)
            value = value / FUNCTIONS["log"][1](self.build(node.sub, env))
        if node.sup is not None:
            value = self.power(value, self.build(node.sup, env), node.pos)
        return value

    def lazily(self, name: str, args: list[Expr], primes: int) -> Expr:
        """An application inside a symbol's definition: written out with the function in
        force where the symbol is used (``lazy_functions``)."""
        if self.matrix_mode:
            args = [self.number_argument(a, 0) for a in args]
        return self.definitions.lazy.apply(name, args, primes, self.scope.generated())

    def in_force(self) -> tuple:
        """The functions in force here, for the lazy applications of a claim: the post's, its
        forward definitions, and the reader's own (sigma, relu, sigmoid)."""
        found = {SIGMA: "sigmoid", **BUILT_IN}
        for name in self.definitions.lazy.classes:
            ahead = self.forward(name) if name not in self.functions.table else None
            if ahead is not None:
                found[name] = ahead
        found.update(self.functions.table)
        return tuple(sorted(found.items(), key=lambda kv: kv[0]))

    def apply_defined(self, defined, args: list[Expr], primes: int, pos: int) -> Expr:
        if defined.body is None:
            return self.definitions._placeholder(defined.problem, None, ())
        if self.matrix_mode:
            made = self.defined_entrywise(defined, args, primes, pos)
            if made is not None:
                return made
            args = self.number_arguments(defined.params, args, pos)
        arrays = _Arrays(self.scope)
        return apply_function(defined, args, primes, self.scope.fresh, pos, self.slot_range, arrays)

    def slot_range(self, array, slot: int):
        """The range of an array's entries in a slot (``a_k`` summed over 1..N), or None."""
        key = self.scope.keys.get(array)
        return None if key is None else self.ranges.slots.get((key[0], key[1], slot))

    def _apply(self, node: ast.Apply, env) -> Expr:
        kind, value = self.application(node, env)
        return value if kind == "call" else value[0] * value[1]

    def application(self, node: ast.Apply, env) -> tuple[str, object]:
        """("call", value) for an application; ("product", (head, argument)) otherwise."""
        named = head_name(node.head)
        if named is not None:
            for rule in FUNCTION_RULES:
                found = rule(self, node, named, env)
                if found is PRODUCT:
                    break
                if found is not None:
                    return "call", found
        if len(node.args) != 1 or node.separators:
            raise BuildError("a list in brackets after a name that is not a function", node.pos)
        if isinstance(node.head, ast.Scripted) and node.head.primes:
            raise BuildError("a primed name before a bracket is not read", node.pos)
        return "product", (self.build(node.head, env), self.build(node.args[0], env))

    def forward(self, name: str):
        """The first definition of ``name`` further down the post, for an application written
        before it (``a = f(z)``, then "where $f(z) = ...$"); None if there is none."""
        if name in self.forward_made:
            return self.forward_made[name]
        entry = self.ahead.get(name)
        if entry is None or name in self.forward_building:
            return None
        params_nodes, body_node, where = entry
        self.forward_building.add(name)
        last_sum = self.last_sum
        try:
            params = tuple(self.build(p) for p in params_nodes)
            made = DefinedFunction(name, params, self.build(body_node), where)
        except BuildError:
            problem = f"the definition of {name} ({where}) cannot be read"
            made = DefinedFunction(name, (), None, where, problem)
        finally:
            self.forward_building.discard(name)
            self.last_sum = last_sum
        self.forward_made[name] = made
        return made

    def unknown_function(self, name: str, pos: int) -> Expr:
        """A stand-in for an application of a function the post does not define."""
        message = f"{name} is a function the text does not define"
        self.unknown_functions.add(name)
        made = self.definitions._placeholder(message, None, ())
        self.definitions.unknown.add(made)
        return made

    def bare_function(self, name: str) -> Expr | None:
        """A defined function named without brackets (``L`` for ``L(w) = ...``): its body at
        its own parameters. sigma alone stays a symbol (a standard deviation)."""
        defined = self.functions.get(name)
        if defined is None or name == SIGMA:
            return None
        if defined.body is None:
            return self.definitions._placeholder(defined.problem, None, ())
        return defined.body


def _defined(builder, node: ast.Apply, named, env) -> Expr | None:
    name, primes = named
    defined = builder.functions.called(name, len(node.args))
    if defined is None:
        return None
    args = [builder.build(a, env) for a in node.args]
    if builder.lazy_on and _plain(defined):
        return builder.lazily(name, args, primes)
    return builder.apply_defined(defined, args, primes, node.pos)


class _Arrays:
    """The arrays behind vector parameters (``x`` and its entries ``x_j``)."""

    def __init__(self, scope) -> None:
        self.scope = scope

    def array(self, symbol):
        key = self.scope.keys.get(symbol)
        return None if key is None else self.scope.objects.get((key[0], 1))

    def entry(self, arg, indices):
        """The entry ``indices`` of the vector ``arg`` (``x^{(i)}``, ``z``): x^{(i)}_j."""
        if isinstance(arg, Indexed):
            name = self.scope.keys[arg.base][0]
            every = (*indices, *arg.indices)
        else:
            name, every = self.scope.keys[arg][0], tuple(indices)
        return self.scope.symbol(name, len(every))[every]


def _plain(defined) -> bool:
    """A function of one symbol (not of entries, such as ``Softmax(x_i)``): it may be
    applied lazily, its derivative taken before it is written out."""
    return defined.body is not None and len(defined.params) == 1 and defined.params[0].is_Symbol


def _declared(builder, node: ast.Apply, named, env) -> Expr | None:
    """A name the declarations make a known function (``[functions] g = "sigmoid"``)."""
    name, primes = named
    word = builder.declared_functions.get(name)
    if word is None:
        return None
    call = ast.Call(node.pos, word + "'" * primes, node.args)
    if primes > 1 or (primes and word + "'" not in FUNCTIONS):
        raise BuildError(f"{name}{chr(39) * primes} is not read", node.pos, "cannot check")
    return builder._call(call, env)


def _sigmoid(builder, node: ast.Apply, named, env) -> Expr | None:
    name, primes = named
    if name != SIGMA or len(node.args) != 1 or node.separators:
        return None
    x = builder.build(node.args[0], env)
    if builder.matrix_mode:
        x = builder.number_argument(x, node.pos)
    if builder.lazy_on:
        return builder.lazily(SIGMA, [x], primes)
    value = FUNCTIONS["sigmoid"][1](x)
    if primes:
        from sympy import Dummy

        t = Dummy("t", real=True)
        value = diff(FUNCTIONS["sigmoid"][1](t), t, primes).xreplace({t: x})
    return value


def _defined_symbol(builder, node: ast.Apply, named, env):
    """``h_j(1 - h_j)`` where the post defines h_j: a product (a defined symbol is a value)."""
    if named[1] or node.separators or len(node.args) != 1:
        return None
    try:
        value = builder.build(node.head, env)
    except BuildError:
        return None
    obj = value.base if isinstance(value, Indexed) else value
    return PRODUCT if obj in builder.definitions.table else None


def _several(builder, node: ast.Apply, named, env) -> Expr | None:
    if len(node.args) > 1 or node.separators:
        return _unknown_or_known_symbol(builder, node, named, env)
    return None


def _function_letter(builder, node: ast.Apply, named, env) -> Expr | None:
    name = named[0]
    base = node.head.base.name if isinstance(node.head, ast.Scripted) else name
    if base in FUNCTION_LETTERS or (len(base) > 1 and base.isalpha() and base.isascii()):
        return _unknown_or_known_symbol(builder, node, named, env)
    return None


def _capital_of_a_name(builder, node: ast.Apply, named, env) -> Expr | None:
    name, primes = named
    base = node.head.base.name if isinstance(node.head, ast.Scripted) else name
    if base[:1].isupper() and len(node.args) == 1 and _plain_name(node.args[0]):
        return _unknown_or_known_symbol(builder, node, named, env)
    if primes:
        return _unknown_or_known_symbol(builder, node, named, env)
    return None


def _unknown_or_known_symbol(builder, node: ast.Apply, named, env) -> Expr:
    """``L(\\theta)`` where the post defines the symbol L, and L reaches θ: L itself (the
    author writes what it depends on); else an unknown function."""
    name, primes = named
    if not primes and isinstance(node.head, ast.Letter) and not node.separators:
        symbol = builder.build(node.head, env)
        definitions = builder.definitions
        if symbol in definitions.table:
            reached = definitions.reached(symbol)
            args = [builder.build(a, env) for a in node.args]
            objects = [a.base if isinstance(a, Indexed) else a for a in args]
            if all(o in reached for o in objects):
                return symbol
    ahead = builder.forward(name)
    if ahead is not None:
        args = [builder.build(a, env) for a in node.args]
        if builder.lazy_on and _plain(ahead):  # a = g(z) before g is defined, per section
            return builder.lazily(name, args, primes)
        return builder.apply_defined(ahead, args, primes, node.pos)
    return builder.unknown_function(name + "'" * primes, node.pos)


PRODUCT = object()  # a rule's answer: not an application, a product
FUNCTION_RULES = (
    matrix_application,
    _defined,
    _declared,
    _sigmoid,
    _defined_symbol,
    _several,
    _function_letter,
    _capital_of_a_name,
)
