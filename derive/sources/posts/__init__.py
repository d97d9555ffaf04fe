"""Posts and papers as people write them (Markdown, TeX): where the math is (``blocks``), the
LaTeX math reader (``latex/``), what the math means (``names``, ``ranges``, ``build``,
``functions``, ``definitions``), chains of claims (``chains``), declarations and defaults,
loading (``file``) and checking with hidden side conditions (``check``, ``side_conditions``).

In: a post's text. Out: PostResults, one per ``=``, at the file's LINE:COL.
"""
