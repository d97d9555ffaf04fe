"""Superscript steps of a sequence: ``w^{t+1}`` from ``w^t``, ``x^{(k+1)}`` from ``x^{(k)}``.

Posts write iterates with a subscript (``w_{t+1}``, an entry) or a superscript (``x^{(k+1)}``,
``w^{t+1}``, ``\\theta^{(t)}``). A superscript is otherwise a layer label or a power (the
label rule), which would make ``x^{(k)}`` and ``x^{(0)}`` unrelated names and ``w^t`` a power.
When a row states a step, ``X^{s+1} = ... X^{s} ...`` (the same base and letter, a later step
on the left), the post's superscripts of that base and letter are steps: entries of X at the
index s, as ``recurrences`` reads subscripted iterates; so is ``X^{(0)}``, the start.
Unbracketed, only iteration counters are steps (t, k, tau: ``x^n`` stays a power);
bracketed, any letter but a layer's (``a^{(l+1)}`` from ``a^{(l)}`` is the next layer).
"""

from __future__ import annotations

from derive.sources.posts.latex import nodes as ast

ITERATION_LETTERS = frozenset("tk\N{GREEK SMALL LETTER TAU}")  # unbracketed steps: w^{t+1}
LAYER_LETTERS = frozenset("lL")  # bracketed, never steps: a^{(l+1)} is the next layer


def _letter(node: ast.Node) -> str | None:
    return node.name if isinstance(node, ast.Letter) else None


def _is_sum(node: ast.Node) -> bool:
    while isinstance(node, ast.Group):
        node = node.inner
    return isinstance(node, ast.Add) and len(node.terms) > 1


def step_superscript(node: ast.Node) -> tuple[str, str, int, bool] | None:
    """(base, letter, offset, bracketed) of ``x^{(k+1)}``, ``w^{t}``, ``w^{t-1}``; else None."""
    if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
        return None
    if node.sup is None or node.primes:
        return None
    bracketed = isinstance(node.sup, ast.Group) and not node.sup.brace
    bracketed = bracketed and node.sup_text.startswith("(")
    inner = node.sup
    while isinstance(inner, ast.Group):
        inner = inner.inner
    letter, offset = _letter(inner), 0
    if letter is None and isinstance(inner, ast.Add) and len(inner.terms) == 2:
        (first_sign, first), (sign, second) = inner.terms
        if first_sign == 1 and isinstance(second, ast.Number) and second.text.isdigit():
            letter, offset = _letter(first), sign * int(second.text)
    if letter is None:
        return None
    if (bracketed and letter in LAYER_LETTERS) or (
        not bracketed and letter not in ITERATION_LETTERS
    ):
        return None
    return node.base.name, letter, offset, bracketed


def find_iterates(lines) -> set[tuple[str, str, bool]]:
    """(base, letter, bracketed) of each sequence a row states by a superscript step:
    ``x^{(k+1)} = x^{(k)} - \\alpha f'(x^{(k)})``, ``w^{t+1} = w^t - \\eta g``."""
    found = set()
    for line in lines:
        for chain in line.chains:
            if len(chain.parts) < 2 or chain.parts[0] is None:
                continue
            left = chain.parts[0]
            while isinstance(left, ast.Group):
                left = left.inner
            head = step_superscript(left)
            if head is None or not (head[3] or _is_sum(chain.parts[1])):
                continue  # unbracketed, x^{n+1} = x x^n is a power: a step adds (w^t - ...)
            for node in ast.walk(chain.parts[1]):
                other = step_superscript(node)
                same = other is not None and other[:2] == head[:2] and other[3] == head[3]
                if same and other[2] < head[2]:
                    found.add((head[0], head[1], head[3]))
    return found


def iterate_index(node: ast.Scripted, iterated) -> ast.Node | None:
    """The step of ``x^{(k)}``, ``x^{(0)}``, ``w^{t+1}`` when the post states x's (w's) steps."""
    found = step_superscript(node)
    inner = node.sup
    while isinstance(inner, ast.Group):
        inner = inner.inner
    if found is not None and (found[0], found[1], found[3]) in iterated:
        return inner
    bracketed = node.sup_text.startswith("(") and isinstance(node.base, ast.Letter)
    start = bracketed and isinstance(inner, ast.Number) and inner.text.isdigit()
    if start and any(base == node.base.name and b for base, _, b in iterated):
        return inner  # x^{(0)}: the start
    return None
