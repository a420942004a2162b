"""Second batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 22).

The harness is session 21's (``benchmarks/history/s21/wandb_wild.py``: modes, data stand-ins, W&B's own
engine and validator as the oracle, replay); this file loads it and swaps in a new ``SETUPS`` list, from
repositories in neither session 21's nor session 18's manifest. One change to the W&B oracle: a run counts
as having reported the sweep's metric when the metric is in a ``log`` call *or* in the run's final summary
(``wandb-summary.json`` of the offline run), since W&B's sweep controller reads the metric from the run's
summary (``run.summary[...] = ...`` counts under W&B). W&B 0.31 offline wrote no such file in session 22,
so this check did not apply to any run there.

    H=benchmarks/history/s22/wandb_wild2.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s22w2 --json /tmp/s22w2/wandb.json
    git archive 5111aff src | tar -x -C /tmp/s22w2/before        # this session's start
    git archive a69ed39 src | tar -x -C /tmp/s22w2/after_src     # with the fix (and the others' commits until then)
    .venv/bin/python $H --mode tunewise --work /tmp/s22w2 --tunewise-src /tmp/s22w2/before/src \
        --json /tmp/s22w2/before.json
    .venv/bin/python $H --mode tunewise --work /tmp/s22w2 --tunewise-src /tmp/s22w2/after_src/src --label after \
        --json /tmp/s22w2/after.json
    .venv/bin/python $H --mode replay --work /tmp/s22w2 --replay-from /tmp/s22w2/after/tunewise \
        --json /tmp/s22w2/replay.json --only NAMES
    .venv/bin/python $H --report /tmp/s22w2/wandb.json /tmp/s22w2/before.json /tmp/s22w2/after.json
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s21", HERE.parent / "s21" / "wandb_wild.py")
assert _spec is not None and _spec.loader is not None
H = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s21"] = H
_spec.loader.exec_module(H)
Setup = H.Setup

_run_wandb = H.run_wandb


def run_wandb(name: str, setup: Any, work: Path, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Session 21's W&B run, where the metric also counts when it is in the run's final summary."""
    res = _run_wandb(name, setup, work, values)
    metric = res.get("metric")
    if res.get("rc") == 0 and metric and not res.get("metric_logged"):
        here = work / "wandb" / name / setup.cwd
        for f in sorted(here.glob("wandb/offline-run-*/files/wandb-summary.json")):
            if metric in json.loads(f.read_text() or "{}"):
                res.update(ok=True, error="", metric_in_summary=True)
    return res


H.run_wandb = run_wandb
# Trial states are read by their value ("FAILED"): since f080be5 (during this session) a failed trial's
# ``state.name`` is Optuna's "FAIL", which session 21's status reader did not count as failed.
H.STATUS = H.STATUS.replace("t.state.name", "t.state.value")
H.REPLAY_READ = H.REPLAY_READ.replace("t.state.name", "t.state.value")

# Writes the digits stand-in where a loader reads a local mnist.npz (the repository's copy is not in the mirror).
NPZ = ("python", "-c", "import numpy as np, _harness_data as h; (a, b), (c, d) = h.load_data('mnist'); "
       "np.savez('mnist.npz', x_train=a, y_train=b, x_test=c, y_test=d)")

NEW: dict[str, Any] = {}
NEW.update({
    # ---- DA6401 / CS6910 (IIT Madras) assignment 1: NumPy MLPs on (Fashion-)MNIST --------------------------
    "nandhakishore_yaml_py": Setup(
        "nandhakishorecs/da6401_assignment1", "python", script="question4.py",
        patches={"sweep_config.yml": [("values: [10, 20]", "values: [1, 2]")],
                 "question4.py": [("count=1)", "count=3)")]},
        data="keras fashion_mnist -> digits",
        note="bayes sweep YAML read by the script (`name:` key), wandb.init(entity=, project=) in the function, "
             "wandb.run.name =, metric with capitals (Validation_Accuracy)"),
    "divyanshu_two_agents": Setup(
        "DivyanshuTirkey/da6401_assignment1", "python", script="sweep.py",
        patches={"sweep.py": [("count=150", "count=3"), ("'values': [5, 10]", "'values': [1, 2]")]},
        data="keras fashion_mnist -> digits",
        note="random, `import wandb.agents`, run.name =, config.update, wandb.log with an `epoch` key, then "
             "wandb.teardown() and a second wandb.agent(sweep_id, function=test_evaluate, count=1) whose run "
             "calls wandb.init twice and logs a confusion matrix but not the metric"),
    "reajis_bayes_yaml": Setup(
        "reajis/da6401_assignment1", "run", sweep="sweep.yaml", paths=("sweep.yaml", "src", "part_2"),
        pre=(NPZ,),
        patches={"sweep.yaml": [("value: 10", "value: 1")]},
        data="mnist.npz (blob not in the mirror; the loader downloads it otherwise) -> digits",
        note="`program: src/train.py` with argparse (-e/--epochs ...), wandb.init(config=vars(args)) then "
             "wandb.config, wandb.Histogram in log, wandb.summary[...] ="),
    "reajis_summary_metric": Setup(
        "reajis/da6401_assignment1", "run", sweep="part_2/2.yaml", paths=("sweep.yaml", "src", "part_2"),
        pre=(NPZ,),
        patches={"part_2/2.yaml": [("value: 10", "value: 1")]},
        data="mnist.npz -> digits",
        note="the sweep's metric (best_val_accuracy) is never logged, only set with wandb.summary[...] = at the end "
             "(W&B's controller reads the summary); sweep file in part_2/, program path from the root"),
    "kartik_bayes_slash_metric": Setup(
        "Kartik0806/da6401_assignment_1", "python", script="src/wandb_report/sweep.py", args=("--count", "3"),
        pythonpath=("src",), paths=("src", "models"),
        patches={"src/wandb_report/sweep.py": [('"values": [15, 10]', '"values": [1, 2]')],
                 "src/utils/data_loader.py": [("val_size: int = 10000,", "val_size: int = 300,")]},
        data="keras mnist/fashion_mnist -> digits (its 10,000-image validation split -> 300)",
        note="bayes over log_uniform_values, metric `test/f1`, wandb.login(key=None from the environment), "
             "dict(run.config), run.log"),
    "macrove_hyperband_py": Setup(
        "Macrove/cs6910_assignment1", "python", script="q4_wandb_sweep.py", cwd="src",
        patches={"src/q4_wandb_sweep.py": [("'n_epoch': {'values': [8, 9, 10, 11, 12]}",
                                            "'n_epoch': {'values': [4, 5]}")]},
        data="keras fashion_mnist -> digits",
        note="bayes + early_terminate hyperband (eta 2, min_iter 3) in a Python sweep, count=2, 16 parameters"),
    "vikram_grid_goal": Setup(
        "vikram-kv/cs6910_assignment1", "python", script="sweep_code.py",
        skip="two steps: the script makes the sweep and prints its id, a second invocation with `-sid ID` runs "
             "wandb.agent; the harness runs one command (probed by hand, see the write-up)"),
    "mallikarjun_bayes": Setup(
        "Mallikarjun29/da6401_assignment1", "python", script="q4.py",
        patches={"q4.py": [("count= 100", "count=3"), ("'values': [5, 10]", "'values': [1, 2]")]},
        data="keras fashion_mnist -> digits",
        note="bayes minimizing val_loss, wandb.login(), data loaded at import, agent(sweep_id, train, count=) "
             "positional function"),
    "mathew_positional_agent": Setup(
        "MathewThomas358/cs6910-assignment-1", "python", script="sweep.py",
        patches={"sweep.py": [("init(sweep_count=40)", "init(sweep_count=3)"),
                              ("'values': [5, 10, 15, 20]", "'values': [1, 2]")],
                 "data.py": [("54000", "1100")]},
        data="keras fashion_mnist -> digits (its 54,000/6,000 train/validation split -> 1,100/300)",
        note="wb.agent(sweep_id, sweep, entity, project, count) all positional, `import wandb as wb`, "
             "a boolean parameter (values: [False])"),
    "palash_bayes_tfkeras": Setup(
        "palashbehra5/cs6910_assignment1", "python", script="Q4_(a).py",
        patches={"Q4_(a).py": [("count = 50", "count = 3"), ("'values': [5,10]", "'values': [1,2]"),
                               (":6000]", ":300]"), ("[6000:]", "[300:]")]},
        data="tensorflow.keras.datasets fashion_mnist -> digits (its first 6,000 images as validation -> 300)",
        note="wandb.init(config=config) inside the function (config: the module's own dict), metric logged in a "
             "separate wandb.log after the per-epoch logs"),
    "dassrikrishna_hyperband": Setup(
        "dassrikrishna/da6401_assignment1", "python", script="question4&7.py",
        patches={"question4&7.py": [("count = 67", "count = 3"), ('"values": [5, 10]', '"values": [3, 4]')]},
        data="keras fashion_mnist -> digits",
        note="bayes + early_terminate hyperband (min_iter 3) in a Python sweep, data loaded at import"),
    "r1sha13h_cmd_python3": Setup(
        "r1sha13h/DA6401_Assignment_1", "run", sweep="sweep_config.yaml",
        patches={"sweep_config.yaml": [("values: [15, 20, 25]", "values: [1, 2]")]},
        data="sklearn fetch_openml mnist_784 -> digits",
        note="`command:` with a literal `python3` and a fixed flag (--use_wandb) before ${args}, an int range "
             "(num_layers min 1 max 6), argparse with nargs='+' hidden_size, wandb.Table, wandb.Image"),
    "jaygupta_yaml_module_init": Setup(
        "jaygupta907/da6401_assignment1", "run", sweep="sweep.yaml",
        patches={"sweep.yaml": [("values: [5,10]", "values: [1,2]")],
                 # keras' private TensorFlow path needs TensorFlow (not installed): the public one, in both modes
                 "dataset.py": [("keras._tf_keras.keras.datasets", "keras.datasets")]},
        data="keras mnist/fashion_mnist -> digits",
        note="`name:`/`project:`/`entity:`/`run_cap` keys, wandb.init(config=argparse.Namespace, name=) at module "
             "level of the program"),
    "yuvaram_hyperband_py": Setup(
        "yuvaramsingh94/DA6401_Assignment_1", "python", script="hyperparam_tuning.py",
        patches={"hyperparam_tuning.py": [("count=50", "count=3"), ('"epochs": {"values": [5, 10]}',
                                                                   '"epochs": {"values": [3, 4]}')]},
        data="keras fashion_mnist -> digits",
        note="bayes + hyperband (min_iter 3, eta 3), wandb.init(project=) without config, run.name =, tqdm"),
    "abdull_random_value": Setup(
        "Abdull811/DA6401_assigment_01", "python", script="src/sweep.py",
        args=("--wandb_mode", "offline"),  # the program's own switch (its default, online, overrides WANDB_MODE)
        patches={"src/sweep.py": [("count=100", "count=3"), ("'epochs': {'value': 5}", "'epochs': {'value': 1}")]},
        data="keras fashion_mnist -> digits",
        note="random, fixed `value:` parameters, the function is src.train.main imported as a package"),
    "anshul_positional_fn": Setup(
        "anshul-2010/DA6401-Introduction-to-Deep-Learning", "python", script="main.py", cwd="Assignment_1",
        paths=("Assignment_1/main.py", "Assignment_1/Utility"),  # other blobs are not in the mirror
        pythonpath=("Assignment_1/Utility",),  # its modules import each other by bare name (the author's setup)
        patches={"Assignment_1/main.py": [("count=120", "count=3"), ("[5, 10, 20, 40]", "[1, 2]")]},
        data="keras fashion_mnist -> digits",
        note="wandb.agent(sweep_id, NN_fit, count=) with the function positional, star-imported helpers"),
    "melanin_settings": Setup(
        "Melanin08/da6401_assignment_1", "python", script="q22_hyperparameter_sweep.py", cwd="src",
        paths=("src", "models"),  # the committed wandb/ run folder's blobs are not in the mirror
        args=("--count", "3"),
        patches={"src/q22_hyperparameter_sweep.py": [('"epochs": {"values": [5, 10]}',
                                                      '"epochs": {"values": [1, 2]}')]},
        data="keras mnist/fashion_mnist -> digits",
        note="wandb.init(settings=wandb.Settings(init_timeout=240)), config copied into an argparse Namespace"),
    "stark_three_grids": Setup(
        "starkAhmed43/DA24S023_DA6401_A1", "python", script="mnist_sweep.py",
        patches={"mnist_sweep.py": [('"epochs": {"values": [10]}', '"epochs": {"values": [1]}'),
                                    ('"epochs": {"values": [5]}', '"epochs": {"values": [1]}')]},
        data="keras mnist -> digits",
        note="three grid sweeps made in a loop, each run by wandb.agent(id, function=lambda: ..., count=1) then "
             "wandb.finish()"),
    "knitranger_api_entity": Setup(
        "KnitRanger9/da6401_assignment1", "python", script="train_wandb.py",
        patches={"train_wandb.py": [("count=100", "count=3"), ("'epochs': {\n                'value': 10",
                                                              "'epochs': {\n                'value': 1")]},
        data="keras fashion_mnist -> digits",
        note="wandb.init(entity=wandb.api.default_entity) for an examples run before the sweep, wandb.Image lists"),
    "utkarsh_with_init": Setup(
        "utkarsh2299/da6401_assignment1", "python", script="train.py", args=("-uw_s", "True"),
        patches={"train.py": [("count=50", "count=3")],
                 "configs/sweep_config.py": [("'values': [5,10]", "'values': [1,2]")]},
        data="keras fashion_mnist -> digits",
        note="`with wandb.init() as run:` inside the function, wandb.run.name =, sweep config from a module"),
    "siddhant_config_arg": Setup(
        "Siddhant-DA24M021/DA6401-assignment-01-Siddhant-DA24M021", "python", script="hyperparameter_tuning.py",
        paths=("*.py",),  # Report.pdf's blob is not in the mirror
        patches={"hyperparameter_tuning.py": [("count = 100", "count = 3"),
                                              ('"epochs": {"values": [5, 10, 15]}', '"epochs": {"values": [1, 2]}')]},
        data="keras fashion_mnist -> digits",
        note="def f(config=None): with wandb.init(config=config): ... (the agent calls it without arguments)"),
    "tdas_api_after": Setup(
        "tdas11235/DA6401-assignment-01", "python", script="sweep.py",
        patches={"sweep.py": [("count=30", "count=3")], "config.yaml": [("values: [5, 10]", "values: [1, 2]")]},
        data="keras fashion_mnist -> digits",
        note="bayes from config.yaml, run.save(), then wandb.Api().runs(...) to pick the best run (cloud only), "
             "plotly figure"),
    # ---- other projects --------------------------------------------------------------------------------
    "aryavolkan_synthetic": Setup(
        "aryavolkan/evolve", "python", script="overnight-agent/sweep.py", rev="25c1891",
        paths=("overnight-agent/sweep.py",),
        patches={"overnight-agent/sweep.py": [("range(20)", "range(3)"), ("count=5", "count=3")]},
        note="a test sweep of the project (removed later from the repository, read at 25c1891): bayes over "
             "log_uniform_values and uniform, synthetic losses from random, wandb.log with an epoch key, "
             "wandb.finish()"),
})
H.SETUPS.clear()
H.SETUPS.update(NEW)

if __name__ == "__main__":
    H.main()
