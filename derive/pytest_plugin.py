"""pytest plugin: derivation files become test items (see docs/ci.md)."""
