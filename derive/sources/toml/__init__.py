"""Derivation files (TOML): spans (where values are written), the restricted expression parser
(``parse`` with the whitelist and functions of ``grammar``), declared names
(``declarations``), loading (``file``), the file's own notation for typesetting (``display``)
and per-step results with file:line (``results``).

In: a file's text. Out: Derivation objects with the place of every step; StepResults.
"""
