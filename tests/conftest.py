"""Shared fixtures: seeded randomness and hypothesis settings sized for a 2-core machine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "derive",
    deadline=None,  # SymPy's first calls are slow (caches); timing belongs in benchmarks/
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("derive")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so failures reproduce."""
    return np.random.default_rng(20261125)
