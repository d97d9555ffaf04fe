"""The library's derivations, by name: each builder takes the sizes and returns derivations."""

from __future__ import annotations

import functools
from collections.abc import Callable

from derive.derivations import network, output
from derive.model.sizes import Size
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.steps import Derivation


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


def network_layers(K: Size, J: Size, N: Size = 2, I_: Size = 2) -> list[Derivation]:
    """The backprop recursion through both hidden ReLU layers (input N, hidden I and J, K)."""
    return network.network(N, I_, J, K)


def network_symbolic(K: Size, J: Size) -> list[Derivation]:
    """Layer L-1's recursion for every N, I, J, K at once (the arguments are ignored).

    Layer L-2 is left out: with symbolic sizes its chain nests a sum of Max inside the
    exponentials of another sum, and neither SymPy's doit nor the numeric cross-check finishes
    within a minute (see docs/network.md).
    """
    net = network.symbolic_network()
    return [net.relu_convention(), net.delta_j(), *net.grad_layer1()]


Builder = Callable[..., list[Derivation]]
DERIVATIONS: dict[str, Builder] = {
    "output": output_layer,
    "symbolic": symbolic,
    "reference": reference,
    "network": network_layers,
    "network-symbolic": network_symbolic,
}
DEFAULT = ("output", "symbolic")
# Sizes used when none are given. The network's are small: its composite loss grows fast, and
# every step must be decided within the default per-step time budget.
DEFAULT_SIZES: dict[str, dict[str, int]] = {
    "output": {"K": 3, "J": 4},
    "symbolic": {"K": 3, "J": 4},
    "reference": {"K": 3, "J": 4},
    "network": {"N": 2, "I": 2, "J": 2, "K": 2},
    "network-symbolic": {"K": 3, "J": 4},
}


# Seconds per step when none are given: the network's composite expressions take longer.
DEFAULT_TIMEOUTS: dict[str, float] = {"network": 20.0, "network-symbolic": 30.0}


def sizes_for(name: str, **given: int | None) -> dict[str, int]:
    """The sizes set ``name`` uses: its defaults, overridden by those given (not None)."""
    sizes = dict(DEFAULT_SIZES[name])
    sizes.update({key: value for key, value in given.items() if value is not None})
    return sizes


@functools.lru_cache(maxsize=16)
def build(
    name: str,
    K: Size | None = None,
    J: Size | None = None,
    N: Size | None = None,
    I_: Size | None = None,
) -> tuple[Derivation, ...]:
    """The derivations of set ``name`` (cached: building takes sympy.diff); sizes default per
    set (DEFAULT_SIZES)."""
    sizes = sizes_for(name, K=K, J=J, N=N, I=I_)
    if name == "network":
        return tuple(network_layers(sizes["K"], sizes["J"], sizes["N"], sizes["I"]))
    return tuple(DERIVATIONS[name](sizes["K"], sizes["J"]))
