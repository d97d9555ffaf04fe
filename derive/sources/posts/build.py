"""The meaning of a row: SymPy expressions from the tree of ``nodes``, built by hand.

Nothing is parsed from text here and nothing is evaluated: every node becomes a SymPy object
through a constructor (``Add``, ``Mul``, ``Sum``, ``KroneckerDelta``, ...), with the names of
``post_names``. The rules that need the whole post (the label rule, index ranges, definitions)
come from the :class:`~derive.sources.posts.names.Scope`, the range pass and the
:class:`~derive.sources.posts.definitions.Definitions`.
"""

from __future__ import annotations

import dataclasses
import re

from sympy import (
    Abs,
    Add,
    E,
    Expr,
    Indexed,
    Integer,
    KroneckerDelta,
    Mul,
    Piecewise,
    Pow,
    Rational,
    Sum,
    Symbol,
    exp,
    pi,
)
from sympy.core.relational import Eq, Ge, Gt, Le, Lt, Ne
from sympy.logic.boolalg import And

from derive.checker.rounded import Rounded, plain
from derive.sources.limits import MAX_EXPONENT, large_power, power_problem
from derive.sources.posts.build_calls import CallsMixin, head_name
from derive.sources.posts.build_derivatives import DerivativesMixin, shown
from derive.sources.posts.build_sums import SumsMixin
from derive.sources.posts.defined_functions import DefinedFunctions
from derive.sources.posts.definitions import Definitions, TooDeep
from derive.sources.posts.display import show
from derive.sources.posts.entry_layers import EntryLayersMixin
from derive.sources.posts.kinds import is_plain_name
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.vocabulary import SIGMA
from derive.sources.posts.matrix.building import MatrixMixin, is_matrix
from derive.sources.posts.names import BuildError, Name, Scope, is_transpose, label_kind
from derive.sources.posts.ranges import (
    Ranges,
    bound_value,
    example_label,
    index_items,
    letter_of,
    size_key,
    superscript_index,
)
from derive.sources.posts.written_sums import replaced, split_run, written_sum

MAX_DIGITS = 30  # a number literal longer than this is not read
# \sigma^2 = ... and \sigma_B^2 = ... introduce a name (a variance), not a power of sigma
POWERED = frozenset([SIGMA, "s", SIGMA + "\N{COMBINING CIRCUMFLEX ACCENT}"])

_RELATIONS = {"=": Eq, ":=": Eq, "≡": Eq, "≜": Eq, "!=": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}
MATRIX = "matrix notation ({}) is not checked yet"


Env = dict[str, tuple[Symbol, Expr, Expr]]  # bound letter -> (symbol, lo, hi)


class Builder(SumsMixin, CallsMixin, DerivativesMixin, MatrixMixin, EntryLayersMixin):
    """Builds the expressions of one post (``build``), in the order the post is read.

    Besides the scope and the definitions it keeps what holds "from this row on": the
    functions the post has defined (``functions``), the powered names it has introduced
    (``sigma_B^2``), and the sum of the latest denominator (what a bare ``\\sum`` names).
    ``guesses`` collects the readings guessed while building one claim (reported; a guessed
    reading never refutes).
    """

    def __init__(self, scope: Scope, definitions: Definitions, ranges: Ranges) -> None:
        self.scope, self.definitions, self.ranges = scope, definitions, ranges
        self.aliases: dict[Name, Name] = {}
        self.euler = True  # e^x is the exponential unless e is declared
        self.functions = DefinedFunctions()
        self.powered: set[str] = set()
        self.guesses: list[str] = []
        self.generics: dict[str, tuple] = {}  # a^l = ...: base -> (label, tree, where)
        self.instances: set = set()  # names defined at a layer from those (matrix.layers)
        self.instantiating = False
        self.chaining = False  # inside matrix.building's layer_chain: no chain within a chain
        self.unknown_functions: set[str] = set()
        self.denominator_sum: Expr | None = None
        self.denominator_where = ""
        self.last_sum: Expr | None = None
        self.sum_defined: Expr | None = None  # "let \sum stand for ...": \sum = \sum_j e_j
        self.declared_functions: dict[str, str] = {}  # name -> function word, declared
        self.lazy_on = False  # building a symbol's definition: functions resolved where used
        self.ahead: dict[str, tuple] = {}  # name -> (params, body, where): first definitions
        self.left_letters: frozenset[str] = frozenset()  # letters written left of a relation
        self.forward_made: dict[str, object] = {}
        self.forward_building: set[str] = set()
        self.offset = 0  # where the display being read starts in the file (decimals' places)
        self.given_decimals: set[str] = set()  # decimals the text gives to names: exact inputs
        self.differentiated: set = set()  # what the post differentiates by: its unknowns
        self.recurrences: dict = {}  # array -> its recurrence in force (``recurrences``)
        self.entry_generics: dict[str, tuple] = {}  # a^l_j = ...: base -> (label, lhs, rhs, where)
        self.stepping = False  # writing a layer's error by the next one's (``entry_layers``)
        self.operators: dict[str, str] = {}  # D -> a: D_j F is ∂F/∂a_j (``operator_names``)
        self.einstein = False  # the post says repeated indices are summed (``implied``)
        self.einstein_source = ""  # where: "declared", "stated at line 3"
        self.written_powers: set = set()  # powers written as such (``x_i^2``), for ``implied``

    def build(self, node: ast.Node, env: Env | None = None) -> Expr:
        env = env or {}
        handler = getattr(self, "_" + type(node).__name__.lower(), None)
        if handler is None:
            raise BuildError(f"{type(node).__name__.lower()} is not read here", node.pos)
        return handler(node, env)

    def build_definition(self, node: ast.Node) -> Expr:
        """The body of a symbol's definition: functions applied in it are written out where
        the symbol is used (``lazy_functions``)."""
        self.lazy_on = True
        try:
            return self.build(node)
        finally:
            self.lazy_on = False

    def shown_expr(self, expr: Expr) -> str:
        return show(self.scope, expr)

    # --- atoms -------------------------------------------------------------------------

    def _letter(self, node: ast.Letter, env: Env) -> Expr:
        return self.letter(node.name, env, node.pos)

    def letter(self, name: str, env: Env, pos: int) -> Expr:
        if name in env:
            return env[name][0]
        if self.matrix_mode and self.bold_at(pos) and name in self.scope.sizes:
            return self.scope.symbol(Name(name), 0)  # the vector h beside the width h
        if name in self.ranges.index_letters or name in self.scope.index_ranges:
            return self.scope.index(name)
        if name in self.ranges.size_letters or name in self.scope.sizes:
            return self.scope.size(name)
        if name == "e" and self.euler and not self.error_named_e():
            return E
        if name == "π":
            return pi
        if name == "I" and self.matrix_mode and self.is_identity():
            return self.identity()
        function = self.bare_function(name)
        if function is not None:
            return function
        return self.scope.symbol(self.aliases.get(Name(name), Name(name)), 0)

    def _number(self, node: ast.Number, env: Env) -> Expr:
        """An integer is exact; a decimal is known to the digits shown (``Rounded``: 0.6225
        is any value within one unit of its last place), unless it repeats a value the text
        gives to a name (``\\eta = 0.1``): then it is that exact input."""
        if self.matrix_mode:
            made = self.matrix_number(node)
            if made is not None:
                return made
        if len(node.text) > MAX_DIGITS:
            raise BuildError(f"the number {node.text[:12]}... is too long to read", node.pos)
        if "." not in node.text:
            return Integer(node.text)
        given = node.text in self.given_decimals
        return Rounded(node.text, self.offset + node.pos, given)

    def _note(self, node: ast.Note, env: Env) -> Expr:
        raise BuildError(f"text inside a formula is not read: \\text{{{node.text}}}", node.pos)

    def _group(self, node: ast.Group, env: Env) -> Expr:
        return self.build(node.inner, env)

    # --- arithmetic ---------------------------------------------------------------------

    def _add(self, node: ast.Add, env: Env) -> Expr:
        if any(isinstance(term, ast.Ellipsis) for _, term in node.terms):
            parts = None if self.matrix_mode else split_run(node)
            if parts is None or not (parts[0] or parts[2]):
                return self._written_sum(node, env)
            rest = [sign * self.build(term, env) for sign, term in (*parts[0], *parts[2])]
            return Add(self._written_sum(parts[1], env), *rest)
        if self.matrix_mode:
            terms = [(sign, self.build(term, env)) for sign, term in node.terms]
            return self.matrix_sum(terms, node.pos)
        return Add(*(sign * self.build(term, env) for sign, term in node.terms))

    def _written_sum(self, node: ast.Add, env: Env) -> Expr:
        """``y_1 + y_2 + \\dots + y_n``: the sum of y_i for i from 1 to n."""
        found = written_sum(node)
        lo = hi = None
        if found is not None:
            lo, hi = bound_value(found[1], self.scope), bound_value(found[2], self.scope)
        if found is None or lo is None or hi is None:
            raise BuildError("elided terms (\\dots) that follow no pattern are not read", node.pos)
        template, first, _, paths = found
        letter = "\N{HORIZONTAL ELLIPSIS}"  # a letter no post writes
        body_node = template
        for path in paths:
            body_node = replaced(body_node, path, ast.Letter(first.pos, letter))
        bound = self.scope.bound_index(letter, lo)
        self.scope.shown_names[bound] = "i"  # shown as an index (no post writes the ellipsis)
        body = self.build(body_node, {**env, letter: (bound, lo, hi)})
        return Sum(body, (bound, lo, hi))

    def _ellipsis(self, node: ast.Ellipsis, env: Env) -> Expr:
        raise BuildError("elided terms (\\dots) are read only in a sum written out", node.pos)

    def _mul(self, node: ast.Mul, env: Env) -> Expr:
        if self.matrix_mode:
            product = self.matrix_mul(node, env)
            if not is_matrix(product) and large_power(product):
                message = f"a power above {MAX_EXPONENT} is not built"
                raise BuildError(message, node.pos, "cannot check")
            return product
        if "⊗" in node.operators:
            raise BuildError(MATRIX.format("an outer product"), node.pos, "cannot check")
        factors: list[Expr] = []
        for index, factor in enumerate(node.factors):
            named = self._named_operator(factor)
            if named is not None:  # D_j S_i: the operator the prose names, on the next factor
                factors.append(self._named_derivative(node, index, named, env))
                break
            operator = self._operator(factor)
            if operator is not None:  # \frac{\partial}{\partial x} applies to what follows
                rest = node.factors[index + 1 :]
                if not rest:
                    raise BuildError("a derivative operator with nothing after it", factor.pos)
                after = list(range(index + 1, len(node.factors)))
                operand = rest[0] if len(rest) == 1 else self._rest(node, after, dict(node.gaps))
                factors.append(self._derivative(operand, operator[0], operator[1], env))
                break
            factors.append(self.build(factor, env))
        product = Mul(*factors)
        if large_power(product):  # x^{999} x^{999} is x^{1998}
            raise BuildError(f"a power above {MAX_EXPONENT} is not built", node.pos, "cannot check")
        return product

    def _div(self, node: ast.Div, env: Env) -> Expr:
        num, den = node.numerator, node.denominator
        partials = isinstance(num, ast.Partial) and isinstance(den, ast.Partial)
        if self.matrix_mode and partials and num.order == 1 and num.operand and den.operand:
            return self._derivative(num.operand, den.operand, node.pos, env)  # ∂C / ∂z^l
        numerator, denominator = self.build(node.numerator, env), self.build(node.denominator, env)
        if self.matrix_mode:
            return self.divided(numerator, denominator, node.pos)
        return numerator / denominator

    def _sqrt(self, node: ast.Sqrt, env: Env) -> Expr:
        return Pow(self.build(node.operand, env), Rational(1, 2))

    def power(self, base: Expr, exponent: Expr, pos: int) -> Expr:
        if is_matrix(exponent):
            raise BuildError("a matrix as an exponent is not read", pos, "cannot check")
        if is_matrix(base):
            return self.matrix_power(base, exponent, pos)
        base_value, exponent_value = plain(base), plain(exponent)  # decimals as shown
        problem = power_problem(base_value, exponent_value)  # before SymPy computes it
        if problem:
            numbers = base_value.is_Number and exponent_value.is_Number
            raise BuildError(problem, pos, "cannot read" if numbers else "cannot check")
        made = Pow(base, exponent)
        if self.einstein:  # x_i^2: not x_i x_i (the summation convention leaves it unread)
            self.written_powers.update(made.atoms(Pow))
        return made

    # --- scripts: names, indices, labels, powers ----------------------------------------

    def _scripted(self, node: ast.Scripted, env: Env) -> Expr:
        base = node.base
        if isinstance(base, (ast.Indicator, ast.Number)) and node.sub and node.sup is None:
            return self._indicator(ast.Indicator(node.pos, self._one(node.sub, node.pos)), env)
        if node.sup is not None and is_transpose(node.sup_text):
            if isinstance(base, ast.Apply) and node.sub is None and self.matrix_mode:
                return self._transposed_application(node, env)
            return self._transpose(node, env)
        if isinstance(base, (ast.Call, ast.Apply)) and node.sub is not None and not node.primes:
            return self.build(self._component(base, node), env)
        if isinstance(base, ast.Apply):
            return self._scripted_application(node, env)
        if isinstance(base, ast.Norm) and self.matrix_mode and not node.primes:
            value = self.matrix_norm(self.build(base.inner, env), _single(node.sub), node.pos)
            if node.sup is None:
                return value
            return self.power(value, self.build(node.sup, env), node.pos)
        if not isinstance(base, ast.Letter):
            if node.sub is not None or node.primes:
                raise BuildError("a subscript or prime on an expression is not read", node.pos)
            return self.power(self.build(base, env), self.build(node.sup, env), node.pos)
        if base.name == "e" and self.euler and node.sup is not None and not self._residual(node):
            if node.sub is None and self.error_named_e() and _no_letters(node.sup):
                message = "e^{number} where the text names an error e: its power or exp?"
                raise BuildError(message, node.pos)
            if node.sub is not None:
                message = "e with a subscript and a superscript: write e^{a_k} or a name"
                raise BuildError(message, node.pos)
            return self._exp(node, env)
        if base.name == "δ" and node.sup is None and node.sub is not None:
            indices = index_items(node.sub)[0]
            if len(indices) == 2:
                return KroneckerDelta(*(self.build(i, env) for i in indices))
        if self._identity_entry(node):
            return self._identity_guess(node, env)
        key = size_key(node)
        if key is not None and key in self.scope.sizes:
            return self.scope.sizes[key]
        named = head_name(node) if node.sup is None and not node.primes else None
        function = None if named is None else self.bare_function(named[0])
        if function is not None:  # J_2 alone, for J_2(w) = ...: its body
            return function
        kind = None if node.sup is None else label_kind(node.sup_text, self.scope.labels)
        if kind == "transpose":
            return self._transpose(node, env)
        if kind == "power" and self.powered_name(node) in self.powered:
            return self.named(node, "", env, base_name=self.powered_name(node))
        example = superscript_index(node, self.ranges.summed, self.ranges.iterated)
        if example is not None:  # x^{(i)}: the i-th example, an entry
            return self.named(node, example_label(node), env, extra=example)
        label = node.sup_text if kind == "label" else ""
        value = self.named(node, label, env)
        if kind == "power":
            value = self.power(value, self.build(node.sup, env), node.pos)
        return value

    def _identity_entry(self, node: ast.Scripted) -> bool:
        """``I_{kj}`` with two indices, I named nowhere else: the entries of the identity
        matrix, as textbooks write them (``y_k (I_{kj} - y_j)``)."""
        if self.matrix_mode or node.base.name != "I" or node.sup is not None or node.primes:
            return False
        indices = index_items(node.sub or ())[0]
        if len(indices) != 2 or not all(letter_of(i) in self.ranges.index_letters for i in indices):
            return False
        sized = "I" in self.scope.sizes or "I" in self.ranges.size_letters
        return "I" not in self.left_letters and not sized

    def _identity_guess(self, node: ast.Scripted, env: Env) -> Expr:
        """The identity's entry as the Kronecker delta: a guess, named in the report (a claim
        refuted under it is not refuted)."""
        i, j = (self.build(i, env) for i in index_items(node.sub)[0])
        pair = self.shown_expr(i) + self.shown_expr(j)
        guess = f"I_{{{pair}}} read as the identity's entry δ_{{{pair}}}"
        if guess not in self.guesses:
            self.guesses.append(guess)
        return KroneckerDelta(i, j)

    def error_named_e(self) -> bool:
        """Whether the post defines a bare ``e`` (``e = y - \\hat{y}``, an error): then a bare
        e is that name; ``e^{x}`` with letters in the power stays the exponential."""
        obj = self.scope.objects.get((Name("e"), 0))
        return obj is not None and obj in self.definitions.table

    def _residual(self, node: ast.Scripted) -> bool:
        """``e_i^2`` where the post defines ``e_i`` (a residual, an error): a power of that
        entry; elsewhere ``e^{x}`` stays the exponential."""
        if node.sub is None:
            return False
        rank = len(index_items(node.sub)[0])
        obj = self.scope.objects.get((Name("e"), rank))
        return obj is not None and obj in self.definitions.table

    def powered_name(self, node: ast.Scripted) -> str:
        """The name ``sigma_B^2`` introduces: the letter with its power, ``sigma^2``."""
        sup = node.sup_text
        return f"{node.base.name}^{sup if len(sup) == 1 else '{' + sup + '}'}"

    def _component(self, call, node: ast.Scripted) -> ast.Node:
        """``\\mathrm{softmax}(\\mathbf{z})_k``, ``\\sigma(z)_i``: the function applied to the
        entry (k of the vector z), then the superscript if any."""
        args = [a.inner if isinstance(a, ast.Group) else a for a in call.args]
        if len(args) != 1 or not isinstance(args[0], ast.Letter) or len(node.sub) != 1:
            raise BuildError("a subscript on a function of several entries", node.pos)
        entry = ast.Scripted(args[0].pos, args[0], node.sub, None, "", 0)
        applied = dataclasses.replace(call, args=(entry,))
        if node.sup is None:
            return applied
        return ast.Scripted(node.pos, applied, None, node.sup, node.sup_text, 0)

    def _scripted_application(self, node: ast.Scripted, env: Env) -> Expr:
        """``f(x)^2`` is (f(x))^2; ``a(1 - a)^2`` is a (1 - a)^2."""
        if node.sub is not None or node.primes:
            raise BuildError("a subscript or prime on an expression is not read", node.pos)
        kind, value = self.application(node.base, env)
        exponent = self.build(node.sup, env)
        if kind == "call":
            return self.power(value, exponent, node.pos)
        head, argument = value
        return head * self.power(argument, exponent, node.pos)

    def _transposed_application(self, node: ast.Scripted, env: Env) -> Expr:
        """``\\delta^l (a^{l-1})^T`` is δ^l times the transpose of a^{l-1}, as ``a(1 - a)^2``
        is a (1 - a)^2 (not the transpose of the product, whose factors would be swapped);
        ``f(x)^T`` of a function is the transpose of its value."""
        if node.primes:
            raise BuildError("a prime on a transpose is not read", node.pos)
        kind, value = self.application(node.base, env)
        labels = self.scope.labels
        if kind == "call":
            return self.transposed(value, node.pos, shown(node.base, labels))
        head, argument = value
        argument_node = node.base.args[0]
        return head * self.transposed(argument, node.pos, shown(argument_node, labels))

    def _exp(self, node: ast.Scripted, env: Env) -> Expr:
        if node.primes:
            raise BuildError("a prime on e is not read", node.pos)
        if self.matrix_mode:
            return self.exponential(self.build(node.sup, env))
        return exp(self.build(node.sup, env))

    def _transpose(self, node: ast.Scripted, env: Env) -> Expr:
        """``x^T``, ``(W^{l+1})^T``, ``W^{[2]T}`` (a label, then the transpose)."""
        if not self.matrix_mode:
            raise BuildError(MATRIX.format("a transpose"), node.pos, "cannot check")
        if node.primes:
            raise BuildError("a prime on a transpose is not read", node.pos)
        base, sup = node.base, node.sup_text
        if node.sub is not None:  # a_1^T: the transpose of a_1
            if not isinstance(base, ast.Letter) or sup.startswith(("(", "[")):
                raise BuildError("a subscript on a transpose is not read", node.pos)
            base = dataclasses.replace(node, sup=None, sup_text="")
        if isinstance(base, ast.Letter) and sup.startswith(("(", "[")):
            label = re.sub(r"(?:T|\\top|\\intercal)\Z", "", sup)
            labelled = ast.Scripted(node.pos, base, None, ast.Letter(node.pos, label), label, 0)
            value, base = self.build(labelled, env), labelled
        else:
            value = self.build(base, env)
        return self.transposed(value, node.pos, shown(base, self.scope.labels))

    def named(
        self, node: ast.Scripted, label: str, env: Env, base_name: str = "", extra=None
    ) -> Expr:
        """The symbol or array entry a scripted letter names (``extra``: the index of an
        example superscript, ``x^{(i)}_j`` is the entry (j, i))."""
        letter = (base_name or node.base.name) + "'" * node.primes
        if self.matrix_mode and not base_name and extra is None:
            numbered = self.numbered(node)  # W_1: the matrix of layer 1
            if numbered is not None:
                return numbered
        if node.sub is None and extra is None:
            if not label:
                return self.letter(letter, env, node.pos)
            if self.matrix_mode:  # a^L, dW^{[2]}: a definition for every layer, at this one
                return self.layer_name(self._alias(Name(letter, label)))
            return self.scope.symbol(self._alias(Name(letter, label)), 0)
        indices, suffix = index_items(node.sub or ())
        indices = indices + ([extra] if extra is not None else [])
        base = letter + (f"_{{{suffix}}}" if suffix else "")
        name = self._alias(Name(base, label))
        if not indices:
            return self.scope.symbol(name, 0)
        values = tuple(self.index(i, env) for i in indices)
        if self.matrix_mode:
            entry = (
                self.matrix_entry(name, values, node.pos)
                if extra is None
                else self.example_entry(letter, label, values, node.pos)
            )
            if entry is not None:
                return entry
        new = (name, len(values)) not in self.scope.objects
        array = self.scope.symbol(name, len(values))
        if new:  # a^L_k, first written at a layer: the definition for every layer, there
            self.entry_instance(array, name)
        return array[values]

    def _alias(self, name: Name) -> Name:
        return self.aliases.get(name, name)

    def index(self, node: ast.Node, env: Env) -> Expr:
        value = self.build(node, env)
        if not value.is_integer:
            raise BuildError("a subscript that is not an index is not read", node.pos)
        return value

    def _one(self, items: tuple[ast.Node, ...], pos: int) -> ast.Node:
        if len(items) != 1:
            raise BuildError("write the indicator's condition as 1_{d=k}", pos)
        return items[0]

    # --- brackets, cases, conditions ---------------------------------------------------

    def _evaluated(self, node: ast.Evaluated, env: Env) -> Expr:
        """``\\left. \\frac{d}{dz} \\tanh z \\right|_{z=0}``: the operand with its definitions
        written out, at the point (a name set to a value)."""
        at = node.at
        if not (isinstance(at, ast.Relation) and at.op == "=" and is_plain_name(at.lhs)):
            raise BuildError("an evaluation bar is read at one point: |_{x=0}", node.pos)
        variable, value = self.build(at.lhs, env), self.build(at.rhs, env)
        if not isinstance(variable, (Symbol, Indexed)):
            raise BuildError("an evaluation bar is read at one point: |_{x=0}", node.pos)
        try:
            operand = self.definitions.expand(self.build(node.operand, env))
        except TooDeep as error:
            raise BuildError(str(error), node.pos, "cannot check") from None
        later = [
            o
            for o in self.definitions.objects(operand) - self.definitions.objects(variable)
            if o not in self.definitions.table and self.scope.keys[o][0].base in self.left_letters
        ]
        if later:  # a name the text defines further on: its value at the point is unsaid here
            message = "an evaluation bar over a name defined further on is not read"
            raise BuildError(message, node.pos, "cannot check")
        return operand.xreplace({variable: value})

    def _absolute(self, node: ast.Absolute, env: Env) -> Expr:
        return Abs(self.build(node.inner, env))

    def _norm(self, node: ast.Norm, env: Env) -> Expr:
        if self.matrix_mode:
            return self.matrix_norm(self.build(node.inner, env), None, node.pos)
        raise BuildError(MATRIX.format("a norm"), node.pos, "cannot check")

    def _cases(self, node: ast.Cases, env: Env) -> Expr:
        pieces = []
        for value, condition in node.branches:
            truth = True if condition is None else self.relation(condition, env)
            pieces.append((self.build(value, env), truth))
        return Piecewise(*pieces)

    def _indicator(self, node: ast.Indicator, env: Env) -> Expr:
        if node.condition is None:
            raise BuildError("an indicator needs its condition: \\mathbb{1}_{d=k}", node.pos)
        condition = node.condition
        if self.matrix_mode and isinstance(condition, ast.Relation) and condition.op != "and":
            made = self.matrix_indicator(condition, env)
            if made is not None:
                return made
        if isinstance(condition, ast.Relation) and condition.op == "=":
            lhs, rhs = self.build(condition.lhs, env), self.build(condition.rhs, env)
            if lhs.is_integer and rhs.is_integer:
                return KroneckerDelta(lhs, rhs)
        return Piecewise((Integer(1), self.relation(condition, env)), (Integer(0), True))

    def relation(self, node: ast.Node, env: Env):
        if not isinstance(node, ast.Relation):
            raise BuildError("a condition such as d = k or x > 0 is expected", node.pos)
        if node.op == "and":
            return And(self.relation(node.lhs, env), self.relation(node.rhs, env))
        return _RELATIONS[node.op](self.build(node.lhs, env), self.build(node.rhs, env))

    def _relation(self, node: ast.Relation, env: Env) -> Expr:
        raise BuildError("a relation inside a formula is not read", node.pos)


def _single(items: tuple[ast.Node, ...] | None) -> ast.Node | None:
    return items[0] if items else None


def _no_letters(node: ast.Node) -> bool:
    """A power written with numbers only (``e^2``, ``e^{-1}``)."""
    return not any(isinstance(child, ast.Letter) for child in ast.walk(node))
