"""The library's derivations, by name: each builder takes the sizes and returns derivations."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

from sympy import Symbol

from derive.derivations import matrix, network, output, regularization
from derive.model.sizes import Size
from derive.model.symbols import I_ as I_SYMBOL
from derive.model.symbols import J as J_SYMBOL
from derive.model.symbols import K as K_SYMBOL
from derive.model.symbols import N as N_SYMBOL
from derive.steps import Derivation


def reference(K: Size, J: Size) -> list[Derivation]:
    """The post, line by line, in its order, with its single-path update rule."""
    chains = output_layer(K, J)
    return [chains[0], output.update_single_path(K, J), *chains[1:]]


def output_layer(K: Size, J: Size) -> list[Derivation]:
    """The output layer's results: the post's chains without its slip (which is not built:
    its sympy.diff costs as much as two of the others)."""
    return [
        output.loss_forms(K),
        output.update_all_paths(K, J),
        output.grad_W(K, J),
        output.grad_z(K),
        output.grad_logit_W(K, J),
        output.grad_b(K, J),
    ]


def symbolic(K: Size, J: Size) -> list[Derivation]:
    """The output layer for every K and J at once (symbolic sizes; the arguments are ignored)."""
    return output_layer(K_SYMBOL, J_SYMBOL)


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


def inputs(K: Size, J: Size) -> list[Derivation]:
    """The output layer's gradient w.r.t. its input a^{L-1}, for every K and J (symbolic
    sizes; the arguments are ignored)."""
    return [output.grad_a_prev(K_SYMBOL, J_SYMBOL)]


def network_inputs(K: Size, J: Size, N: Size = 2, I_: Size = 2) -> list[Derivation]:
    """The network's gradients w.r.t. the hidden layers' inputs and x (input N, hidden I, J)."""
    return network.network_inputs(N, I_, J, K)


def l2_regularization(K: Size, J: Size) -> list[Derivation]:
    """The gradient of the L2 term kappa sum W^2 of a weight matrix, for every K and J
    (symbolic sizes; the arguments are ignored)."""
    return [regularization.grad_l2(K_SYMBOL, J_SYMBOL)]


def matrix_forms(K: Size, J: Size) -> list[Derivation]:
    """The matrix-form derivations, for every size (the arguments are ignored): the output
    layer batched, linear and logistic regression, one hidden ReLU layer."""
    return matrix.matrix_forms()


Builder = Callable[..., list[Derivation]]
DERIVATIONS: dict[str, Builder] = {
    "output": output_layer,
    "symbolic": symbolic,
    "reference": reference,
    "network": network_layers,
    "network-symbolic": network_symbolic,
    "inputs": inputs,
    "network-inputs": network_inputs,
    "regularization": l2_regularization,
    "matrix": matrix_forms,
}
DEFAULT = ("output", "symbolic")
# Sizes used when none are given. The network's are small: its composite loss grows fast, and
# its layer L-2 is proved at these sizes directly (not as an instance of a symbolic proof).
DEFAULT_SIZES: dict[str, dict[str, int]] = {
    "output": {"K": 3, "J": 4},
    "symbolic": {"K": 3, "J": 4},
    "reference": {"K": 3, "J": 4},
    "network": {"N": 2, "I": 2, "J": 2, "K": 2},
    "network-symbolic": {"K": 3, "J": 4},
    "inputs": {"K": 3, "J": 4},
    "network-inputs": {"N": 2, "I": 2, "J": 2, "K": 2},
    "regularization": {"K": 3, "J": 4},
    "matrix": {"K": 3, "J": 4},
}
NETWORK_SETS = ("network", "network-inputs")  # sets whose builders take N and I too


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
    if name in NETWORK_SETS:
        built = DERIVATIONS[name](sizes["K"], sizes["J"], sizes["N"], sizes["I"])
    else:
        built = DERIVATIONS[name](sizes["K"], sizes["J"])
    if name not in GENERAL:
        return tuple(built)
    values = {K_SYMBOL: sizes["K"], J_SYMBOL: sizes["J"]}
    if name == "network":
        values |= {N_SYMBOL: sizes["N"], I_SYMBOL: sizes["I"]}
    return tuple(with_general(built, list(build(GENERAL[name])), values))


# a set built for concrete sizes -> the set of its twins for symbolic sizes (same builders), whose
# proofs its derivations instantiate; a derivation without a twin there is proved directly
# (layer L-2 of the network: its symbolic chain is not proved, see network_symbolic)
GENERAL: dict[str, str] = {
    "output": "symbolic",
    "reference": "symbolic",
    "network": "network-symbolic",
}


def with_general(
    built: list[Derivation], general: list[Derivation], sizes: dict[Symbol, int]
) -> list[Derivation]:
    """Each derivation of ``built`` linked to its twin in ``general`` (same builder, symbolic
    sizes), so that its steps are proved as instances of the twin's proofs. A derivation that is
    not its twin with ``sizes`` substituted (a builder that branches on a size) stays unlinked,
    as does a set whose sizes are symbolic already."""
    twins = {d.name: d for d in general}
    linked = []
    for derivation in built:
        twin = twins.get(derivation.name)
        if twin is None or twin == derivation:
            linked.append(derivation)
            continue
        try:
            linked.append(dataclasses.replace(derivation, general=twin, sizes=sizes))
        except ValueError:  # not the twin at these sizes
            linked.append(derivation)
    return linked
