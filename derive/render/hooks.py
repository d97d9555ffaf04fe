"""Install the renderers behind ``str(report)`` and Jupyter's display of derivations and
reports (``derive.steps.register_display``): imported by the package's face."""

from derive.render.latex import derivation_markdown, derivation_math
from derive.render.results import report_html
from derive.render.table import report_table
from derive.steps import register_display

register_display(
    text=report_table, latex=derivation_math, markdown=derivation_markdown, html=report_html
)
