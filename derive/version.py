"""The package version, in a module of its own: generated files print it, and the modules that
print them sit below the package's face (``derive/__init__.py``) in the layering."""

__version__ = "0.1.0"
