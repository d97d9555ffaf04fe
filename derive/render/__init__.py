"""Checked derivations as text: rows and tables (``table``), JUnit XML (``junit``), LaTeX and
Markdown (``latex``). Pure functions: they return text, the shells print or write it.

In: reports and step results. Out: strings.
"""

from derive.render.latex import derivation_markdown, derivation_math
from derive.render.table import report_table
from derive.steps import register_display

register_display(text=report_table, latex=derivation_math, markdown=derivation_markdown)
