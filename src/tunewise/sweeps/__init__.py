"""Sweeps: tune any program from a YAML file (W&B sweep files run unchanged), on one machine or many.

A sweep file names a program, a metric and parameter distributions::

    program: train.py
    method: tpe                  # grid | random | bayes | tpe | gp | auto
    metric: {name: val_loss, goal: minimize}
    parameters:
      lr: {distribution: log_uniform_values, min: 1.0e-4, max: 1.0e-1}
      depth: {values: [2, 4, 8]}
    early_terminate: {type: hyperband, min_iter: 2, eta: 3}
    run_cap: 50

``tunewise sweep run sweep.yaml --workers 4`` runs ``python train.py --lr=... --depth=...`` for
each trial; the program prints ``tunewise: {"val_loss": 0.31, "step": 3}`` or ``val_loss=0.31``
lines (or calls ``tunewise.report(value, step)``; ``tunewise.sweeps.get_params()`` returns the
run's parameters as a nested dict, like ``wandb.config``). ``tunewise sweep agent NAME --storage URL``
joins the sweep from another machine; ``tunewise sweep status NAME`` shows its progress.
Running the file again resumes the sweep: ``run_cap``, ``timeout``, ``workers`` or ``method`` may
change, but a changed metric, goal or parameter distribution is refused before any run starts
(:class:`SweepChangedError`); give the changed sweep a new ``name``.

>>> from tunewise.sweeps import SweepConfig
>>> cfg = SweepConfig.from_dict({"program": "train.py", "method": "grid", "metric": {"name": "acc",
...     "goal": "maximize"}, "parameters": {"depth": {"values": [2, 4]}}}, check_program=False)
>>> cfg.make_sampler().n_points
2
"""

from tunewise.sweeps._agent import format_status, load_sweep, run_agent, sweep_status
from tunewise.sweeps._config import ParamSpec, SweepConfig, SweepConfigError, SweepConfigWarning, load_sweep_config
from tunewise.sweeps._params import get_params
from tunewise.sweeps._protocol import MetricLine, build_command, parse_metric_line
from tunewise.sweeps._resume import SweepChangedError
from tunewise.sweeps._runner import SweepRunner, SweepRunnerError, run_sweep

__all__ = [
    "MetricLine",
    "ParamSpec",
    "SweepConfig",
    "SweepChangedError",
    "SweepConfigError",
    "SweepConfigWarning",
    "SweepRunner",
    "SweepRunnerError",
    "build_command",
    "format_status",
    "get_params",
    "load_sweep",
    "load_sweep_config",
    "parse_metric_line",
    "run_agent",
    "run_sweep",
    "sweep_status",
]
