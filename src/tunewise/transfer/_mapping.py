"""Carry a configuration from a source task's search space into a new one, by parameter name.

The mapping itself is shared with the warm-start sampler, which applies it at every proposal
(``tunewise/_space_mapping.py``); this module adds what only the knowledge base needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tunewise._space_mapping import map_config, map_value

__all__ = ["map_config", "map_value", "spaces_overlap"]


def spaces_overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Jaccard overlap of two spaces' parameter names (0 = nothing shared, 1 = same names)."""
    na, nb = set(a), set(b)
    if not na and not nb:
        return 0.0
    return len(na & nb) / len(na | nb)
