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

    In the program: ``params = tunewise.sweeps.get_params()``, then ``params["optimizer"]["lr"]``.
    Here a sweep runs such a program, which prints its nested ``lr`` as its loss:

    >>> import tempfile, pathlib
    >>> from tunewise.sweeps import run_sweep
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "train.py").write_text(
    ...     "import tunewise.sweeps\\nparams = tunewise.sweeps.get_params()\\n"
    ...     "print('loss=%s' % params['optimizer']['lr'])\\n")
    >>> _ = (d / "sweep.yaml").write_text(
    ...     "program: train.py\\nmethod: grid\\nmetric: {name: loss}\\n"
    ...     "parameters:\\n  optimizer:\\n    parameters:\\n      lr: {values: [0.01, 0.1]}\\n")
    >>> study = run_sweep(d / "sweep.yaml", echo=None)  # doctest: +SLOW
    >>> sorted(t.value for t in study.trials)
    [0.01, 0.1]
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
