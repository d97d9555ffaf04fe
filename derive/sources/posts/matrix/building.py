r"""Matrix notation built into SymPy's matrix expressions: the part of the post reader's
``Builder`` that runs when a post writes matrices (``Scope.matrices`` is its shape table).

The rules, as posts write them:

- juxtaposition is the matrix product; ``\cdot`` and ``\times`` too, except between two column
  vectors, where ``w \cdot x`` is the dot product w^T x; a 1x1 product among the factors that
  would not conform otherwise is a number (``(x^T y) A``);
- ``\odot`` and ``\circ`` are entrywise, ``\oslash`` entrywise division, ``\otimes`` the outer
  product of two vectors; they bind looser than juxtaposition (``W^T \delta \odot
  \sigma'(z)`` is ``(W^T \delta) \odot \sigma'(z)``);
- a number added to a matrix is added to every entry (``1 - A \odot A``), and so is a stated
  column added to a matrix with as many rows (a bias added to every column), or a stated row;
- ``^T`` (``^\top``, ``^\mathsf{T}``, ``W^{[2]T}``) transposes, ``^{-1}`` inverts, ``^k``
  multiplies a square matrix k times; ``\|v\|`` (``\|v\|_2``, ``\|A\|_F``) is the Euclidean or
  Frobenius norm, ``\mathrm{tr}``, ``\mathrm{diag}``, ``\mathbf{1}``, ``\mathbf{0}``, ``I``;
- a function of one number (σ, tanh, exp, log, relu, a function the post defines) applied to
  a matrix applies to every entry; softmax of a vector is the vector's softmax;
- a 1x1 matrix where a number is meant (``g(\theta^T x)``, ``1 + x^T y``) is that number.

A matrix whose shape the text does not give has unknown sizes here (``infer``: they are found
claim by claim from the products they must conform to).
"""

from __future__ import annotations

import itertools
import re

from sympy import Abs, Basic, Expr, Lambda, Mul, S, Symbol, Trace, diff, exp
from sympy.matrices.exceptions import ShapeError
from sympy.matrices.expressions import (
    HadamardProduct,
    Identity,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    ZeroMatrix,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.checker.matrix.infer import UnknownSize, unknown_size
from derive.checker.matrix.nodes import At, Softmax, elementwise, norm, outer, scalar
from derive.model.primitives import relu_prime
from derive.sources.posts.functions import FUNCTIONS
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.matrix.layers import (
    NoLayer,
    at_layer,
    derivative_sides,
    is_generic,
    value_of,
)
from derive.sources.posts.matrix.stated import numbered_name
from derive.sources.posts.names import BuildError, Name
from derive.sources.posts.ranges import EXAMPLE

ENTRYWISE = {"⊙": "product", "∘": "product", "⊘": "division", "⊗": "outer"}
DOT = frozenset(["\\cdot", "\\times", "*", "·"])
_BOLD_BEFORE = re.compile(r"\\(?:mathbf|boldsymbol|bm|pmb|mathbold|textbf|mathbb)\s*\{\s*\Z")
MATRIX_FUNCTIONS = {"diag": "diag", "tr": "trace", "Tr": "trace", "trace": "trace"}


def is_matrix(value: object) -> bool:
    return isinstance(value, MatrixExpr)


def is_one_by_one(value: Basic) -> bool:
    return is_matrix(value) and value.shape[0] == 1 and value.shape[1] == 1


def as_number(value: Basic, pos: int) -> Expr:
    """A value where a number is meant: a 1x1 matrix is its one entry; a larger matrix is
    an error ("cannot check")."""
    if not is_matrix(value):
        return value
    if is_one_by_one(value):
        return scalar(value)
    raise BuildError("a vector or matrix where a number is meant", pos, "cannot check")


def _may_equal(a: Basic, b: Basic) -> bool:
    return a == b or isinstance(a, UnknownSize) or isinstance(b, UnknownSize)


def _conforms(factors: list[Basic]) -> bool:
    return all(_may_equal(a.shape[1], b.shape[0]) for a, b in itertools.pairwise(factors))


def matrix_product(values: list[Basic]) -> Basic:
    """The product of values written side by side: numbers are coefficients, matrices are
    multiplied in order; a 1x1 run that keeps the rest from conforming is a number."""
    numbers = [v for v in values if not is_matrix(v)]
    factors = [v for v in values if is_matrix(v)]
    if not factors:
        return Mul(*numbers)
    if not _conforms(factors) or _number_times_identity(factors):
        factors, extra = _with_scalars(factors)
        numbers += extra
    coefficient = Mul(*numbers)
    if len(factors) == 1:
        return factors[0] if coefficient == 1 else MatMul(coefficient, factors[0])
    return MatMul(coefficient, *factors) if coefficient != 1 else MatMul(*factors)


def _number_times_identity(factors: list[Basic]) -> bool:
    """``(p^T p) I``: a 1x1 product before an identity of unknown size is a number."""
    for index, factor in enumerate(factors[1:], start=1):
        if isinstance(factor, Identity) and isinstance(factor.shape[0], UnknownSize):
            before = factors[:index]
            if before[0].shape[0] == 1 and before[-1].shape[1] == 1:
                return True
    return False


def _with_scalars(factors: list[Basic]) -> tuple[list[Basic], list[Basic]]:
    """The factors with the first runs whose product is 1x1 read as numbers, when the rest
    then conforms; else the factors as they are (the shape check reports them)."""
    kept, numbers, start = [], [], 0
    while start < len(factors):
        for end in range(len(factors), start + 1, -1):
            run = factors[start:end]
            one = run[0].shape[0] == 1 and run[-1].shape[1] == 1 and _conforms(run)
            if one and end - start < len(factors):
                numbers.append(scalar(MatMul(*run)))
                start = end
                break
        else:
            kept.append(factors[start])
            start += 1
    if kept and _conforms(kept):
        return kept, numbers
    return factors, []


class MatrixMixin:
    """The matrix nodes of :class:`~derive.sources.posts.build.Builder` (active when
    ``scope.matrices`` is set)."""

    text = ""  # the display being read (a bold 1 is the vector of ones)

    @property
    def matrix_mode(self) -> bool:
        return self.scope.matrices is not None

    def dims(self, value: MatrixExpr) -> str:
        """``m×n`` in the post's names (``?`` for a size not known here)."""
        shown = [
            "?" if isinstance(size, UnknownSize) else self.shown_expr(size) for size in value.shape
        ]
        return "×".join(shown)

    def restate(self, offset: int) -> None:
        """Names whose shape the text states again before ``offset``: new objects from here
        on (the rows above keep theirs)."""
        if not self.matrix_mode:
            return
        table = self.scope.matrices
        for name in table.restated(offset):
            obj = self.scope.objects.get((name, 0))
            if obj is not None:
                reshaped(self.scope, obj, table.stated[name].shape)

    def bold_at(self, pos: int) -> bool:
        return bool(_BOLD_BEFORE.search(self.text[max(0, pos - 16) : pos]))

    # --- products ---------------------------------------------------------------------------

    def matrix_mul(self, node: ast.Mul, env) -> Expr:
        """A product: runs of juxtaposed factors, joined by the entrywise signs."""
        signs = dict(node.gaps)
        runs: list[tuple[str, list[int]]] = [("", [])]
        for index in range(len(node.factors)):
            sign = signs.get(index, "")
            if sign in ENTRYWISE and runs[-1][1]:
                runs.append((sign, []))
            runs[-1][1].append(index)
        value = None
        for sign, indices in runs:
            part = self._juxtaposed(node, indices, signs, env)
            value = part if value is None else self._entrywise(sign, value, part, node.pos)
        return value

    def _juxtaposed(self, node: ast.Mul, indices: list[int], signs, env) -> Expr:
        values: list[Basic] = []
        dots: list[int] = []  # positions in values after a \cdot
        for position, index in enumerate(indices):
            factor = node.factors[index]
            operator = self._operator(factor)
            if operator is not None:
                rest = indices[position + 1 :]
                if not rest:
                    raise BuildError("a derivative operator with nothing after it", factor.pos)
                operand = self._rest(node, rest, signs)
                values.append(self._derivative(operand, operator[0], operator[1], env))
                break
            if signs.get(index) in DOT and position:
                dots.append(len(values))
            values.append(self.build(factor, env))
        for at in reversed(dots):
            left, right = values[at - 1], values[at]
            if _columns(left, right):
                values[at - 1 : at + 1] = [MatMul(left.T, right)]
        return matrix_product(values)

    def _rest(self, node: ast.Mul, rest: list[int], signs) -> ast.Node:
        if len(rest) == 1:
            return node.factors[rest[0]]
        first = rest[0]
        gaps = tuple((i - first, s) for i, s in signs.items() if first < i <= rest[-1])
        factors = tuple(node.factors[i] for i in rest)
        return ast.Mul(factors[0].pos, factors, tuple(s for _, s in gaps), gaps)

    def _entrywise(self, sign: str, left: Basic, right: Basic, pos: int) -> Basic:
        kind = ENTRYWISE[sign]
        if kind == "outer":
            if not (_column(left) and _column(right)):
                raise BuildError("⊗ is read between two column vectors", pos, "cannot check")
            return outer(left, right)
        if not (is_matrix(left) and is_matrix(right)):
            if kind == "division":
                return self.divided(left, right, pos)
            return matrix_product([left, right])
        if kind == "division":
            u = Symbol("u", real=True)
            right = elementwise(Lambda(u, 1 / u), right)
        return HadamardProduct(left, right)

    def divided(self, numerator: Basic, denominator: Basic, pos: int) -> Basic:
        """``a / b``: a matrix divided by a number; a division by a matrix is not read."""
        if is_matrix(denominator):
            if not is_one_by_one(denominator):
                raise BuildError("a division by a matrix is not read", pos, "cannot check")
            denominator = scalar(denominator)
        if is_matrix(numerator):
            return matrix_product([1 / denominator, numerator])
        return numerator / denominator

    # --- sums -------------------------------------------------------------------------------

    def matrix_sum(self, terms: list[tuple[int, Basic]], pos: int) -> Basic:
        """A sum; numbers (and 1x1 matrices) added to a matrix are added to every entry."""
        big = [v for _, v in terms if is_matrix(v) and not is_one_by_one(v)]
        if not big:
            if all(is_matrix(v) for _, v in terms):
                return MatAdd(*(sign * v for sign, v in terms))
            return S.Zero + sum((sign * as_number(v, pos) for sign, v in terms), S.Zero)
        rows, cols = _widest(big)
        spread = [sign * self._spread(v, rows, cols, pos) for sign, v in terms]
        return MatAdd(*spread)

    def _spread(self, value: Basic, rows: Basic, cols: Basic, pos: int) -> Basic:
        if not is_matrix(value) or is_one_by_one(value):
            number = as_number(value, pos)
            if not number.is_number:
                shown = self.shown_expr(number)
                guess = f"{shown} added to every entry of a matrix"
                if guess not in self.guesses:
                    self.guesses.append(guess)
            return MatMul(number, OneMatrix(rows, cols))
        r, c = value.shape
        stated = self._stated_shape(value)
        if c == 1 and cols != 1 and not isinstance(cols, UnknownSize):
            if not stated and isinstance(value, MatrixSymbol):  # a bias b, its shape inferred
                self._guess(f"{self.shown_expr(value)} read as a column added to every column")
            if stated or isinstance(value, MatrixSymbol):
                return MatMul(value, OneMatrix(S.One, cols))  # a column added to every column
        if r == 1 and rows != 1 and not isinstance(rows, UnknownSize) and stated:
            return MatMul(OneMatrix(rows, S.One), value)
        return value

    def _guess(self, reading: str) -> None:
        if reading not in self.guesses:
            self.guesses.append(reading)

    def _stated_shape(self, value: Basic) -> bool:
        if not isinstance(value, MatrixSymbol):
            return False
        key = self.scope.keys.get(value)
        return key is not None and self.scope.matrices.is_stated(key[0])

    # --- scripts ------------------------------------------------------------------------------

    def transposed(self, value: Basic, pos: int, shown: str) -> Basic:
        if is_matrix(value):
            return value.T
        raise BuildError(
            f"a transpose of {shown or 'a number'}, which is not a vector or matrix here",
            pos,
            "cannot check",
        )

    def matrix_power(self, base: MatrixExpr, exponent: Basic, pos: int) -> Basic:
        if exponent == -1:
            return Inverse(base)
        if exponent.is_Integer and 1 <= exponent <= 8:
            return MatPow(base, exponent)
        raise BuildError(
            "a matrix power other than A^{-1} or A^k (k up to 8) is not read", pos, "cannot check"
        )

    def matrix_norm(self, inner: Basic, sub: ast.Node | None, pos: int) -> Basic:
        if sub is not None and not _euclidean(sub):
            raise BuildError("only the Euclidean (Frobenius) norm is read", pos, "cannot check")
        if is_matrix(inner):
            return norm(inner)
        return Abs(inner)

    def matrix_number(self, node: ast.Number) -> Basic | None:
        """``\\mathbf{1}``, ``\\mathbf{0}``: the vector of ones, of zeros (length inferred)."""
        if node.text not in ("0", "1") or not self.bold_at(node.pos):
            return None
        size = unknown_size()
        return OneMatrix(size, S.One) if node.text == "1" else ZeroMatrix(size, S.One)

    def numbered(self, node: ast.Node) -> Basic | None:
        """``W_1``, ``b_2``: the vector or matrix of that name, when the post has one."""
        name = numbered_name(node, self.scope.labels)
        if name is None or self.scope.matrices.shape(name) is None:
            return None
        return self.scope.symbol(name, 0)

    def numbered_target(self, node: ast.Node, rhs: ast.Node) -> tuple | None:
        """``z_1 = W_1 x + b_1``: a numbered name defined as a matrix is a name of its own
        (unless its letter is a vector, whose entry it is)."""
        name = numbered_name(node, self.scope.labels)
        if name is None or self.scope.matrices.shape(Name(name.base.split("_")[0])) is not None:
            return None
        try:
            value = self.build(rhs)
        except BuildError:
            return None
        if not is_matrix(value):
            return None
        return (self.scope.symbol(name, 0), (), False)

    def matrix_entry(self, name: Name, indices: tuple, pos: int) -> Basic | None:
        r"""``y_i``, ``X_{ik}``: an entry of the vector or matrix the post names so (counted from
        1); None when the name is no vector or matrix. A bold ``\mathbf{x}_i``, or a name the
        text states with a subscript, is one vector of a family: not read."""
        table = self.scope.matrices
        if name.base in table.families or (self.bold_at(pos) and table.shape(name) is not None):
            raise BuildError(
                f"{name.shown()} with a subscript is one vector of a family (not an entry): "
                "not read",
                pos,
                "cannot check",
            )
        shape = table.shape(name)
        if shape is None:
            return None
        matrix = self.scope.symbol(name, 0)
        rows, cols = matrix.shape
        if len(indices) == 2:
            return MatrixElement(matrix, indices[0] - 1, indices[1] - 1)
        if len(indices) == 1 and cols == 1:
            return MatrixElement(matrix, indices[0] - 1, S.Zero)
        if len(indices) == 1 and rows == 1:
            return MatrixElement(matrix, S.Zero, indices[0] - 1)
        raise BuildError(
            f"{name.shown()} is a matrix: an entry has two subscripts", pos, "cannot check"
        )

    def example_entry(self, letter: str, label: str, indices: tuple, pos: int) -> Basic | None:
        """``a^{[2](i)}``, ``y^{(i)}``, ``x_j^{(i)}``: column i of the matrix whose columns
        are the examples (``A^{[2]}``, ``Y``, ``X``; or the name itself, ``dZ^{[2](i)}``),
        read where a column is one entry (a matrix of one row) or an entry is named (x_j);
        None when the post has no such matrix."""
        layer = label[: label.index(EXAMPLE)] if EXAMPLE in label else ""
        table = self.scope.matrices
        for candidate in (Name(letter, layer), Name(letter.upper(), layer)):
            shape = table.shape(candidate)
            if shape is None:
                continue
            matrix = self.scope.symbol(candidate, 0)
            *rows, column = indices
            if rows:
                return MatrixElement(matrix, rows[0] - 1, column - 1) if len(rows) == 1 else None
            if table.find(matrix.shape[0]) == 1:
                return MatrixElement(matrix, S.Zero, column - 1)
            raise BuildError(
                f"{Name(letter, label).shown()}: a column of {candidate.shown()} (a vector), "
                "not read",
                pos,
                "cannot check",
            )
        return None

    def is_identity(self) -> bool:
        """``I`` is the identity unless the post names something I."""
        name = Name("I")
        return self.scope.matrices.shape(name) is None and (name, 0) not in self.scope.objects

    def identity(self) -> Basic:
        size = unknown_size()
        return Identity(size)

    # --- definitions ---------------------------------------------------------------------------

    def matrix_target(self, target: tuple, body: Basic, pos: int, used: bool = False) -> tuple:
        """The object a definition defines, given its body: a name defined as a matrix is a
        matrix of the body's shape (a stated shape must agree); sizes the definition decides
        hold for the whole post. A name that rows above already use (``used``: claims written
        before the definition they rely on) keeps its object, its sizes unified; if its shape
        there contradicts the body's, it is not defined (its claims cannot be checked, never
        judged with the name free)."""
        obj, params, again = target
        if params or not (is_matrix(body) or isinstance(obj, MatrixSymbol)):
            return target
        table, name = self.scope.matrices, self.scope.keys[obj][0]
        if not isinstance(obj, MatrixSymbol) or not is_matrix(body):
            if is_one_by_one(obj) or (not used and not table.is_stated(name)):
                shape = body.shape if is_matrix(body) else None
                return (reshaped(self.scope, obj, shape), params, again)
            raise self._contradicts(name, obj, body, pos)
        pairs = list(zip(obj.shape, body.shape, strict=True))
        known = [(a, b) for a, b in pairs if not _may_equal(a, b)]
        if known and (used or table.is_stated(name)):
            raise self._contradicts(name, obj, body, pos)
        learnt = [isinstance(a, UnknownSize) and not isinstance(b, UnknownSize) for a, b in pairs]
        if known or (any(learnt) and not used):  # the body's sizes, from here on
            shape = tuple(
                b if new or (a, b) in known else a
                for new, (a, b) in zip(learnt, pairs, strict=True)
            )
            return (reshaped(self.scope, obj, shape), params, again)
        for a, b in pairs:
            table.unify(a, b)
        return target

    def layer_name(self, name: Name) -> Basic:
        """The object of a labelled name; one the text writes here for the first time at a
        layer of a definition for every layer is defined by it (``matrix.layers``)."""
        new = (name, 0) not in self.scope.objects
        obj = self.scope.symbol(name, 0)
        if not new or self.instantiating or name.base not in self.generics:
            return obj
        label, tree, where, _ = self.generics[name.base]
        value = value_of(label, name.label)
        if value is None:
            return obj
        try:
            node = at_layer(tree, value)
        except NoLayer:
            return obj
        self.instantiating = True
        try:
            body = self.build_definition(node)
            if self.definitions.placeholders(body):
                return obj
            made = self.matrix_target((obj, (), False), body, tree.pos)[0]
        except (BuildError, LatexError, NotImplementedError, TypeError, ValueError):
            return obj  # SymPy cannot differentiate what the instance is (a trace by a number)
        finally:
            self.instantiating = False
        if not self.definitions.define(made, (), body, f"{where}, at layer {name.label}"):
            return obj
        self.instances.add(made)
        return made

    def register_layers(self, lhs: ast.Node, rhs: ast.Node, where: str) -> None:
        """``a^l = \\sigma(z^l)``: remembered as the definition of every ``a`` at a layer."""
        if not (isinstance(lhs, ast.Scripted) and isinstance(lhs.base, ast.Letter)):
            return
        if lhs.sub is not None or lhs.sup is None or not is_generic(lhs.sup_text):
            return
        before = self.generics.get(lhs.base.name + "'" * lhs.primes)
        if before is not None and derivative_sides(before[1]) and not derivative_sides(rhs):
            return  # δ^l = ((W^{l+1})^T δ^{l+1}) ⊙ σ'(z^l) after δ^l = ∂C/∂z^l: a claim
        self.generics[lhs.base.name + "'" * lhs.primes] = (lhs.sup_text, rhs, where, lhs)

    def layer_chain(self, operand: ast.Node, v: Basic, shown_f: str, shown_v: str) -> Basic | None:
        """∂C/∂v for a cost C the text writes in no layer's terms, through the layers: with
        ``\\delta^l = \\partial C / \\partial z^l`` defined for every layer, C depends on W^l
        and b^l only through z^l (∂C/∂W^l is the derivative of tr(δ^lᵀ z^l), δ^l held fixed), and
        on z^l only through z^{l+1} (of tr(δ^{l+1}ᵀ z^{l+1})): the chain rule of a network of
        layers, the δ of the layer a name of its own. None when no such definition applies."""
        key = self.scope.keys.get(v)
        if self.chaining or key is None or not key[0].label or not isinstance(v, MatrixSymbol):
            return None
        name = key[0]
        for base in sorted(self.generics):
            label, tree, _, lhs = self.generics[base]
            parts = derivative_sides(tree)
            if (
                parts is None
                or _written(operand) is None
                or _written(parts[0]) != _written(operand)
            ):
                continue
            value = value_of(label, name.label) or (("l", 0) if name.label == label else None)
            if value is None:
                continue
            below = parts[1]  # z^l of ∂C/∂z^l
            if _base_name(below) == name.base:  # ∂C/∂z^l: through z^{l+1}
                value = (value[0], value[1] + 1)
            found = self._through(lhs, below, value, v, shown_f, shown_v)
            if found is not None:
                return found
        return None

    def _through(self, lhs, below, value, v, shown_f: str, shown_v: str) -> Basic | None:
        # z^{l+1} written out by its definition for every layer with the names in force now
        # (a^l redefined as relu since), δ^{l+1} a name of its own
        self.chaining = self.instantiating = True
        try:
            generic = self.generics.get(_base_name(below))
            if generic is not None and not derivative_sides(generic[1]):
                u = self.build_definition(at_layer(generic[1], value))
            else:
                u = self.build(at_layer(below, value))
            g = self.build(at_layer(lhs, value))
        except (BuildError, LatexError, NoLayer):
            return None
        finally:
            self.chaining = self.instantiating = False
        if not (is_matrix(u) and is_matrix(g)) or u == v:
            return None
        if v not in self.definitions.reached(u):
            return None
        held = MatrixSymbol(self.scope.generated(), *g.shape)  # δ fixed while differentiating
        self.scope.keys[held] = self.scope.keys.get(g, (Name("δ"), 0))
        self.scope.shown_names[held] = self.scope.shown_names.get(g, "δ")
        self.scope.display[held] = self.scope.display.get(g, held)
        try:
            result = self.definitions.derivative(Trace(held.T * u), v, shown_f, shown_v)
        except (BuildError, ShapeError, NotImplementedError, TypeError, ValueError):
            return None
        finally:
            del self.scope.keys[held]
        if self.definitions.placeholders(result):
            return None
        return At(result, held, g)  # δ put in after differentiating, never differentiated

    def _contradicts(self, name: Name, obj: Basic, body: Basic, pos: int) -> BuildError:
        what = "stated" if self.scope.matrices.is_stated(name) else "read above as"
        shape = self.dims(obj) if is_matrix(obj) else "a number"
        defined = self.dims(body) if is_matrix(body) else "a number"
        message = f"{name.shown()} is {what} {shape}, its definition is {defined}"
        return BuildError(message, pos, "cannot check")

    # --- functions ---------------------------------------------------------------------------

    def number_argument(self, value: Basic, pos: int) -> Basic:
        """A 1x1 matrix given to a function of a number is that number."""
        return as_number(value, pos) if is_one_by_one(value) else value

    def number_arguments(self, params, args: list[Basic], pos: int) -> list[Basic]:
        """The arguments of a defined function: 1x1 matrices are numbers where the
        parameter is a number."""
        kept = list(args)
        for index, param in enumerate(params[: len(args)]):
            if not is_matrix(param):
                kept[index] = self.number_argument(args[index], pos)
        return kept

    def entrywise_call(self, word: str, function, args: list[Basic], primes: int, pos: int):
        """A function word applied to a matrix: every entry (softmax: the vector's)."""
        if len(args) != 1 or not is_matrix(args[0]):
            return None
        (value,) = args
        if word == "softmax":
            if primes:
                raise BuildError("softmax' of a vector is not read", pos, "cannot check")
            if value.shape[1] == 1:
                return Softmax(value, "columns")
            if value.shape[0] == 1:
                return Softmax(value, "rows")
            if self.scope.matrices.softmax is not None:  # "the softmax acts on each row"
                return Softmax(value, self.scope.matrices.softmax)
            raise BuildError(
                "softmax of a matrix: by rows or by columns? (not read)", pos, "cannot check"
            )
        if primes == 1 and f"{word}'" in FUNCTIONS:  # relu': 0 at 0, never Heaviside's 1/2
            function, primes = FUNCTIONS[f"{word}'"][1], 0
        u = Symbol("u", real=True)
        body = function(u)
        for _ in range(primes):
            body = diff(body, u)
        return elementwise(Lambda(u, body), value)

    def defined_entrywise(self, defined, args: list[Basic], primes: int, pos: int):
        """A function the post defines on a number, applied to a matrix: every entry."""
        if len(args) != 1 or not is_matrix(args[0]) or len(defined.params) != 1:
            return None
        param = defined.params[0]
        if is_matrix(param) or defined.body is None or is_matrix(defined.body):
            return None
        u = Symbol("u", real=True)
        body = defined.body.xreplace({param: u})
        for _ in range(primes):
            body = diff(body, u)
        return elementwise(Lambda(u, body), args[0])

    def matrix_function(self, word: str, value: Basic, pos: int) -> Basic:
        """``diag(v)``, ``tr(A)``."""
        if not is_matrix(value):
            if MATRIX_FUNCTIONS[word] == "trace":
                return value  # the trace of a number is the number
            raise BuildError("diag of a number is not read", pos, "cannot check")
        if MATRIX_FUNCTIONS[word] == "trace":
            return Trace(value)
        return DiagMatrix(value)

    def matrix_indicator(self, relation: ast.Relation, env) -> Basic | None:
        """``\\mathbb{1}[z > 0]`` of a vector z: relu' of every entry."""
        left = self.build(relation.lhs, env)
        if not is_matrix(left):
            return None
        right = self.build(relation.rhs, env)
        if relation.op in (">", ">=") and right == 0:
            u = Symbol("u", real=True)
            return elementwise(Lambda(u, relu_prime(u)), left)
        message = "an indicator of a vector is read as 1[z > 0]"
        raise BuildError(message, relation.pos, "cannot check")

    def exponential(self, exponent: Basic) -> Basic:
        if is_one_by_one(exponent):
            return exp(scalar(exponent))
        if is_matrix(exponent):
            return elementwise(exp, exponent)
        return exp(exponent)


def _column(value: Basic) -> bool:
    return is_matrix(value) and value.shape[1] == 1 and value.shape[0] != 1


def _columns(left: Basic, right: Basic) -> bool:
    return _column(left) and _column(right) and _may_equal(left.shape[0], right.shape[0])


def _widest(matrices: list[Basic]) -> tuple[Basic, Basic]:
    """The shape of a sum: in each dimension a known size over an unknown one, and over 1 a
    larger size (a column or a row added to every column or row of a matrix)."""

    def pick(sizes: list[Basic]) -> Basic:
        known = [s for s in sizes if not isinstance(s, UnknownSize)]
        larger = [s for s in known if s != 1]
        return (larger or known or sizes)[0]

    return pick([m.shape[0] for m in matrices]), pick([m.shape[1] for m in matrices])


def _euclidean(sub: ast.Node) -> bool:
    return (isinstance(sub, ast.Number) and sub.text == "2") or (
        isinstance(sub, ast.Letter) and sub.name == "F"
    )


def elementwise_of(value: ElementwiseApplyFunction) -> bool:
    return isinstance(value, ElementwiseApplyFunction)


def reshaped(scope, obj: Basic, shape) -> Basic:
    """A new object for the name ``obj`` stands for: a matrix of ``shape`` (None: a number),
    from here on (earlier rows keep ``obj``)."""
    name, rank = scope.keys[obj]
    if shape is None:
        made: Basic = Symbol(scope.generated(), real=True)
        scope.display[made] = Symbol(name.shown())
        scope.matrices.made[name] = None
    else:
        made = MatrixSymbol(scope.generated(), *shape)
        scope.display[made] = MatrixSymbol(name.shown(), *shape)
        scope.matrices.made[name] = shape
    scope.shown_names[made] = name.shown()
    scope.objects[(name, rank)] = made
    scope.keys[made] = (name, rank)
    return made


def _base_name(node: ast.Node) -> str:
    if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter):
        return node.base.name + "'" * node.primes
    return ""


def _written(node: ast.Node) -> tuple | None:
    """A name as written (``C``, ``\\mathcal{L}``, ``J^{[2]}``), to tell two derivatives of the
    same function; None for anything else."""
    while isinstance(node, ast.Group):
        node = node.inner
    if isinstance(node, ast.Letter):
        return (node.name,)
    if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter) and node.sub is None:
        return (node.base.name, node.sup_text, node.primes)
    return None
