"""The library's derivations, by name: each builder takes the sizes and returns derivations."""

from __future__ import annotations

import functools
from collections.abc import Callable

from derive.derivations import output
from derive.sizes import Size
from derive.steps import Derivation
from derive.symbols import J as J_SYMBOL
from derive.symbols import K as K_SYMBOL


def reference(K: Size, J: Size) -> list[Derivation]:
    """The post, line by line, in its order, with its single-path update rule."""
    return [
        output.loss_forms(K),
        output.update_single_path(K, J),
        output.update_all_paths(K, J),
        output.grad_W(K, J),
        output.grad_z(K),
        output.grad_logit_W(K, J),
        output.grad_b(K, J),
    ]


def output_layer(K: Size, J: Size) -> list[Derivation]:
    """The output layer's results: the post's chains without its slip."""
    return [d for d in reference(K, J) if d.name != "Delta W_kj (post)"]


def symbolic(K: Size, J: Size) -> list[Derivation]:
    """The output layer for every K and J at once (symbolic sizes; the arguments are ignored).

    The update rule summed over all paths is left out: with a symbolic K it needs the softmax
    Jacobian summed over c, which the checker does not prove within its budget.
    """
    return [d for d in output_layer(K_SYMBOL, J_SYMBOL) if d.name != "Delta W_kj"]


Builder = Callable[[Size, Size], list[Derivation]]


@functools.lru_cache(maxsize=16)
def build(name: str, K: Size, J: Size) -> tuple[Derivation, ...]:
    """The derivations of set ``name`` for sizes K, J (cached: building takes sympy.diff)."""
    return tuple(DERIVATIONS[name](K, J))


DERIVATIONS: dict[str, Builder] = {
    "output": output_layer,
    "symbolic": symbolic,
    "reference": reference,
}
DEFAULT = ("output", "symbolic")
