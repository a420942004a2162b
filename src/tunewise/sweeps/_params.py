"""Inside a program run by a sweep: read this run's parameters without parsing the command line."""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["get_params"]

ENV_PARAMS_FILE = "TUNEWISE_PARAMS_FILE"


def get_params() -> dict[str, Any]:
    """This run's parameters as a (nested) dict, like ``wandb.config`` in a W&B sweep.

    Works in any program started by ``tunewise sweep`` (the runner writes the parameters to a
    JSON file and names it in ``TUNEWISE_PARAMS_FILE``); nested sweep parameters come back nested.

    >>> import tunewise.sweeps
    >>> params = tunewise.sweeps.get_params()  # doctest: +SKIP
    >>> params["optimizer"]["lr"]  # doctest: +SKIP
    0.0123
    """
    path = os.environ.get(ENV_PARAMS_FILE)
    if not path:
        raise RuntimeError(
            "tunewise.sweeps.get_params() is only available in a program run by `tunewise sweep` "
            f"({ENV_PARAMS_FILE} is not set); run it with `tunewise sweep run sweep.yaml`"
        )
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise RuntimeError(f"{ENV_PARAMS_FILE}={path!r} does not hold a JSON object of parameters")
    return data
