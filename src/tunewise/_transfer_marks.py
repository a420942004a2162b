"""How a warm-started trial is marked in its study: the system attributes that say where its
parameters came from, and the claim that runs a source configuration once.

Written by :class:`~tunewise.samplers.WarmStartSampler` and by ``tw.transfer``'s
``FromSimilarTasks`` (which enqueues the most similar tasks' configurations), and read by both,
so it sits at the package's top level: neither package imports the other's private modules
(``tests/test_layering.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["LOCAL_ATTR", "TRANSFER_ATTR", "config_claim_key"]

#: Trial system attribute marking where a trial's parameters came from:
#: {"kind": "config"|"prior", "task": source task, ...}.
TRANSFER_ATTR = "transfer"
_CLAIM_PREFIX = "transfer:config:"
#: Trial system attribute of a local-refinement trial:
#: {"best": signed incumbent value when proposed, "m": step multiplier, "incumbent": its number,
#: "model": True for a step to the fitted quadratic's minimum}.
LOCAL_ATTR = "transfer:local"


def config_claim_key(config: Mapping[str, Any]) -> str:
    """The study claim that lets a configuration run once across workers and reloads."""
    text = json.dumps(dict(config), sort_keys=True, default=str)
    return _CLAIM_PREFIX + hashlib.sha1(text.encode()).hexdigest()
