"""A claim of a post between matrices, made ready for the matrix checker.

1. Sizes: the unknown sizes the post's definitions decide are replaced (``table.resolved``),
   then those the claim's own products, sums and ``⊙`` decide, its two sides having one shape
   (``infer.solve``); a size that nothing decides becomes a size of its own (shown ``n``,
   ``p``, ...), and the claim is checked for every value of it (the text never says it).
2. A size the text writes but that is not read (``\\mathbb{R}^{10^9}``, a size 0) makes the
   claim "cannot check", naming it, before any work.
3. Sides of different shapes are refuted by the checker only when every shape in them is
   stated (by the text, or by a definition from stated shapes); otherwise the shapes may be a
   misreading (a vector read where the author meant its entries, a row read as a column), and
   the claim is "cannot check", never refuted.
4. An entry ``θ_j`` of an n-vector has ``1 <= j <= n``; the post's assumptions that share no
   name with the claim are left out (they would only keep the explicit cross-check from
   running).
"""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Basic, Dummy, Eq, Ge, Le, MatrixSymbol, S, Symbol
from sympy.matrices.expressions import MatAdd
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.checker.matrix.infer import UnknownSize, solve
from derive.checker.matrix.shapes import ShapeProblem, has_matrices, shape
from derive.checker.verdict import Verdict
from derive.sources.posts.display import show
from derive.sources.posts.matrix.building import is_matrix

CANNOT_CHECK = "cannot check: "
SIZE_LETTERS = ("n", "p", "q", "r")


def prepared(post, lhs: Basic, rhs: Basic, assume: Sequence[Basic]) -> tuple | Verdict:
    """(lhs, rhs, assume) ready for ``check_equal``, or a Verdict when the claim is not
    judged (its method says why, starting with "cannot check: ")."""
    table = post.scope.matrices
    if table is None or not has_matrices(lhs, rhs, *assume):
        return lhs, rhs, tuple(assume)
    lhs, rhs = table.resolved(lhs), table.resolved(rhs)
    assume = _relevant(tuple(_replaced(a, table.resolved) for a in assume), lhs, rhs)
    problem = _bad_size(post, (lhs, rhs))
    if problem:
        return _cannot(problem)
    together = (MatAdd(lhs, rhs),) if is_matrix(lhs) and is_matrix(rhs) else ()
    equations = [a for a in assume if isinstance(a, Eq) and is_matrix(a.lhs) and is_matrix(a.rhs)]
    together += tuple(MatAdd(a.lhs, a.rhs) for a in equations)  # Y 1 = 1: one shape
    scalars = [a for a in assume if a not in equations]  # an equation is no 1x1 matrix
    solution = solve(lhs, rhs, *scalars, *together)
    one = _made_one(post, solution, (lhs, rhs, *assume, *together))
    if one:
        return _cannot(f"{one} would have a size 1 here (its shape is not stated)")
    solution = {u: _named(post, v) for u, v in solution.items()}
    solution |= {u: _named(post, u) for u in _unknown(lhs, rhs) if u not in solution}
    lhs, rhs = lhs.xreplace(solution), rhs.xreplace(solution)
    assume = tuple(_replaced(a, lambda e: e.xreplace(solution)) for a in assume)
    assume += _entry_ranges(lhs, rhs)
    try:
        left, right = shape(lhs), shape(rhs)
    except ShapeProblem:
        return lhs, rhs, assume  # the checker reports it ("do not conform")
    if left != right:
        guessed = _inferred(post, (lhs, rhs))
        scalar = not (is_matrix(lhs) and is_matrix(rhs))  # a number (or entries) on one side
        if guessed or scalar:
            return _cannot(_shapes_differ(post, left, right, guessed, scalar))
    return lhs, rhs, assume


def _replaced(given: Basic, change) -> Basic:
    """An assumption with ``change`` applied to each side; a matrix equality is kept as an
    equation (``Y 1 = 1`` with the length of 1 still unknown would otherwise evaluate to
    False, its sides' shapes not yet the same)."""
    if isinstance(given, Eq) and has_matrices(given.lhs, given.rhs):
        return Eq(change(given.lhs), change(given.rhs), evaluate=False)
    return change(given)


def _made_one(post, solution: dict, exprs: tuple) -> str:
    """A vector or matrix of the post, its shape inferred, that the claim makes 1x1 or a
    vector where nothing the text states says so (``v^2`` of a vector v): a reading of the
    text that is surely not meant. A size 1 the text states (``W \\in \\mathbb{R}^{1
    \\times n}``) may give one: then it is meant."""
    table = post.scope.matrices
    ones = [
        (name, size)
        for name, made in sorted(table.made.items())
        if made
        for size in made
        if isinstance(size, UnknownSize) and solution.get(size) == 1
    ]
    if not ones:
        return ""
    stated = _stated_ones(post, exprs)
    again = solve(*(e.xreplace(stated) for e in exprs)) if stated else {}
    for name, size in ones:
        if again.get(size, S.One) == 1:
            return name.shown()
    return ""


def _stated_one() -> Dummy:
    return Dummy("stated", integer=True, positive=True)


def _stated_ones(post, exprs: tuple) -> dict:
    """The matrices whose shape the text states with a size 1, that size made a symbol of
    its own (to tell a 1 the text gives from one the notation imposes)."""
    found = {}
    for expr in exprs:
        for matrix in expr.atoms(MatrixSymbol):
            key = post.scope.keys.get(matrix)
            if key is None or not post.scope.matrices.is_stated(key[0]):
                continue
            if 1 in matrix.shape:
                shape = [
                    Dummy("stated", integer=True, positive=True) if d == 1 else d
                    for d in matrix.shape
                ]
                found[matrix] = MatrixSymbol(matrix.name, *shape)
    return found


def written_problem(post, lhs: Basic, rhs: Basic) -> Verdict | None:
    """The claim as written (its defined names not written out) when its shapes do not
    conform: the report quotes it so (``W g``), not its definitions."""
    ready = prepared(post, lhs, rhs, ())
    if isinstance(ready, Verdict):
        return None
    try:
        shape(ready[0]), shape(ready[1])
    except ShapeProblem as problem:
        return _cannot(str(problem))
    return None


def _cannot(message: str) -> Verdict:
    return Verdict("undecided", method=CANNOT_CHECK + message)


def _unknown(*exprs: Basic) -> set[Basic]:
    return {u for e in exprs for u in e.atoms(UnknownSize)}


def _named(post, size: Basic) -> Basic:
    """An unknown size as a size of the post's own, the same one in every claim."""
    table, scope = post.scope.matrices, post.scope
    if not isinstance(size, UnknownSize) or size in table.problems:
        return size
    if size not in table.named:
        used = set(scope.sizes) | set(scope.shown_names.values())
        shown = next(
            letter + "'" * primes
            for primes in range(8)
            for letter in SIZE_LETTERS
            if letter + "'" * primes not in used
        )
        table.named[size] = scope.size(shown)
    return table.named[size]


def _relevant(assume: tuple[Basic, ...], lhs: Basic, rhs: Basic) -> tuple[Basic, ...]:
    names = _names(lhs) | _names(rhs)
    return tuple(a for a in assume if not _names(a) or _names(a) & names)


def _names(expr: Basic) -> set[Basic]:
    found = set(expr.atoms(MatrixSymbol))
    return found | {s for s in expr.free_symbols if not isinstance(s, (MatrixSymbol,))}


def _entry_ranges(lhs: Basic, rhs: Basic) -> tuple[Basic, ...]:
    """``1 <= j <= n`` for an index j of an entry θ_j of an n-vector θ."""
    found = []
    for side in (lhs, rhs):
        free = side.free_symbols  # an index a sum binds has its range there
        for element in side.atoms(MatrixElement):
            for position, size in zip((element.i, element.j), element.parent.shape, strict=True):
                index = position + 1
                if isinstance(index, Symbol) and index.is_integer and index in free:
                    found += [Ge(index, 1), Le(index, size)]
    return tuple(dict.fromkeys(r for r in found if r is not S.true and r != True))  # noqa: E712


def _bad_size(post, sides) -> str:
    table, scope = post.scope.matrices, post.scope
    for side in sides:
        for matrix in sorted(side.atoms(MatrixSymbol), key=str):
            for size in matrix.shape:
                if size in table.problems:
                    key = scope.keys.get(matrix)
                    name = key[0].shown() if key else str(matrix)
                    stated = table.stated.get(key[0]) if key else None
                    where = f" ({stated.where})" if stated else ""
                    return f"the shape of {name}{where}: {table.problems[size]}"
    return ""


def _inferred(post, sides) -> list[str]:
    """What in ``sides`` has a shape the text does not state: names whose shape is inferred
    from their uses, vectors of ones and identities whose length nothing decides, and names
    read as numbers that the text neither states nor defines (a vector the reader could not
    tell, such as the δ of "let δ be the error")."""
    scope, table, definitions = post.scope, post.scope.matrices, post.definitions
    found = set()
    for side in sides:
        for symbol in side.free_symbols:
            key = scope.keys.get(symbol)
            if key is None or key[1] or isinstance(symbol, MatrixSymbol):
                continue
            stated = table.stated.get(key[0])
            if symbol not in definitions.table and stated is None:
                found.add(key[0].shown())
        for matrix in side.atoms(MatrixSymbol):
            key = scope.keys.get(matrix)
            if key is None:
                continue  # a derivative's own variable: its definition is in the claim
            for obj in (matrix, *definitions.depends(matrix)):
                name = scope.keys.get(obj, (None,))[0]
                plain = isinstance(obj, MatrixSymbol) and obj not in definitions.table
                if plain and name is not None and not table.is_stated(name):
                    found.add(name.shown())
        if any(size in table.named.values() for size in shape_sizes(side)):
            found.add("a vector of ones or an identity")
    return sorted(found)


def shape_sizes(expr: Basic) -> set[Basic]:
    try:
        return set(shape(expr))
    except ShapeProblem:
        return set()


def _shapes_differ(post, left, right, guessed: list[str], scalar: bool) -> str:
    why = "a number on one side" if scalar else f"the shape of {', '.join(guessed)} is inferred"
    return (
        f"the sides are {_dims(post, left)} and {_dims(post, right)} ({why}, not stated in "
        "the text: a refutation by shapes needs stated shapes)"
    )


def _dims(post, shape_) -> str:
    return "×".join(show(post.scope, size) for size in shape_)


def is_cannot_check(verdict: Verdict) -> bool:
    return verdict.status == "undecided" and verdict.method.startswith(CANNOT_CHECK)
