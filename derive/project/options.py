"""How the files of a run are read and checked: the options every file shares (light: no
SymPy, so that a run answered from the file cache never loads it)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from derive.checker.guard import GUARD_SECONDS
from derive.checker.limits import Limits
from derive.sources.limits import DEFAULT_LIMITS, LoadingLimits

SEED = 0  # the seed of the numeric points: derive check always uses this one


@dataclass(frozen=True)
class Options:
    """How files are read and checked.

    Attributes:
        format: read every file as "toml", "md" or "tex" (None: by extension).
        timeout: the time guard per step, in seconds.
        limits: the deterministic limits on the work per step.
        loading: the limits on loading a file.
    """

    format: str | None = None
    timeout: float = GUARD_SECONDS
    limits: Limits = field(default_factory=Limits)
    loading: LoadingLimits = DEFAULT_LIMITS

    def key(self) -> dict[str, object]:
        """What a verdict depends on besides the input (the time guard is not: see
        ``derive.checker.cache``), for cache keys."""
        return {
            "format": self.format,
            "limits": dataclasses.asdict(self.limits),
            "loading": dataclasses.asdict(self.loading),
            "seed": SEED,
        }
