"""Session 27: variants of the keys this batch's setups use (and the brief lists), W&B against tunewise.

Session 25's configuration checker (``../s25/wandb_wild4_configs.py``) is reused as is: W&B's validator
(wandb/sweeps' ``schema_violations_from_proposed_config`` then ``next_run``) against tunewise's
``SweepConfig.from_file`` (YAML written from the dict) or ``from_dict`` (a Python dict), 1000 draws of W&B's
engine against 1000 of tunewise's sampler per parameter (types, ranges, values, frequencies), the command line
of one W&B draw (W&B 0.31's agent against tunewise's ``build_command``), hyperband bands, ``run_cap``. Only the
configurations differ: written here, each a variant of a key one of this batch's setups (or a file seen while
collecting them) uses, so the comparison covers more than the values those setups happen to have.

    PYTHONPATH=src:/tmp/s23/wbextra .venv/bin/python benchmarks/history/s27/wandb_wild7_probe.py \
        > benchmarks/history/s27/wandb_wild7_raw/probe.jsonl
"""

from __future__ import annotations

import importlib.util
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


def rnd(params: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"program": "train.py", "method": "random", "metric": M, "parameters": params, **top}


# name -> (config, "yaml" | "dict", what it varies)
PROBES: dict[str, tuple[dict[str, Any], str, str]] = {
    # inv_log_uniform_values: lczerolens' simple_sae docstring has min 0.9 / max 1 (beta1) and 0.99 / 1 (beta2)
    "inv_log_values_0.9_1": (
        rnd({"b1": {"distribution": "inv_log_uniform_values", "min": 0.9, "max": 1}}),
        "yaml",
        "inv_log_uniform_values with max 1 (an Adam beta)",
    ),
    "inv_log_values_0.99_1_bayes": (
        {
            **rnd(
                {
                    "b2": {"distribution": "inv_log_uniform_values", "min": 0.99, "max": 1},
                    "lr": {"distribution": "log_uniform_values", "min": 1e-6, "max": 1e-3},
                }
            ),
            "method": "bayes",
        },
        "yaml",
        "the same in a bayes sweep",
    ),
    "inv_log_values_min_gt_max": (
        rnd({"b": {"distribution": "inv_log_uniform_values", "min": 1, "max": 0.9}}),
        "yaml",
        "min > max",
    ),
    # int_uniform: SleepingTalent's max_depth 3..8, n_estimators 50..300; variants
    "int_uniform_min_eq_max": (rnd({"d": {"distribution": "int_uniform", "min": 5, "max": 5}}), "yaml", "min == max"),
    "int_uniform_float_bounds": (
        rnd({"d": {"distribution": "int_uniform", "min": 1.0, "max": 5.0}}),
        "dict",
        "float bounds written as 1.0 / 5.0",
    ),
    "int_uniform_grid": (
        {**rnd({"d": {"distribution": "int_uniform", "min": 3, "max": 8}}), "method": "grid"},
        "yaml",
        "int_uniform in a grid",
    ),
    "implicit_int_bounds": (
        rnd({"n": {"min": 50, "max": 300}, "lr": {"min": 0.01, "max": 0.3}}),
        "dict",
        "min/max without distribution: ints and floats",
    ),
    # q_log_uniform_values: tabular-benchmark's n_estimators 9.5 .. 3000.5, q 1
    "q_log_values_half_bounds": (
        rnd({"n": {"distribution": "q_log_uniform_values", "min": 9.5, "max": 3000.5, "q": 1}}),
        "dict",
        "q 1 with half-integer bounds",
    ),
    "q_log_values_q_8": (
        rnd({"bs": {"distribution": "q_log_uniform_values", "min": 32, "max": 256, "q": 8}}),
        "yaml",
        "q 8 (W&B's docs)",
    ),
    # categorical with probabilities
    "w_probs_explicit": (
        rnd(
            {
                "o": {
                    "distribution": "categorical_w_probabilities",
                    "values": ["a", "b", "c"],
                    "probabilities": [0.5, 0.3, 0.2],
                }
            }
        ),
        "yaml",
        "distribution named, sums to 1",
    ),
    "w_probs_sum_1.1": (
        rnd({"o": {"values": ["a", "b"], "probabilities": [0.5, 0.6]}}),
        "yaml",
        "probabilities summing to 1.1",
    ),
    "w_probs_length_mismatch": (
        rnd({"o": {"values": ["a", "b", "c"], "probabilities": [0.5, 0.5]}}),
        "yaml",
        "2 probabilities for 3 values",
    ),
    "w_probs_categorical_named": (
        rnd({"o": {"distribution": "categorical", "values": ["a", "b"], "probabilities": [0.9, 0.1]}}),
        "yaml",
        "probabilities with distribution: categorical",
    ),
    # values of mixed types: maxburger4real's loss_cutoff [0.01, None]; more
    "grid_float_none": (
        {**rnd({"seed": {"values": [7, 8, 9]}, "cut": {"values": [0.01, None]}}), "method": "grid"},
        "dict",
        "grid: a float and None (maxburger4real's loss-cutoff)",
    ),
    "grid_true_one": (
        {**rnd({"v": {"values": [1, True, 1.0, "1"]}}), "method": "grid"},
        "dict",
        "grid: 1, True, 1.0, '1'",
    ),
    "random_mixed": (
        rnd({"v": {"values": [0, False, None, "none", [1, 2], {"a": 1}]}}),
        "dict",
        "random: 0, False, None, 'none', a list, a dict",
    ),
    # early_terminate: python_templates' {hyperband, s: 2, eta: 3, max_iter: 3}, and variants
    "hb_max_iter_3_s_2": (
        {
            **rnd({"lr": {"min": 0.0001, "max": 0.1}}),
            "method": "bayes",
            "early_terminate": {"type": "hyperband", "s": 2, "eta": 3, "max_iter": 3},
        },
        "yaml",
        "bands from max_iter 3 / eta 3 / s 2 (the second is 3/9)",
    ),
    "hb_max_iter_27_s_3": (
        {
            **rnd({"lr": {"min": 0.0001, "max": 0.1}}),
            "method": "bayes",
            "early_terminate": {"type": "hyperband", "s": 3, "eta": 3, "max_iter": 27},
        },
        "yaml",
        "max_iter 27, s 3",
    ),
    "hb_min_and_max_iter": (
        {
            **rnd({"lr": {"min": 0.0001, "max": 0.1}}),
            "method": "bayes",
            "early_terminate": {"type": "hyperband", "min_iter": 3, "max_iter": 27, "s": 2},
        },
        "yaml",
        "min_iter and max_iter both",
    ),
    "hb_min_iter_eta_2": (
        {
            **rnd({"lr": {"min": 0.0001, "max": 0.1}}),
            "method": "bayes",
            "early_terminate": {"type": "hyperband", "min_iter": 1, "eta": 2},
        },
        "yaml",
        "min_iter 1, eta 2",
    ),
    # keys outside the schema; run_cap variants
    "unknown_args_no_hyphens_key": (
        {
            **rnd({"model.lr": {"min": 0.0001, "max": 0.1}}),
            "args_no_hyphens": True,
            "command": ["${env}", "python", "${program}", "${args_no_hyphens}"],
        },
        "yaml",
        "python_templates' `args_no_hyphens: True` next to command",
    ),
    "run_cap_string": (rnd({"lr": {"min": 0.0001, "max": 0.1}}, run_cap="5"), "yaml", "run_cap: '5' (a string)"),
    "run_cap_zero": (rnd({"lr": {"min": 0.0001, "max": 0.1}}, run_cap=0), "yaml", "run_cap: 0"),
    "run_cap_bayes_et": (
        {
            **rnd({"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1}}),
            "method": "bayes",
            "run_cap": 20,
            "project": "p",
            "entity": "e",
            "early_terminate": {"type": "hyperband", "min_iter": 3},
        },
        "yaml",
        "bayes + run_cap + early_terminate + project/entity in one YAML",
    ),
    # command macros
    "cmd_envvar_args_json": (
        {
            **rnd({"lr": {"values": [0.1, 0.01]}, "use_bn": {"values": [True, False]}}),
            "command": ["${env}", "${interpreter}", "${program}", "--home", "${envvar:HOME}", "${args_json}"],
        },
        "yaml",
        "${envvar:HOME} and ${args_json}",
    ),
    "cmd_no_boolean_flags": (
        {
            **rnd(
                {
                    "lr": {"values": [0.1]},
                    "use_bn": {"values": [True, False]},
                    "opt": {"parameters": {"name": {"values": ["adam"]}, "nesterov": {"values": [True]}}},
                }
            ),
            "command": ["${env}", "${interpreter}", "${program}", "${args_no_boolean_flags}"],
        },
        "yaml",
        "${args_no_boolean_flags} with a top-level and a nested boolean",
    ),
    "cmd_interpreter_module": (
        {
            **rnd({"lr": {"values": [0.1]}}),
            "program": "scripts.simple_sae",
            "command": ["poetry", "run", "python", "-m", "${program}", "${args}"],
        },
        "yaml",
        "lczerolens' poetry run python -m ${program}",
    ),
    # nested parameters
    "nested_dist_and_value_list": (
        rnd(
            {
                "opt": {
                    "parameters": {
                        "lr": {"distribution": "q_log_uniform_values", "min": 1e-4, "max": 1e-1, "q": 1e-4},
                        "betas": {"value": [0.9, 0.999]},
                        "name": {"values": ["adam", "adamw"], "probabilities": [0.8, 0.2]},
                    }
                }
            }
        ),
        "yaml",
        "nested: q_log_uniform_values, a list `value`, probabilities",
    ),
    "metric_slash_no_goal_bayes": (
        {
            "program": "train.py",
            "method": "bayes",
            "metric": {"name": "val/loss"},
            "parameters": {"lr": {"min": 0.0001, "max": 0.1}},
        },
        "yaml",
        "bayes, metric 'val/loss' without goal",
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


C25.SOURCES[:] = SOURCES
C25.load = load

if __name__ == "__main__":
    C25.main()
