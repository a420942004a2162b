"""The ``wandb`` stand-in that programs run by ``tunewise sweep`` import instead of W&B's package.

The sweep runner puts :data:`PATH` first on the program's ``PYTHONPATH``, so ``import wandb``
in an unchanged W&B training script finds ``PATH/wandb`` (even when the real ``wandb`` is
installed): ``wandb.config`` holds the run's parameters, ``wandb.log`` prints metric lines the
runner reads (driving early termination), ``run.summary`` gives the run's result. No account,
no network. The stand-in uses only the standard library, so it also works in a program run by
another interpreter. Turn it off with ``wandb_stand_in: false`` in the sweep file.
"""

from __future__ import annotations

import os

__all__ = ["PATH"]

PATH = os.path.dirname(os.path.abspath(__file__))
