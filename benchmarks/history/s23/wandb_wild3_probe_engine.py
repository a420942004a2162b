"""s23 probe: five draws of W&B's own sweep engine (wandb/sweeps' next_run, from its mirror; jsonref in
/tmp/wandb_sweeps/pylib) for the parameter kinds of wandb_wild3_probe_types.py, with each value's type.

    .venv/bin/python benchmarks/history/s23/wandb_wild3_probe_engine.py
"""

import copy
import sys

sys.path[:0] = ["/tmp/wandb_sweeps/pylib", "/tmp/wandb_sweeps/sweepspkg/src"]
import numpy as np  # noqa: E402

import sweeps  # noqa: E402

cfg = {
    "method": "random",
    "metric": {"name": "loss", "goal": "minimize"},
    "parameters": {
        "bs": {"distribution": "q_log_uniform_values", "min": 16, "max": 256, "q": 8},
        "bs1": {"distribution": "q_log_uniform_values", "min": 16, "max": 256},
        "lr": {"distribution": "inv_log_uniform_values", "min": 0.0001, "max": 0.1},
        "qu": {"distribution": "q_uniform", "min": 0, "max": 10, "q": 2},
        "iu": {"distribution": "int_uniform", "min": 1, "max": 5},
        "qn": {"distribution": "q_normal", "mu": 10, "sigma": 3, "q": 1},
        "ln": {"distribution": "log_normal", "mu": 0, "sigma": 1},
        "cat": {"values": [1, 2.5, "a", None, True]},
        "pr": {"values": ["x", "y"], "probabilities": [0.9, 0.1]},
        "opt": {"parameters": {"name": {"values": ["adam", "sgd"]}, "lr": {"min": 0.001, "max": 0.1}}},
    },
}
np.random.seed(0)
out = []
for _ in range(5):
    run = sweeps.next_run(copy.deepcopy(cfg), [])
    out.append({k: (v["value"], type(v["value"]).__name__) for k, v in dict(run.config).items()})
for o in out:
    print(o)
