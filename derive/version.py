"""The package version and the distribution's name, in a module of their own: generated files
print the version, ``derive --version`` names the distribution, and the modules that print them
sit below the package's face (``derive/__init__.py``) in the layering.

The distribution (what ``pip install`` names) is ``derive-check``: the name ``derive`` on the
package index belongs to another project. The import name and the command stay ``derive``.
"""

__version__ = "0.1.0"
DISTRIBUTION = "derive-check"
