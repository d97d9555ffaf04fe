"""The checker: one claimed equality ``lhs = rhs`` under assumptions in, one :class:`Verdict` out.

``equal.check_equal`` orchestrates: ``methods`` (the proof methods, a table), ``prove``, ``facts``,
``sums`` and ``doit`` (the symbolic side), ``evidence``, ``sampling``, ``instances``, ``compiled``
and ``balls`` (the numbers), ``kinks`` and ``conventions`` (ReLU, Heaviside), ``limits``
(deterministic bounds on the work) and ``guard`` (the hang guard).
"""

from derive.checker.equal import check_equal
from derive.checker.verdict import Verdict

__all__ = ["Verdict", "check_equal"]
