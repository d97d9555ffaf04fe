"""``--update NAME``: gradients read off the step the code takes itself.

Much from-scratch code returns no gradients: its ``backward(X, y, learning_rate)`` ends with
``self.W1 -= learning_rate * dW1``. Such a step is a gradient in disguise: with the parameters
set by ``--set`` (``--set W1=W1``) and NAME the step size, the gradient of W1 is

    (W1 before the call - self.W1 after it) / NAME

NAME is a parameter of the checked function or a name of ``--init`` (``Net(4, 5, 3, lr=lr)``),
and the check gives it 1024: a power of two, so the division is exact, and large, so the step
outweighs the rounding of the weights it is added to (the error of the read-off gradient is
about eps |W| / 1024). Only a plain step reads off as the gradient (not momentum or Adam).

The parent plans a part ``["update", TARGET, ARRAY, NAME]`` for each parameter quantity
whose array ``--set`` puts at TARGET; the child evaluates it after the call
(:func:`derive.testing.scope.evaluate`), from a copy of the arrays taken before the call, as
code that steps in place (``-=``) changes the very array it was given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from derive.testing.plan import Calls
from derive.testing.spec import BIAS, WEIGHTS, Quantity

STEP = 1024.0  # the step size the check gives NAME


def step_parts(calls: Calls, quantities: Sequence[Quantity], name: str | None) -> dict[str, list]:
    """quantity -> the part that reads its gradient off the step, for each parameter
    quantity whose array ``--set`` gives the object (or the module)."""
    if name is None:
        return {}
    placed = {value[1]: target for target, value in calls.sets if value[0] == "name"}
    return {
        q.name: ["update", placed[q.of], q.of, name]
        for q in quantities
        if q.kind in (WEIGHTS, BIAS) and q.of in placed
    }


def with_steps(
    results: Mapping[str, list | None], parts: Mapping[str, list]
) -> dict[str, list | None]:
    """``results`` with the step parts where no ``--result`` names the quantity."""
    return {q: tree if tree is not None else parts.get(q) for q, tree in results.items()}
