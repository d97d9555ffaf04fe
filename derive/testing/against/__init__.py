"""Hand-written code against a result of the user's own proved derivation:
``derive check-code MODULE:FUNCTION --against FILE[:DERIVATION] --result NAME``.

Today's check-code knows two models (the softmax output layer and the ReLU network) by their
arrays' names. Here the derivation is the user's: a derivation file, a Markdown post or a TeX
paper, read and checked as ``derive emit`` reads it, and the result is what ``derive emit``
would print for it (its arguments, their shapes, its batch). The suite, the reference at 40
digits, the diagnosis and the report carry over where they apply (:mod:`.check`).
"""

from derive.testing.against.check import check_against

__all__ = ["check_against"]
