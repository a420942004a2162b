"""One BLAS thread for the many small matrix operations of a Gaussian-process fit.

Used by the GP samplers (``samplers/_gp.py``, ``samplers/_bohb_gp.py``) and the terminator's GP
evaluators (``terminator/_terminator.py``); it lives here, beside both, so neither imports the
other's private module.
"""

from __future__ import annotations

import contextlib
from typing import Any

_CONTROLLER: Any = None  # threadpoolctl's ThreadpoolController, made once; False without threadpoolctl


def single_threaded_blas() -> Any:
    """A context manager that runs the BLAS calls inside it on one thread, and gives the previous
    thread counts back on exit.

    Multi-threaded OpenBLAS on n x n matrices with n in the hundreds costs more in thread
    hand-off than it saves, and on a busy machine it oversubscribes the cores (the same fix
    optuna applies). Uses threadpoolctl when it is installed (it comes with scikit-learn);
    otherwise does nothing.

    >>> import numpy as np
    >>> with single_threaded_blas():
    ...     float(np.ones((3, 3)) @ np.ones(3) @ np.ones(3))
    9.0
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        try:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER = ThreadpoolController()
        except Exception:  # noqa: BLE001 - optional speed-up only
            _CONTROLLER = False
    if _CONTROLLER is False:
        return contextlib.nullcontext()
    return _CONTROLLER.limit(limits=1, user_api="blas")
