"""One vocabulary, the reference post's: ``z`` logits, ``a`` activations, ``t`` targets, ``W``,
``b``, ``E`` the loss, ``delta`` for dE/dz; indices ``n, i, j, k`` per layer, ``c, d`` for sums.

Every array is an ``IndexedBase`` with real entries, for concrete sizes (``z[2]``) and symbolic
ones (``z[k]`` with ``1 <= k <= K``) alike. Names carry the post's layer superscripts; the LaTeX
printer turns ``z^L[k]`` into ``z_{k}^{L}``.
"""

from __future__ import annotations

from sympy import IndexedBase, Symbol

# sizes: input N, layer L-2 has I units, layer L-1 has J, output layer L has K
N = Symbol("N", integer=True, positive=True)
I_ = Symbol("I", integer=True, positive=True)  # `I` is SymPy's imaginary unit
J = Symbol("J", integer=True, positive=True)
K = Symbol("K", integer=True, positive=True)

# indices: one per layer (n over inputs, i over L-2, j over L-1, k over L), c and d for sums
n, i, j, k, c, d = (Symbol(name, integer=True, positive=True) for name in "nijkcd")
# bound indices of the layer sums in eq. (0), primed so they never capture a free j or i
jp, ip, np_, cp = (Symbol(name + "'", integer=True, positive=True) for name in "jinc")

x = IndexedBase("x", real=True)
t = IndexedBase("t", nonnegative=True)  # targets: probabilities, sum t = 1 assumed per step

z = IndexedBase("z^L", real=True)
W = IndexedBase("W^L", real=True)
b = IndexedBase("b^L", real=True)
a_prev = IndexedBase("a^{L-1}", real=True)  # the output layer's input a_j^{L-1}

z1 = IndexedBase("z^{L-1}", real=True)
W1 = IndexedBase("W^{L-1}", real=True)
b1 = IndexedBase("b^{L-1}", real=True)
a2 = IndexedBase("a^{L-2}", real=True)

z2 = IndexedBase("z^{L-2}", real=True)
W2 = IndexedBase("W^{L-2}", real=True)
b2 = IndexedBase("b^{L-2}", real=True)

# display-only names (never substituted into a checked expression)
E = Symbol("E")
a = IndexedBase("a^L")  # the softmax output a_k^L, shown in place of its formula
a_indep = IndexedBase("a^L", positive=True)  # a_k^L as independent variables (the post's dE/da_k)
eta = Symbol("eta", positive=True)  # learning rate
delta = IndexedBase("delta^L", real=True)

# LaTeX for the base labels: (symbol, superscript)
LATEX_BASES: dict[str, tuple[str, str]] = {
    "z^L": ("z", "L"),
    "W^L": ("W", "L"),
    "b^L": ("b", "L"),
    "a^L": ("a", "L"),
    "a^{L-1}": ("a", "L-1"),
    "z^{L-1}": ("z", "L-1"),
    "W^{L-1}": ("W", "L-1"),
    "b^{L-1}": ("b", "L-1"),
    "a^{L-2}": ("a", "L-2"),
    "z^{L-2}": ("z", "L-2"),
    "W^{L-2}": ("W", "L-2"),
    "b^{L-2}": ("b", "L-2"),
    "delta^L": (r"\delta", "L"),
    "x": ("x", ""),
    "t": ("t", ""),
}
