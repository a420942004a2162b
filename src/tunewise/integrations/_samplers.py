"""The seeded sampler integrations use when the user does not choose one."""

from __future__ import annotations

import inspect
from typing import Any


def default_sampler(seed: int | None) -> Any:
    """The best installed model-based sampler (Auto, then TPE), else random; seeded when possible."""
    from tunewise import samplers

    for name in ("AutoSampler", "TPESampler"):
        cls = getattr(samplers, name, None)
        if cls is not None:
            try:
                takes_seed = "seed" in inspect.signature(cls).parameters
            except (TypeError, ValueError):
                takes_seed = False
            return cls(seed=seed) if takes_seed else cls()
    return samplers.RandomSampler(seed=seed)
