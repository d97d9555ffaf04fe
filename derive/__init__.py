"""derive: a symbolic derivation verifier for softmax cross-entropy backprop.

The package's face: the names users import. Importing it also installs the renderers behind
``str(report)`` and Jupyter's display of derivations (``derive.render``, see ``derive.steps``).
"""

import derive.render  # noqa: F401 - registers the display hooks of Derivation and Report
from derive.checker import Verdict, check_equal
from derive.checker.matrix import Gradient, Softmax
from derive.sources.toml.parse import parse_expr
from derive.steps import Derivation, Report, Step
from derive.version import __version__

__all__ = [
    "Derivation",
    "Gradient",
    "Report",
    "Softmax",
    "Step",
    "Verdict",
    "__version__",
    "check_equal",
    "parse_expr",
]
