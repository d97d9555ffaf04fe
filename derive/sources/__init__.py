"""Where derivations come from: derivation files (``toml/``, read with a restricted parser,
never eval) and posts and papers as written (``posts/``, Markdown and TeX). Shared by both:
reading files safely (``reading``), loading limits (``limits``), one-line report text
(``oneline``).

In: text and its file name. Out: Derivation objects and per-step results with their places.
"""
