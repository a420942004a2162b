"""The run config's key order: tunewise's SweepConfig.nest against wandb/sweeps' HyperParameterSet.to_config (the
W&B engine's, which W&B's agent keeps for ${args}, ${args_json} and the parameter file). Constant values, so both
see the same values; prints SAME / DIFFERS per parameter set.

    PYTHONPATH=src:/tmp/wandb_sweeps/sweepspkg/src:/tmp/wandb_sweeps/pylib:/tmp/s23/wbextra \\
        .venv/bin/python benchmarks/history/s29/wandb_wild9_order_check.py
"""

from __future__ import annotations

import json
import warnings

from sweeps.params import HyperParameterSet

from tunewise.sweeps import SweepConfig

warnings.filterwarnings("ignore")

SETS = {
    "probe_argv": {"lr": 1e-5, "scale": 1.0, "use_bn": True, "shuffle": False, "tag": None, "widths": [8, 16],
                   "name": "a b", "model": {"depth": 2}},
    "test_sweeps_every_distribution": {"const": 7, "cat": "a", "cat2": 1, "iu": 2, "u": 0.5, "qu": 0.5, "luv": 0.01,
                                       "qluv": 16, "lu": 0.5, "n": 0.1, "qn": 10, "ln": 1.5,
                                       "opt": {"lr": 0.15, "inner": {"k": 5}}},
    "dotted_own_name": {"optimizer.config.learning_rate": 0.01, "optimizer": "sgd"},
    "groups_and_prefixes": {"b": 1, "a-b": {"x": 1}, "a": {"z": 1, "y_q": {"k": 2}, "y": 3}, "a_b": {"c": 4}, "B": 0,
                            "zz": {"a": 1}, "aa": 5},
}


def params_of(values: dict, top: bool = True) -> dict:
    return {k: ({"parameters": params_of(v, False)} if isinstance(v, dict) else {"value": v})
            for k, v in values.items()}


def flat(values: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in values.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def unvalue(d):
    return {k: (unvalue(v) if isinstance(v, dict) and "value" not in v else v["value"] if isinstance(v, dict) else v)
            for k, v in d.items()}


for name, values in SETS.items():
    params = params_of(values)
    wandb = HyperParameterSet.from_config(params).to_config()
    wandb = {k: v["value"] for k, v in wandb.items()}
    cfg = SweepConfig.from_dict({"program": "t.py", "method": "grid", "metric": {"name": "x"}, "parameters": params},
                                check_program=False)
    ours = cfg.nest(flat(values) if name != "dotted_own_name" else values)
    same = json.dumps(wandb) == json.dumps(ours)
    print(f"{name}: {'SAME' if same else 'DIFFERS'}\n  W&B      {json.dumps(wandb)}\n  tunewise {json.dumps(ours)}")
