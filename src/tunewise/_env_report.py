"""Reporting from a program launched by ``tunewise sweep``: the runner sets environment
variables naming the trial; ``tunewise.report`` then prints a metric line the runner reads."""

from __future__ import annotations

import json
import os
import sys

ENV_TRIAL = "TUNEWISE_TRIAL_NUMBER"
ENV_METRIC = "TUNEWISE_METRIC"


def report_from_env(value: float, step: int | None) -> bool:
    """Print a ``tunewise: {...}`` line if this process runs under a sweep; True if it did."""
    if ENV_TRIAL not in os.environ:
        return False
    metric = os.environ.get(ENV_METRIC, "value")
    payload: dict[str, object] = {metric: float(value)}
    if step is not None:
        payload["step"] = int(step)
    sys.stdout.write("tunewise: " + json.dumps(payload) + "\n")
    sys.stdout.flush()
    return True
