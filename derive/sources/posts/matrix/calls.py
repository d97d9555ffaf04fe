r"""Functions applied to vectors and matrices in a post: ``\sigma(\mathbf{z})``,
``\tanh(Z^{[1]})``, ``\log \mathbf{p}``, ``\mathrm{relu}(z^l)``, ``\sigma'(z^l)``,
``\mathrm{softmax}(\mathbf{z})``, ``\max(0, Z)``, ``\mathrm{diag}(\mathbf{p})``,
``\mathrm{tr}(X^T A X)``, and a function the post defines on a number (every entry).

``matrix_call`` handles the function words (``Call`` nodes), ``matrix_application`` is the
first of the reader's application rules (``build_calls.FUNCTION_RULES``) for a name before a
bracket. Both answer None when no argument is a matrix, and the reader goes on as for numbers;
a 1x1 matrix given to a function of a number is that number (``g(\theta^T x)``).
"""

from __future__ import annotations

from sympy import Basic

from derive.sources.posts.functions import FUNCTIONS
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.vocabulary import SIGMA
from derive.sources.posts.matrix.building import (
    MATRIX_FUNCTIONS,
    is_matrix,
    is_one_by_one,
)
from derive.sources.posts.names import BuildError


def matrix_call(builder, node: ast.Call, env) -> Basic | None:
    """A function word applied to a matrix (every entry), or to a 1x1 matrix (a number)."""
    args = [builder.build(a, env) for a in node.args]
    if not any(is_matrix(a) for a in args):
        return None
    base = node.name.rstrip("'")
    primes = len(node.name) - len(base)
    defined = builder.functions.get(base)
    if defined is not None:
        return builder.apply_defined(defined, args, primes, node.pos)
    if base == "max" and len(args) == 2 and args[0] == 0 and is_matrix(args[1]):
        args, base = [args[1]], "relu"
    word = base if base in FUNCTIONS or base == "softmax" else None
    if word is None or len(args) != 1:
        raise BuildError(f"{node.name} of a matrix is not read", node.pos, "cannot check")
    (value,) = args
    if is_one_by_one(value) and word != "softmax":
        return None if node.sub or node.sup else _scalar_call(builder, node.name, value, node)
    function = FUNCTIONS.get(word, (None, None))[1]
    made = builder.entrywise_call(word, function, args, primes, node.pos)
    if node.sub is not None or node.sup is not None:
        raise BuildError(f"a script on {node.name} of a matrix is not read", node.pos)
    return made


def _scalar_call(builder, name: str, value: Basic, node: ast.Call) -> Basic:
    number = builder.number_argument(value, node.pos)
    if name not in FUNCTIONS:
        raise BuildError(f"{name} is not read", node.pos)
    return FUNCTIONS[name][1](number)


def matrix_application(builder, node: ast.Apply, named, env) -> Basic | None:
    """The first application rule: ``diag``/``tr`` of a matrix, σ or a defined function of
    a matrix (every entry); None otherwise (the other rules decide)."""
    if not builder.matrix_mode or len(node.args) != 1 or node.separators:
        return None
    name, primes = named
    if name in MATRIX_FUNCTIONS and not primes:
        return builder.matrix_function(name, builder.build(node.args[0], env), node.pos)
    value = builder.build(node.args[0], env)
    if not is_matrix(value) or is_one_by_one(value):
        if is_one_by_one(value) and name == SIGMA and builder.functions.get(name) is None:
            word = "sigmoid" + "'" * primes
            return FUNCTIONS[word][1](builder.number_argument(value, node.pos))
        return None
    defined = builder.functions.get(name)
    if defined is not None:
        return builder.apply_defined(defined, [value], primes, node.pos)
    word = builder.declared_functions.get(name) or ("sigmoid" if name == SIGMA else None)
    if word is None:
        return None
    function = FUNCTIONS[word][1]
    return builder.entrywise_call(word, function, [value], primes, node.pos)
