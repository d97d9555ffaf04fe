"""derive: a symbolic derivation verifier for softmax cross-entropy backprop."""

from derive.check import check_equal
from derive.parse import parse_expr
from derive.verdict import Verdict

__version__ = "0.1.0"
__all__ = ["Verdict", "__version__", "check_equal", "parse_expr"]
