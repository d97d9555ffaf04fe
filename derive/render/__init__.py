"""Checked derivations as text: rows and tables (``table``), JUnit XML (``junit``), JSON
records (``records``), GitHub annotations (``github``), notebook tables (``results``), LaTeX and
Markdown (``latex``). Pure functions: they return text, the shells print or write it.
The package's face registers ``table``, ``latex`` and ``results`` as the renderers behind
``str(report)`` and Jupyter's display (``derive.display``); the package itself imports nothing,
so that the light renderers (JSON, annotations, JUnit) load without SymPy.

In: reports and step results. Out: strings.
"""
