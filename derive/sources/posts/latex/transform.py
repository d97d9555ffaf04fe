"""The Lark tree of a row to the nodes of ``nodes``: positions kept (offsets into the
display's text), scripts collected, a superscript's raw text kept for the label rule."""

from __future__ import annotations

import dataclasses

from lark import Token, Transformer, Tree, v_args

from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.tokens import LatexError

_IF = "if"  # the marker a separator ending in \\text{if} leaves for the chain after it


def _leaf(item: object) -> ast.Node:
    if isinstance(item, ast.Node):
        return item
    token = item
    if token.type == "LETTER":
        return ast.Letter(token.start_pos, str(token))
    if token.type == "NUMBER":
        return ast.Number(token.start_pos, str(token))
    if token.type == "INDICATOR":
        return ast.Indicator(token.start_pos)
    if token.type in ("NOTE", "NAME"):
        return ast.Note(token.start_pos, str(token))
    raise LatexError(f"unexpected {token}", token.start_pos)


def _nodes(children: list) -> list[ast.Node]:
    return [c for c in children if isinstance(c, ast.Node)]


@v_args(meta=True)
class ToTree(Transformer):
    """Lark tree -> nodes (positions are offsets into the display's text)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def start(self, meta, children):
        return children[0]

    def assumption(self, meta, children):
        return children[1]

    def line(self, meta, children):
        chains, conditional = [], False
        for child in children:
            if isinstance(child, ast.Chain):
                chains.append(dataclasses.replace(child, conditional=conditional))
            conditional = child == _IF
        return ast.Line(meta.start_pos, tuple(chains))

    def seps(self, meta, children):
        return None

    def plain_sep(self, meta, children):
        return None

    def if_sep(self, meta, children):
        return _IF

    def relop(self, meta, children):
        return children[0]

    def chain(self, meta, children):
        parts = [_leaf(c) for c in children if not isinstance(c, Token)]
        relations = [c for c in children if isinstance(c, Token)]
        equals = tuple(c.start_pos for c in relations)
        ops = tuple(str(c) for c in relations)
        return ast.Chain(meta.start_pos, tuple(parts), equals, meta.end_pos, ops)

    def continuation(self, meta, children):
        chain = self.chain(meta, children)
        return ast.Chain(meta.start_pos, (None, *chain.parts), chain.equals, meta.end_pos)

    def if_else(self, meta, children):
        values = [_leaf(c) for c in children if not isinstance(c, Token)]
        then, condition, otherwise = values
        return ast.Cases(meta.start_pos, ((then, condition), (otherwise, None)))

    if_otherwise = if_else

    def cond(self, meta, children):
        items = [str(c) if isinstance(c, Token) else _leaf(c) for c in children]
        relation = ast.Relation(meta.start_pos, items[0], items[1], items[2])
        for index in range(3, len(items), 2):  # 1 <= k <= K: both relations
            right = ast.Relation(
                items[index - 1].pos, items[index - 1], items[index], items[index + 1]
            )
            relation = ast.Relation(meta.start_pos, relation, "and", right)
        return relation

    def add(self, meta, children):
        return self._add(meta, children, +1)

    def minus(self, meta, children):
        return self._add(meta, children, -1)

    def subscript(self, meta, children):
        return ("_", _leaf(children[1]), self._raw(children[1]))

    def _add(self, meta, children, sign):
        left, right = _leaf(children[0]), _leaf(children[2])
        terms = (
            left.terms if isinstance(left, ast.Add) and left.pos == meta.start_pos else ((1, left),)
        )
        return ast.Add(meta.start_pos, (*terms, (sign, right)))

    def neg(self, meta, children):
        return ast.Add(meta.start_pos, ((-1, _leaf(children[1])),))

    def pos(self, meta, children):
        return _leaf(children[1])

    def times(self, meta, children):
        factors, operators, gaps = [], [], []
        for child in children:
            if isinstance(child, Token):
                if child.type == "MULOP":
                    operators.append(str(child))
                    gaps.append((len(factors), str(child)))
                continue
            node = _leaf(child)
            if isinstance(node, ast.Mul):
                gaps += [(len(factors) + index, sign) for index, sign in node.gaps]
                factors += node.factors
                operators += node.operators
            else:
                factors.append(node)
        return ast.Mul(meta.start_pos, tuple(factors), tuple(operators), tuple(gaps))

    def divide(self, meta, children):
        return ast.Div(meta.start_pos, _leaf(children[0]), _leaf(children[2]))

    def big_sum(self, meta, children):
        sub, sup = self._scripts(children[1:-1])
        return ast.Sum(meta.start_pos, sub, sup, _leaf(children[-1]))

    def loose_call(self, meta, children):
        sub, sup = self._scripts(children[1:-1])
        name = str(children[0])
        return ast.Call(meta.start_pos, name, (_leaf(children[-1]),), sub, sup, loose=True)

    def nabla(self, meta, children):
        sub, sup = self._scripts(children[1:-1])
        order = 1
        if sup is not None:  # \nabla^2 f: the Hessian; any other superscript is not read
            order = 2 if isinstance(sup, ast.Number) and sup.text == "2" else 0
        partial = isinstance(children[0], Token) and children[0].type == "PARTIAL"
        return ast.Nabla(meta.start_pos, sub, _leaf(children[-1]), order, partial)

    def nabla_product(self, meta, children):
        """``\\nabla_\\theta \\frac{1}{2m} \\|X\\theta - y\\|^2``: the gradient of the whole
        product of factors written after it (a factor alone could not be followed)."""
        first = next(i for i, c in enumerate(children) if not isinstance(c, (Token, list)))
        coefficient = _leaf(children[first])
        if not _constant(coefficient):  # \nabla_a C \sigma'(z): (∇C) σ' or ∇(C σ')? unsaid
            raise LatexError("a gradient followed by a product: of which part?", meta.start_pos)
        product = self.times(meta, children[first:])
        return self.nabla(meta, [*children[:first], product])

    def apply(self, meta, children):
        head = ast.Letter(children[0].start_pos, str(children[0]))
        scripts = [c for c in children if isinstance(c, list)]
        if scripts:
            head = self.scripted(meta, [head, scripts[0]])
        args = tuple(_leaf(c) for c in children[1:] if not isinstance(c, (Token, list, Tree)))
        separators = tuple(
            str(c.children[0]) for c in children if isinstance(c, Tree) and c.data == "argsep"
        )
        return ast.Apply(meta.start_pos, head, args, separators)

    def argsep(self, meta, children):
        return Tree("argsep", children)

    def ellipsis(self, meta, children):
        return ast.Ellipsis(meta.start_pos)

    def sum_name(self, meta, children):
        return ast.SumName(meta.start_pos)

    def absolute(self, meta, children):
        return ast.Absolute(meta.start_pos, _leaf(children[1]))

    def norm(self, meta, children):
        return ast.Norm(meta.start_pos, _leaf(children[1]))

    def numerator_partial(self, meta, children):
        order = int(children[4]) if len(children) == 8 else 1  # \partial^2 f
        operand = _leaf(children[-3])
        numerator = ast.Partial(children[2].start_pos, operand, order=order)
        return ast.Frac(meta.start_pos, numerator, children[-1])

    def operator_power(self, meta, children):
        """``\\frac{\\partial^2}{\\partial x^2}``: a second derivative's operator, applied to
        what follows it."""
        numerator = ast.Partial(children[2].start_pos, None, order=int(children[4]))
        return ast.Frac(meta.start_pos, numerator, children[-1])

    def call(self, meta, children):
        scripts = [c for c in children if isinstance(c, list)]
        sub, sup = self._scripts(scripts)
        args = tuple(_leaf(c) for c in children[1:] if not isinstance(c, (Token, list)))
        return ast.Call(meta.start_pos, str(children[0]), args, sub, sup)

    def scripted(self, meta, children):
        base, scripts = _leaf(children[0]), children[1]
        sub = [s for s in scripts if s[0] == "_"]
        sup = [s for s in scripts if s[0] == "^"]
        primes = sum(1 for s in scripts if s[0] == "'")
        if len(sub) > 1 or len(sup) > 1:
            raise LatexError("a double subscript or superscript", meta.start_pos)
        items = None
        if sub:
            node = sub[0][1]
            items = node.items if isinstance(node, _Items) else (node,)
        sup_node = sup[0][1] if sup else None
        if isinstance(sup_node, _Items):
            if len(sup_node.items) != 1:
                raise LatexError("a superscript with commas is not read", meta.start_pos)
            sup_node = sup_node.items[0]
        sup_text = "".join(sup[0][2].split()) if sup else ""
        return ast.Scripted(meta.start_pos, base, items, sup_node, sup_text, primes)

    def evaluated(self, meta, children):
        """``\\left. f \\right|_{x=0}``: f at the point of its subscript."""
        return ast.Evaluated(meta.start_pos, _leaf(children[1]), _unwrap(children[4]))

    def scripts(self, meta, children):
        return list(children)

    def superscript(self, meta, children):
        return ("^", _leaf(children[1]), self._raw(children[1]))

    def prime(self, meta, children):
        return ("'", None, "'")

    def _raw(self, node):
        """The text of a script's argument as written, without its braces."""
        if isinstance(node, Token):
            return str(node)
        return node.raw

    def _scripts(self, scripts):
        flat = [s for group in scripts for s in (group if isinstance(group, list) else [group])]
        sub = next((_unwrap(s[1]) for s in flat if s[0] == "_"), None)
        sup = next((_unwrap(s[1]) for s in flat if s[0] == "^"), None)
        return sub, sup

    def braced(self, meta, children):
        body = children[1]
        raw = self.text[children[0].end_pos : children[-1].start_pos]
        return _Items(meta.start_pos, body if isinstance(body, tuple) else (body,), raw)

    def items(self, meta, children):
        return tuple(_leaf(c) for c in children if not _is(c, "COMMA"))

    def cond_body(self, meta, children):
        return (children[0],)

    def note_body(self, meta, children):
        return (_leaf(children[0]),)

    def letter(self, meta, children):
        return _leaf(children[0])

    number = letter

    def paren(self, meta, children):
        return ast.Group(meta.start_pos, _leaf(children[1]))

    def brace(self, meta, children):
        return ast.Group(meta.start_pos, _leaf(children[1]), brace=True)

    def frac(self, meta, children):
        return ast.Frac(meta.start_pos, children[1], children[2])

    def farg(self, meta, children):
        return _leaf(children[1] if len(children) == 3 else children[0])

    def sqrt(self, meta, children):
        return ast.Sqrt(meta.start_pos, children[1])

    def partial(self, meta, children):
        return ast.Partial(meta.start_pos, _leaf(children[1]) if len(children) > 1 else None)

    def total(self, meta, children):
        operand = _leaf(children[1]) if len(children) > 1 else None
        return ast.Partial(meta.start_pos, operand, total=True)

    def indicator(self, meta, children):
        condition = children[2] if len(children) > 1 else None
        return ast.Indicator(meta.start_pos, condition)

    def cases(self, meta, children):
        branches = tuple(c for c in children if isinstance(c, tuple))
        return ast.Cases(meta.start_pos, branches)

    def case_if(self, meta, children):
        nodes = [c for c in children if isinstance(c, ast.Node)]
        return (nodes[0], nodes[1])

    def case_else(self, meta, children):
        return (_leaf(children[0]), None)


class _Items(ast.Node):
    """A braced script argument while it is being built: its items and its raw text."""

    def __init__(self, pos: int, items: tuple, raw: str) -> None:
        object.__setattr__(self, "pos", pos)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "raw", raw)


def _unwrap(node: ast.Node) -> ast.Node:
    if isinstance(node, _Items):
        if len(node.items) != 1:
            raise LatexError("a script with commas is not read here", node.pos)
        return node.items[0]
    return node


def _is(item: object, kind: str) -> bool:
    return isinstance(item, Token) and item.type == kind


def _constant(node: ast.Node) -> bool:
    """A number or a fraction of numbers and letters (``2``, ``\\frac{1}{2m}``): a coefficient
    written before what a gradient is taken of."""
    if isinstance(node, ast.Number):
        return True
    if isinstance(node, ast.Frac):
        return all(
            isinstance(n, (ast.Number, ast.Letter, ast.Mul)) and not isinstance(n, ast.Frac)
            for n in (node.numerator, node.denominator)
        ) and isinstance(node.numerator, ast.Number)
    return False
