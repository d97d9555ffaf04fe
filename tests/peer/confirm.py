"""Confirm a case's label by numbers alone, at 50 and 90 digits, independently of derive.

A point gives every free symbol a value in its domain (an integer, a rational, a Gaussian
rational for a complex symbol; small values a person would try first, then random ones), and
must satisfy the assumptions (an equality is met by solving it for one symbol with SymPy's
``solve``). Sums and products with numeric bounds are written out here by Karr's convention
(the reversed range negated, or inverted for a product), as SymPy's ``doit`` reads them. A
true label needs the sides to agree at every point where both are defined (at least
``MIN_POINTS`` of them), a false one a point where they differ clearly, at both precisions.
"""

from __future__ import annotations

import random

import sympy
from sympy import Basic, Rational
from sympy.core.assumptions import check_assumptions

from peer import Case

LOOPS = (sympy.Sum, sympy.Product)
SIMPLE_REALS = [Rational(1, 2), 2, -1, Rational(-3, 2), 1, 3, Rational(1, 3), 0, -2]
MIN_POINTS = 3
POINTS = 5
AGREE = 10**-40  # relative, at 50 digits (90 digits: 10**-80)
DIFFER = 10**-30  # relative: a difference 50 digits resolve


def _value(symbol: Basic, rng: random.Random, simple: int) -> Basic:
    """A value in the domain of ``symbol`` (None if none is found)."""
    for _ in range(100):
        if symbol.is_integer:
            value = sympy.Integer(rng.randint(-5, 6))
        elif symbol.is_extended_real:
            value = (
                sympy.sympify(SIMPLE_REALS[(simple + rng.randint(0, 8)) % 9])
                if simple < 4
                else Rational(rng.randint(-40, 40), rng.choice([3, 5, 7, 11]))
                if simple % 2
                else Rational(rng.randint(-12, 12), 13)  # inside (-1, 1) most often
            )
        else:
            re = Rational(rng.randint(-20, 20), rng.choice([3, 5, 7]))
            value = re + sympy.I * Rational(rng.randint(-20, 20), rng.choice([2, 3, 5]))
        if check_assumptions(value, symbol) is not False:
            return value
    return None


def _point(case: Case, rng: random.Random, simple: int) -> dict | None:
    sides = (case.lhs, case.rhs, *case.assume)
    free = set().union(*(e.free_symbols for e in sides))
    labels = {base.label for e in sides for base in e.atoms(sympy.IndexedBase)}
    free = {f for f in free if not isinstance(f, sympy.Indexed) and f not in labels}
    equalities = [a for a in case.assume if isinstance(a, sympy.Eq)]
    solved = {}
    for eq in equalities:  # solve each for its last symbol that has a solution
        for symbol in sorted(eq.free_symbols - set(solved), key=str, reverse=True):
            roots = sympy.solve(eq.xreplace(solved), symbol)
            if roots:
                solved[symbol] = roots[rng.randrange(len(roots))]
                break
    point = {}
    for symbol in sorted(free - set(solved), key=str):
        value = _value(symbol, rng, simple)
        if value is None:
            return None
        point[symbol] = value
    for symbol, root in solved.items():
        value = root.xreplace(point)
        if check_assumptions(value, symbol) is False:
            return None
        point[symbol] = value
    for relation in case.assume:
        if isinstance(relation, sympy.Eq):
            continue
        truth = relation.xreplace(point)
        if truth not in (sympy.true, sympy.false):
            gap = sympy.N(truth.lhs - truth.rhs, 30)
            truth = relation.func(gap, 0) if gap.is_real else sympy.false
        if truth is not sympy.true:
            return None
    return point


def _written_out(loop: Basic) -> Basic:
    """A sum or product with integer bounds as its terms, by Karr's convention (written here
    by hand, not by the checker's code): from b + 1 to a - 1, negated or inverted, when the
    upper bound b is below a - 1."""
    *inner, (var, lo, hi) = loop.limits  # the outermost limit first: inner bounds use it
    body = loop.func(loop.function, *inner) if inner else loop.function
    if not (lo.is_Integer and hi.is_Integer):
        return loop
    plain = hi >= lo - 1
    first, last = (lo, hi) if plain else (hi + 1, lo - 1)
    terms = [body.xreplace({var: value}) for value in range(int(first), int(last) + 1)]
    if isinstance(loop, sympy.Sum):
        total = sympy.Add(*terms)
        return total if plain else -total
    total = sympy.Mul(*terms)
    return total if plain else 1 / total


def _elements(expr: Basic, elements: dict, rng: random.Random) -> Basic:
    """``expr`` with its array elements (z[3], all indices numbers by now) given values in
    their base's domain, drawn once for both sides and both precisions."""
    for element in sorted(expr.atoms(sympy.Indexed), key=str):
        if element not in elements:
            elements[element] = _value(element, rng, 4)
    return expr.xreplace(elements)


def _number(side: Basic, point: dict, digits: int, elements: dict, rng: random.Random):
    expr = side.xreplace(point)
    try:
        while expr.has(sympy.Sum, sympy.Product):
            written = expr.replace(lambda e: isinstance(e, LOOPS), _written_out)
            if written == expr:
                return None
            expr = written
        value = sympy.N(_elements(expr, elements, rng), digits)
    except Exception:  # SymPy fails on some points (a product it cannot write out): no value
        return None
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not value.is_number:
        return None
    re, im = value.as_real_imag()
    if not (re.is_Float or re.is_zero) or not (im.is_Float or im.is_zero):
        return None
    return sympy.Float(re, digits), sympy.Float(im, digits)


def _relative_gap(left, right) -> float:
    (lr, li), (rr, ri) = left, right
    gap = abs(sympy.sqrt((lr - rr) ** 2 + (li - ri) ** 2))
    scale = max(1, abs(lr) + abs(li), abs(rr) + abs(ri))
    return float(gap / scale)


def confirm(case: Case, seed: int = 0) -> str:
    """ "" when the numbers confirm the label, else why not."""
    rng = random.Random(f"{seed}:{case.source}:{case.lhs}:{case.rhs}")
    agreeing, attempts = 0, 0
    while attempts < 10 * POINTS:
        attempts += 1
        point = _point(case, rng, attempts - 1)
        if point is None:
            continue
        gaps, elements = [], {}
        for digits in (50, 90):
            left = _number(case.lhs, point, digits, elements, rng)
            right = _number(case.rhs, point, digits, elements, rng)
            if left is None or right is None:
                break
            gaps.append(_relative_gap(left, right))
        if len(gaps) < 2:
            continue
        if gaps[0] > DIFFER and gaps[1] > DIFFER:
            return "" if not case.true else f"the sides differ at {point}"
        if gaps[0] < AGREE and gaps[1] < AGREE**2:
            agreeing += 1
        elif case.true:
            return f"the sides agree only to a few digits at {point}"
        if case.true and agreeing >= POINTS:
            return ""
    if case.true:
        return "" if agreeing >= MIN_POINTS else f"only {agreeing} usable points"
    return "no point where the sides differ"
