"""The checker: one claimed equality ``lhs = rhs`` under assumptions in, one :class:`Verdict` out.

``equal.check_equal`` orchestrates: ``evidence`` and ``sampling`` (the numbers), ``prove`` and
``sums`` (the symbolic side), ``kinks`` and ``conventions`` (ReLU, Heaviside), ``budget`` (time).
"""

from derive.checker.equal import check_equal
from derive.checker.verdict import Verdict

__all__ = ["Verdict", "check_equal"]
