"""Where derivations come from: derivation files (TOML) read with a restricted parser, never eval.

In: text and its file name. Out: :class:`~derive.steps.Derivation` objects with the place of
every step, and the per-step results of checking them (``results``), in the user's names.
"""
