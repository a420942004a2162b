"""Session 28: the sweep-file keys the brief lists that no runnable setup of this batch used, W&B against tunewise.

Session 25's configuration checker (``../s25/wandb_wild4_configs.py``) is reused unchanged, as session 27's probe
did: W&B's validator (wandb/sweeps' ``schema_violations_from_proposed_config`` then ``next_run``) against
tunewise's ``SweepConfig`` (YAML written from the dict, or the dict itself for ``wandb.sweep``), 1000 draws of W&B's
engine against 1000 of tunewise's sampler per parameter (types, ranges, values, frequencies), grid points, the agent's
command line for one W&B draw, hyperband bands. The configurations are written here; where one follows a file seen
while collecting this batch, the comment names the repository (read, not copied).

    PYTHONPATH=src:/tmp/s23/wbextra .venv/bin/python benchmarks/history/s28/wandb_wild8_probe.py \
        > benchmarks/history/s28/wandb_wild8_raw/probe.jsonl
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild4_configs", HERE.parent / "s25" / "wandb_wild4_configs.py")
assert _spec is not None and _spec.loader is not None
C25 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild4_configs"] = C25
_spec.loader.exec_module(C25)

M = {"name": "loss", "goal": "minimize"}
MAX = {"name": "val/accuracy", "goal": "maximize"}


def rnd(params: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"program": "train.py", "method": "random", "metric": M, "parameters": params, **top}


def mean_sd_of_uniform(lo: float, hi: float) -> dict[str, float]:
    return {"mu": (lo + hi) / 2, "sigma": (hi - lo) / (2 * math.sqrt(3))}


NESTED = {
    "optimizer": {
        "parameters": {
            "name": {"values": ["adam", "sgd"]},
            "lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
            "betas": {"parameters": {"b1": {"distribution": "q_uniform", "min": 0.8, "max": 0.99, "q": 0.01}}},
        }
    },
    "epochs": {"distribution": "constant", "value": 3},
}

PROBES: dict[str, tuple[dict[str, Any], str, str]] = {
    "nested_3_levels_random": (
        rnd(NESTED),
        "yaml",
        "parameters: {optimizer: {parameters: {..., betas: {parameters}}}}",
    ),
    "nested_3_levels_bayes_dict": (
        {**rnd(NESTED), "method": "bayes", "metric": MAX},
        "dict",
        "the same, bayes, maximize, a dict for wandb.sweep",
    ),
    "nested_grid": (
        {
            "program": "train.py",
            "method": "grid",
            "metric": M,
            "parameters": {
                "batch_size": {"values": [16, 32]},
                "optimizer": {"parameters": {"lr": {"values": [0.1, 0.01]}, "momentum": {"value": 0.9}}},
            },
        },
        "yaml",
        "grid over a nested values list and a nested constant (W&B's sweeps-examples train-nested idea)",
    ),
    "nested_log_normal_per_layer": (
        # the shape of a file seen while collecting (a tensor-programs reproduction): per-layer log_normal
        # nested two deep, mu/sigma of a log range, f-string keys with dots
        {
            "program": "launch_run.py",
            "method": "bayes",
            "metric": M,
            "parameters": {
                "init": {
                    "parameters": {
                        "scales": {
                            "parameters": {
                                f"{layer}.{p}": {
                                    "distribution": "log_normal",
                                    **mean_sd_of_uniform(math.log(1e-3), math.log(1e2)),
                                }
                                for layer in ("input_layer", "output_layer")
                                for p in ("weight", "bias")
                            }
                        }
                    }
                }
            },
        },
        "dict",
        "log_normal nested two deep, dotted leaf keys",
    ),
    "constant_kinds": (
        rnd(
            {
                "e": {"distribution": "constant", "value": 2.71828},
                "layers": {"distribution": "constant", "value": [64, 64]},
                "name": {"distribution": "constant", "value": "run"},
                "flag": {"value": False},
            }
        ),
        "yaml",
        "distribution: constant with a float, a list, a str; value: False",
    ),
    "normal_family": (
        rnd(
            {
                "a": {"distribution": "normal", "mu": 100, "sigma": 10},
                "b": {"distribution": "q_normal", "mu": 0, "sigma": 2, "q": 0.5},
                "c": {"distribution": "log_normal", "mu": 0, "sigma": 1},
                "d": {"distribution": "q_log_normal", "mu": 2, "sigma": 0.5, "q": 1},
            }
        ),
        "yaml",
        "normal with int mu/sigma, q_normal, log_normal, q_log_normal",
    ),
    "normal_defaults": (
        rnd({"a": {"distribution": "normal"}, "b": {"distribution": "log_normal"}, "c": {"distribution": "q_normal"}}),
        "yaml",
        "normal family without mu / sigma / q (W&B's defaults 0, 1, 1)",
    ),
    "q_uniform_int_bounds": (
        rnd(
            {
                "d_main": {"distribution": "q_uniform", "min": 16, "max": 384},
                "n_est": {"distribution": "q_uniform", "min": 100, "max": 6000, "q": 200},
                "mcw": {"distribution": "q_log_uniform_values", "min": 1, "max": 100, "q": 1},
            }
        ),
        "dict",
        "q_uniform with int bounds and no q, with q 200; q_log_uniform_values q 1 (a tabular benchmark's xgb space)",
    ),
    "q_log_uniform_natural_log_bounds": (
        rnd(
            {
                "batch_size": {"distribution": "q_log_uniform", "q": 1, "min": math.log(32), "max": math.log(256)},
                "learning_rate": {"distribution": "uniform", "min": 0, "max": 0.1},
            }
        ),
        "dict",
        "q_log_uniform with math.log bounds (W&B's old PyTorch sweeps colab, copied in many repositories)",
    ),
    "hyperband_min_iter_eta2_maximize": (
        {**rnd({"lr": {"min": 0.001, "max": 0.1}}), "metric": MAX,
         "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 2}},
        "yaml",
        "hyperband min_iter 2 eta 2, goal maximize",
    ),
    "hyperband_min_iter_s_eta_maximize": (
        {**rnd({"lr": {"min": 0.001, "max": 0.1}}), "metric": MAX,
         "early_terminate": {"type": "hyperband", "min_iter": 3, "s": 2, "eta": 3}},
        "yaml",
        "hyperband min_iter 3 with s 2 and eta 3 (s is read with max_iter only)",
    ),
    "hyperband_max_iter_2000_eta3": (
        {**rnd({"lr": {"values": [0.05, 0.01]}}), "method": "bayes",
         "early_terminate": {"type": "hyperband", "max_iter": 2000, "eta": 3}},
        "yaml",
        "bayes + hyperband max_iter 2000, eta 3, no s (a sweep.yaml seen while collecting)",
    ),
    "hyperband_strict_target": (
        {**rnd({"lr": {"min": 0.001, "max": 0.1}}), "metric": {**MAX, "target": 0.99},
         "early_terminate": {"type": "hyperband", "min_iter": 1, "eta": 3, "strict": True}},
        "yaml",
        "hyperband strict: true; metric target",
    ),
    "cmd_no_env": (
        {**rnd({"lr": {"values": [0.1]}, "bs": {"values": [8]}}),
         "command": ["${interpreter}", "${program}", "${args}"]},
        "yaml",
        "command without ${env}",
    ),
    "cmd_python_config_first": (
        {**rnd({"lr_init": {"distribution": "log_uniform_values", "min": 6e-5, "max": 5e-3}}),
         "command": ["${env}", "${interpreter}", "${program}", "-config", "config-base.yaml", "${args}"]},
        "yaml",
        "fixed arguments before ${args} (a sbatch sweep-config.yaml seen while collecting)",
    ),
    "cmd_python3_module_no_hyphens": (
        {**rnd({"model.lr": {"values": [0.1]}, "seed": {"value": 1}}),
         "command": ["${env}", "python3", "-m", "pkg.train", "${args_no_hyphens}"]},
        "yaml",
        "python3 -m with ${args_no_hyphens} and a dotted key",
    ),
    "cmd_program_only": (
        {**rnd({"x": {"values": [1]}}), "command": ["${program}", "${args}"]},
        "yaml",
        "no interpreter: the program itself first",
    ),
    "cmd_nested_args": (
        {**rnd(NESTED), "command": ["${env}", "${interpreter}", "${program}", "${args}"]},
        "yaml",
        "${args} of a nested sweep (how a nested parameter is written on the command line)",
    ),
}

SOURCES = [
    (name, "probe", "-", f"{name}.yaml" if kind == "yaml" else f"{name}.py", "" if kind == "yaml" else "cfg")
    for name, (cfg, kind, _) in PROBES.items()
]


def load(repo: str, rev: str, path: str, var: str) -> tuple[dict[str, Any], str, str]:
    name = path.rsplit(".", 1)[0]
    cfg = PROBES[name][0]
    return cfg, yaml.safe_dump(cfg, sort_keys=False), "probe"


_bands = C25.wandb_bands


def wandb_bands(et: dict[str, Any]) -> Any:
    """W&B's bands, or its refusal (session 25's checker let the exception end the run)."""
    try:
        return _bands(et)
    except Exception as e:  # noqa: BLE001
        return [f"W&B refuses: {type(e).__name__}: {str(e).splitlines()[0][:160]}"]


C25.SOURCES[:] = SOURCES
C25.load = load
C25.wandb_bands = wandb_bands

if __name__ == "__main__":
    import tunewise.sweeps._hyperband as _hb

    _tw_bands = _hb.hyperband_bands

    def _tw_bands_or_refusal(et: Any) -> Any:
        try:
            return _tw_bands(et)
        except Exception as e:  # noqa: BLE001 - the bare function on a file SweepConfig already refused
            return [f"tunewise refuses: {type(e).__name__}: {e}"]

    _hb.hyperband_bands = _tw_bands_or_refusal  # type: ignore[assignment]
    C25.main()
