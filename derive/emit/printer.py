"""Index expressions -> whole-array NumPy code: the rules that print a proved formula.

A proved result talks about one entry (``a_k - t_k``, ``delta_k a_j^{L-1}``); the code does a
whole batch at once. Batched arrays have the example on axis 0 and the entry index last, so a
class array x[k] prints as ``x`` (B, K); a per-example quantity (a sum over the classes, such as
``sum_d t_d``) is a named (B, 1) column; parameters (W, b) have no batch axis and broadcast.

The rules, each refusing what it does not cover (:class:`EmitError`), never guessing:

- entries: x[k] -> ``x``, only with the index the surrounding code is about (k, or the bound
  index inside a sum), so ``t_k z_d`` can never print as ``t * z``;
- contraction: sum_i P[k, i] x[i] (P a parameter) -> ``numpy.dot(x, P.T)``, one matrix product;
- batch totals: sum over the batch of sum_d x_d y_d -> ``numpy.vdot(x, y)``, of a product of two
  columns -> ``numpy.vdot``; of x[k] y[j] -> ``numpy.dot(x.T, y)`` (the W gradient as one matrix
  product); of x[k] -> a column sum;
- assignment in place: ``target = expr`` as a first term and in-place ufunc calls for the rest,
  so a buffer that already holds one term (the softmax) is updated without temporaries.
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Basic, Expr, Indexed, IndexedBase, Mul, Sum, Symbol
from sympy.printing.numpy import NumPyPrinter

from derive.emit.proofs import EmitError

SMALL_K = 64  # up to this many classes, sums over a row of K run faster as BLAS products


def row_sum(code: str, K: int, ones: str | None = None) -> str:
    """Code for the (B, 1) sums over the classes of the (B, K) array ``code``.

    NumPy reduces short rows slowly (about 3 ns an entry at K = 10); a matrix-vector product
    with ones does the same sum several times faster. Long rows reduce well either way.
    ``ones``: the name of a (K, 1) array of ones already fetched, for a second row sum.
    """
    if K <= SMALL_K:
        return f"numpy.dot({code}, {ones or f'_ones((K, 1), {code}.dtype)'})"
    return f"numpy.add.reduce({code}, 1, None, None, True)"


def column_sum(code: str, K: int) -> str:
    """Code for the (K,) sums over the batch of the (B, K) array ``code``."""
    if K <= SMALL_K:
        return f"numpy.dot(_ones({code}.shape[:1], {code}.dtype), {code})"
    return f"numpy.add.reduce({code}, 0)"


class ArrayPrinter(NumPyPrinter):
    """Prints index expressions over whole arrays (see the module docstring).

    Args:
        arrays: IndexedBase -> the variable holding it.
        parameters: the arrays without a batch axis (W, b).
        columns: per-example quantities (a Symbol or a sum over the classes) -> their variable.
        index: the free index of the expressions printed (k for a class array).
    """

    def __init__(
        self,
        arrays: Mapping[IndexedBase, str],
        parameters: frozenset[IndexedBase],
        columns: Mapping[Basic, str],
        index: Symbol,
    ) -> None:
        super().__init__({"strict": True, "allow_unknown_functions": False})
        self.arrays, self.parameters, self.columns = dict(arrays), parameters, dict(columns)
        self._indices = [index]

    def entry(self, expr: Expr, index: Symbol) -> str:
        """Print ``expr`` whose class arrays carry ``index``."""
        self._indices.append(index)
        try:
            return self.doprint(expr)
        finally:
            self._indices.pop()

    def _print_Indexed(self, expr: Indexed) -> str:
        if expr.base not in self.arrays:
            raise EmitError(f"no array is named for {expr.base} (in {expr})")
        if expr.indices != (self._indices[-1],):
            raise EmitError(f"{expr}: expected the index {self._indices[-1]} here")
        return self.arrays[expr.base]

    def _print_Symbol(self, expr: Symbol) -> str:
        if expr in self.columns:
            return self.columns[expr]
        raise EmitError(f"no variable is named for the symbol {expr}")

    def _print_Sum(self, expr: Sum) -> str:
        if expr in self.columns:
            return self.columns[expr]
        raise EmitError(f"no printing rule for the sum {expr} here")

    def is_column(self, expr: Expr) -> bool:
        """True if ``expr`` is a per-example quantity: built from columns only."""
        return not expr.has(Indexed) and expr.free_symbols <= set(self.columns)

    def contraction(self, expr: Expr) -> str | None:
        """sum_i P[k, i] x[i] -> numpy.dot(x, P.T); None if ``expr`` is not of that form."""
        if not isinstance(expr, Sum) or len(expr.limits) != 1:
            return None
        bound = expr.limits[0][0]
        factors = Mul.make_args(expr.function)
        if len(factors) != 2 or not all(isinstance(f, Indexed) for f in factors):
            return None
        (matrix,) = [f for f in factors if f.base in self.parameters] or [None]
        (vector,) = [f for f in factors if f.base not in self.parameters] or [None]
        if matrix is None or vector is None or vector.indices != (bound,):
            return None
        name, x = self.arrays.get(matrix.base), self.arrays.get(vector.base)
        if name is None or x is None:
            return None
        if matrix.indices == (self._indices[-1], bound):
            return f"numpy.dot({x}, {name}.T)"
        if matrix.indices == (bound, self._indices[-1]):
            return f"numpy.dot({x}, {name})"
        return None


def _with_coefficient(coefficient: Expr, code: str) -> str:
    if coefficient == 1:
        return code
    if coefficient == -1:
        return f"-{code}"
    return f"{coefficient} * {code}"


def batch_total(term: Expr, p: ArrayPrinter) -> str:
    """Code for the sum over the batch (and the classes) of one example's scalar ``term``."""
    coefficient, rest = term.as_coeff_Mul()
    if isinstance(rest, Sum) and rest not in p.columns and len(rest.limits) == 1:
        bound, factors = rest.limits[0][0], Mul.make_args(rest.function)
        if len(factors) == 2 and all(isinstance(f, Indexed) for f in factors):
            x, y = (p.entry(f, bound) for f in factors)
            return _with_coefficient(coefficient, f"numpy.vdot({x}, {y})")
        summand = p.entry(rest.function, bound)
        return _with_coefficient(coefficient, f"numpy.add.reduce({summand}, None)")
    if p.is_column(rest):
        factors = Mul.make_args(rest)
        if len(factors) == 2:
            x, y = (p.doprint(f) for f in factors)
            return _with_coefficient(coefficient, f"numpy.vdot({x}, {y})")
        return _with_coefficient(coefficient, f"numpy.add.reduce({p.doprint(rest)}, None)")
    raise EmitError(f"no rule to sum {term} over a batch")


def batch_outer(expr: Expr, p: ArrayPrinter, left: Symbol, right: Symbol, K: int) -> str:
    """Code for sum over the batch of x[left] y[right] (a (K, J) matrix) or of x[left] (K,)."""
    factors = Mul.make_args(expr)
    if len(factors) == 1 and isinstance(expr, Indexed) and expr.indices == (left,):
        return column_sum(p.entry(expr, left), K)
    if len(factors) == 2 and all(isinstance(f, Indexed) for f in factors):
        by_index = {f.indices: f for f in factors}
        if set(by_index) == {(left,), (right,)}:
            x, y = p.entry(by_index[(left,)], left), p.entry(by_index[(right,)], right)
            return f"numpy.dot({x}.T, {y})"
    raise EmitError(f"no rule to sum {expr} over a batch as one matrix product")


def assign(expr: Expr, target: str, p: ArrayPrinter, holds: Expr | None = None) -> list[str]:
    """Statements that leave ``expr`` in ``target``, in place after the first term.

    ``holds``: the expression ``target`` already holds (a buffer that is updated in place); the
    term containing it is evaluated by multiplying the buffer, the others are added to it.
    """
    terms = list(expr.as_ordered_terms())
    if holds is not None:
        leading = [term for term in terms if term.has(holds)]
        if len(leading) != 1:
            raise EmitError(f"{expr}: expected exactly one term with {holds}")
        lead = leading[0]
        factor = lead / holds
        if factor.has(holds):
            raise EmitError(f"{expr}: {holds} must appear as a factor")
        lines = (
            [] if factor == 1 else [f"numpy.multiply({target}, {p.doprint(factor)}, out={target})"]
        )
    else:
        # The first statement must make a new (B, ...) array: ``z = b`` would alias the
        # caller's b (and broadcast nothing), so only a matrix product may lead.
        products = [(term, p.contraction(term)) for term in terms]
        products = [(term, code) for term, code in products if code is not None]
        if not products:
            raise EmitError(f"{expr}: no term is a matrix product to start {target} from")
        lead, code = products[0]
        lines = [f"{target} = {code}"]
    for term in terms:
        if term is lead:
            continue
        coefficient, rest = term.as_coeff_Mul()
        if coefficient == -1:
            lines.append(f"numpy.subtract({target}, {p.doprint(rest)}, out={target})")
        else:
            lines.append(f"numpy.add({target}, {p.doprint(term)}, out={target})")
    return lines
