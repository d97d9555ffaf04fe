"""What an ``=`` of a post is: a definition, a claim, a condition or an assumption. Only claims
are judged; when in doubt a row is read as "not a claim".

The first relation of a chain ``A = B = C`` is read by the first rule that applies
(``ChainReader`` applies them in this order; every further ``=`` is a claim):

==================  ===========================================================================
condition           a relation between indices, or between a name and a number: ``i = j``,
                    ``k \\neq j``, ``y = 1``, ``x > 0`` (of its row when it follows a claim,
                    else of the next display)
notation            the indicator or the Kronecker delta on the left: what the notation means
function            ``f(x) = ...``, ``J(W, b) = ...``, ``h_{W,b}(x)``, ``\\sigma(z) = \\tanh z``,
                    ``Softmax(x_i) = ...``: a function of its parameters, from here on
definition          a name not yet defined in this section: ``E``, ``z_k^L``, ``\\hat{y}``,
                    ``\\Delta W_{kj}``, ``Loss``, ``\\sigma_B^2`` (a variance); a name defined in
                    an earlier section is defined again (a section that picks another meaning)
equation            a side set to 0 that depends on a symbol the post differentiates by, the
                    premise of ``\\implies``, an equation solved after one set (``solving``):
                    a condition if it is not an identity
assumption          a relation about data the post does not define, with a number on one side
                    and no identity: ``\\sum_k y_k = 1``; it holds for every claim of the post
introduction        a symbol the post writes here for the first time, on the left only:
                    ``\\log C = -\\max_j a_j`` chooses C (a definition, C stays free)
claim               everything else
==================  ===========================================================================
"""

from __future__ import annotations

from sympy import Add, Basic, Expr, Indexed, Mul, Number, Pow, Sum, Symbol

from derive.sources.posts.build_calls import REDEFINABLE, head_name
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.matrix.kinds import matrix_assumption
from derive.sources.posts.names import BuildError, Name, label_kind
from derive.sources.posts.ranges import index_items, letter_of
from derive.sources.statuses import NOT_A_CLAIM

__all__ = ["NOT_A_CLAIM"]

CLAIM, DEFINITION, CONDITION, ASSUMPTION, NOTE = (
    "claim",
    "definition",
    "condition",
    "assumption",
    "note",
)
KINDS = (CLAIM, DEFINITION, CONDITION, ASSUMPTION, NOTE)


def _unwrapped(node: ast.Node) -> ast.Node:
    while isinstance(node, ast.Group):
        node = node.inner
    return node


def is_number(node: ast.Node | None) -> bool:
    node = _unwrapped(node) if node is not None else None
    if isinstance(node, ast.Number):
        return True
    if isinstance(node, ast.Add) and len(node.terms) == 1:
        return is_number(node.terms[0][1])
    if isinstance(node, (ast.Frac, ast.Div)):
        return is_number(node.numerator) and is_number(node.denominator)
    return False


def is_plain_name(node: ast.Node | None) -> bool:
    """A name standing alone: ``x``, ``\\hat{y}``, ``z_k``, ``a^{(l)}``, ``y^{(i)}``."""
    node = _unwrapped(node) if node is not None else None
    if isinstance(node, ast.Letter):
        return True
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return False
    if node.base.name == "e" and node.sub is None and is_number(node.sup):
        return False  # e^{2.0}: the exponential at a number, not a name
    return not node.primes and all(letter_of(i) or isinstance(i, ast.Number) for i in _subs(node))


def _subs(node: ast.Scripted) -> list[ast.Node]:
    return index_items(node.sub or ())[0]


def is_condition(chain: ast.Chain, index_letters: set[str]) -> bool:
    """A relation between indices (``i = j``, ``k \\neq j``, ``1 \\le k \\le K``) or between a
    name and a number (``y = 1``, ``y_c = 1``, ``x > 0``)."""
    parts = chain.parts
    if len(parts) < 2 or parts[0] is None:
        return False
    if all(letter_of(_unwrapped(p)) in index_letters or is_number(p) for p in parts):
        return not all(is_number(p) for p in parts)
    inequality = any(op not in ("=", ":=", "≡", "≜") for op in chain.ops)
    if inequality and all(is_plain_name(p) or is_number(p) for p in parts):
        return True  # 0 < \alpha < 1, x > 0
    if len(parts) == 2:
        left, right = parts
        return (is_plain_name(left) and is_number(right)) or (
            is_number(left) and is_plain_name(right)
        )
    return False


def function_parameters(node: ast.Node) -> tuple[str, list[ast.Node]] | None:
    """(the function's name, its parameter nodes) when ``node`` is the left side of a function
    definition: a name applied to distinct names, ``f(x)``, ``J(W, b)``, ``softmax(z_i)``."""
    node = _unwrapped(node)
    if isinstance(node, ast.Apply):
        named = head_name(node.head)
        if (
            named is None
            or named[1]
            or (isinstance(node.head, ast.Letter) and node.head.name == "e")
        ):
            return None
        name, args = named[0], list(node.args)
    elif isinstance(node, ast.Call) and node.name in REDEFINABLE and not node.sub:
        name, args = node.name, list(node.args)
    else:
        return None
    if "|" in getattr(node, "separators", ()) or not args:
        return None
    if not all(is_plain_name(a) for a in args):
        return None
    texts = [_key(_unwrapped(a)) for a in args]
    return (name, args) if len(set(texts)) == len(texts) else None


def _key(node: ast.Node) -> str:
    """A parameter's identity, positions left out (``x`` twice is the same parameter)."""
    if isinstance(node, ast.Letter):
        return node.name
    if isinstance(node, ast.Scripted):
        subs = ",".join(letter_of(i) or getattr(i, "text", "?") for i in _subs(node))
        return f"{_key(node.base)}^{node.sup_text}_{subs}"
    return str(node.pos)


def powered(node: ast.Node, powered_bases: frozenset[str], labels: dict[str, str]) -> bool:
    """``\\sigma^2``, ``\\sigma_B^2``: a power of a letter that introduces a name (a variance)."""
    node = _unwrapped(node)
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return False
    if node.sup is None or node.primes or node.base.name not in powered_bases:
        return False
    return label_kind(node.sup_text, labels) == "power" and all(letter_of(i) for i in _subs(node))


def has_derivative(node: ast.Node) -> bool:
    return any(
        isinstance(n, (ast.Partial, ast.Nabla)) or (isinstance(n, ast.Scripted) and n.primes)
        for n in ast.walk(node)
    )


def is_assumption(lhs: Expr, rhs: Expr, defined: set[Basic], objects) -> bool:
    """Data the post does not define, related to a number, and not an identity:
    ``\\sum_k y_k = 1``."""
    matrices = matrix_assumption(lhs, rhs, defined, objects)  # 1^T y = 1
    if matrices is not None:
        return matrices
    if isinstance(lhs, Number) == isinstance(rhs, Number):
        return False
    for side in (lhs, rhs):
        if objects(side) & defined or not arithmetic(side):
            return False
    try:
        difference = (lhs - rhs).doit().expand()
    except (TypeError, ValueError, BuildError):  # pragma: no cover - defensive
        return False
    return difference != 0


def arithmetic(expr: Basic) -> bool:
    """Sums, products, powers of symbols and entries: nothing applied, nothing differentiated."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (Symbol, Indexed, Number)) or node.is_Integer:
            continue
        if isinstance(node, (Add, Mul, Sum)):
            stack.extend(node.args[:1] if isinstance(node, Sum) else node.args)
            continue
        if isinstance(node, Pow) and node.exp.is_Integer:
            stack.append(node.base)
            continue
        return False
    return True


def shown_name(node: ast.Node) -> str:
    """How a report names a defined thing: ``f``, ``z^L_k``, ``\\hat y`` (as ŷ)."""
    node = _unwrapped(node)
    if isinstance(node, ast.Apply):
        named = head_name(node.head)
        return named[0] if named else "a function"
    if isinstance(node, ast.Call):
        return node.name
    letter = letter_of(node)
    if letter is not None:
        return letter
    if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter):
        found, suffix = index_items(node.sub or ())
        indices = "".join(
            letter_of(i) or (i.text if isinstance(i, ast.Number) else "?") for i in found
        )
        label = node.sup_text if node.sup is not None else ""
        base = node.base.name + "'" * node.primes + (f"_{{{suffix}}}" if suffix else "")
        return Name(base, label).shown(indices)
    return "it"
