"""Session 32: third-party W&B sweep configurations and a probe of the brief's sweep keys, W&B's validator and engine
against tunewise's parser.

Session 25's harness (``../s25/wandb_wild4_configs.py``: W&B's validator and ``next_run`` against tunewise's
``SweepConfig``, 1000 draws of each engine compared per parameter (types, value sets, frequencies within 0.08,
ranges), the command line of one run, hyperband bands, ``run_cap``), as sessions 26, 30 and 31 used it, with this
batch's sources:

- three configurations from two repositories whose paths no file under ``benchmarks/history`` or ``docs/`` names
  (``grep -rliF``; maxburger4real's ``project/cli.py`` was s27's, these two files were not). Each is a Python dict a
  program passes to ``wandb.sweep``: Turing-Online-Safety-Codebase's is assembled (``sweep_config['parameters'] =
  parameters_dict``); maxburger4real's name the metric by an imported constant (``BEST_EVAL``) and the optimizers by
  others (``ADAM``, ``ADAMW``, ``SGD``): the harness binds them to the values the repository gives them
  (``common/constants.py``: 'Adam', 'AdamW', 'sgd'; ``BEST_EVAL``: 'val_loss', its value in the repository's
  history; at the pinned commit ``imp.py`` no longer defines it, so the file as written does not import there);
- ``inline:`` configurations written for this probe from W&B's documented keys (not third-party setups; counted
  apart): nested ``parameters``, ``values`` with ``probabilities``, hyperband ``min_iter`` / ``max_iter`` + ``s`` /
  ``eta``, ``metric.target``, ``run_cap``, command macros.

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s32/wandb_wild12_configs.py \
        > wandb_wild12_configs_<rev>.jsonl

W&B's engine is wandb/sweeps' ``src/sweeps`` extracted to ``/tmp/wandb_sweeps/sweepspkg`` (as s25-s31).
"""

from __future__ import annotations

import ast
import importlib.util
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild4_configs", HERE.parent / "s25" / "wandb_wild4_configs.py")
assert _spec is not None and _spec.loader is not None
C25 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild4_configs"] = C25
_spec.loader.exec_module(C25)

TUR = "Turing-Online-Safety-Codebase/counterspeech_adversarial"
TUR_REV = "6e937f52b6f18b04013be6ed6e8af71bbfdc6056"  # the parent of 8e06b31, which deleted the file
MB = "maxburger4real/structure-of-lottery-tickets"
MB_REV = "341a16a3a8dabf517145f8d1c79723ce5e57fa1a"  # the parent of 93dd31f ("delete old configs.")
MB_NAMES = {"BEST_EVAL": "val_loss", "ADAM": "Adam", "ADAMW": "AdamW", "SGD": "sgd"}

INLINE: dict[str, dict[str, Any]] = {
    "nested_parameters_random": {
        "method": "random",
        "metric": {"name": "val_loss", "goal": "minimize"},
        "parameters": {
            "optimizer": {"parameters": {
                "lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
                "momentum": {"values": [0.8, 0.9, 0.99]},
                "kind": {"value": "sgd"},
            }},
            "epochs": {"value": 5},
            "batch_size": {"distribution": "q_log_uniform_values", "min": 16, "max": 256, "q": 16},
        },
    },
    "values_with_probabilities": {
        "method": "random",
        "metric": {"name": "acc", "goal": "maximize", "target": 0.95},
        "run_cap": 7,
        "parameters": {
            "act": {"values": ["relu", "gelu", "tanh"], "probabilities": [0.7, 0.2, 0.1]},
            "layers": {"values": [1, 2, 3, 4], "probabilities": [0.1, 0.2, 0.3, 0.4]},
            "dropout": {"distribution": "normal", "mu": 0.3, "sigma": 0.05},
        },
    },
    "hyperband_min_iter_eta2": {
        "method": "bayes",
        "metric": {"name": "loss", "goal": "minimize"},
        "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 2},
        "parameters": {"lr": {"min": 0.0001, "max": 0.1}, "opt": {"values": ["adam", "sgd"]}},
    },
    "hyperband_max_iter_s_eta": {
        "method": "grid",
        "metric": {"name": "loss", "goal": "minimize"},
        "early_terminate": {"type": "hyperband", "max_iter": 27, "s": 2, "eta": 3},
        "parameters": {"dropout": {"values": [0.1, 0.3]}, "units": {"values": [32, 64]}, "epochs": {"value": 27}},
    },
    "command_macros_args_no_hyphens": {
        "program": "train.py",
        "method": "random",
        "metric": {"name": "val/loss", "goal": "minimize"},
        "command": ["${env}", "${interpreter}", "${program}", "+experiment=base", "${args_no_hyphens}"],
        "parameters": {"train.lr": {"values": [0.001, 0.01]}, "model.tau": {"values": [0.1, 0.5]}},
    },
    "command_macros_args_json": {
        "program": "train.py",
        "method": "grid",
        "metric": {"name": "loss", "goal": "minimize"},
        "command": ["${env}", "python3", "${program}", "--config", "${args_json}"],
        "parameters": {"a": {"values": [1, 2]}, "b": {"value": "x"}},
    },
    "grid_nested_with_constant": {
        "method": "grid",
        "metric": {"name": "loss", "goal": "minimize"},
        "parameters": {
            "model": {"parameters": {"depth": {"values": [2, 3]}, "width": {"values": [64, 128]}}},
            "data": {"parameters": {"name": {"value": "digits"}}},
        },
    },
}

C25.SOURCES[:] = [
    ("turing_random_log_uniform_values_assembled", TUR, TUR_REV, "src/hyperparameter_explore/hyperparameter_config.py",
     "assembled:sweep_config+parameters_dict"),
    ("maxburger_random_inferred_uniform_named", MB, MB_REV, "project/sweepconfigs/_00_basic_hparam_search.py",
     "names:sweep_config"),
    ("maxburger_bayes_optimizer_constants", MB, MB_REV, "project/sweepconfigs/_02_hparam_search_optimizers_lr_.py",
     "names:sweep_config"),
] + [(f"probe_{k}", "inline", "-", f"inline:{k}", f"inline:{k}") for k in INLINE]

_load = C25.load


def _eval_dict(text: str, var: str, names: dict[str, Any]) -> dict[str, Any]:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in node.targets):
            code = compile(ast.Expression(node.value), "<config>", "eval")
            return eval(code, {"__builtins__": {}, "math": math, "np": np, **names})  # noqa: S307
    raise KeyError(var)


def load(repo: str, rev: str, path: str, var: str) -> tuple[dict[str, Any], str, str]:
    if var.startswith("inline:"):
        return dict(INLINE[var[7:]]), "", "-"
    if var.startswith("assembled:"):  # sweep_config['parameters'] = parameters_dict
        text = C25.git(repo, "show", f"{rev}:{path}")
        base, params = var[10:].split("+")
        cfg = C25.python_dict(text, base)
        cfg["parameters"] = C25.python_dict(text, params)
        return cfg, text, rev[:12]
    if var.startswith("names:"):
        text = C25.git(repo, "show", f"{rev}:{path}")
        return _eval_dict(text, var[6:], MB_NAMES), text, rev[:12]
    return _load(repo, rev, path, var)


C25.load = load

if __name__ == "__main__":
    sys.path.insert(0, "/tmp/wandb_sweeps/sweepspkg/src")
    if "--report" in sys.argv:
        i = sys.argv.index("--report")
        C25.report(sys.argv[i + 1], sys.argv[i + 2])
    else:
        C25.main()
