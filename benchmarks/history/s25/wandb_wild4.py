"""Fourth batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 25).

The harness is session 23's (``benchmarks/history/s23/wandb_wild3.py``, on sessions 22 and 21's): this file
loads it and swaps in a new ``SETUPS`` list, from repositories in none of sessions 18, 19, 21, 22 and 23's
manifests. The real ``wandb`` (0.31.0) is installed for the oracle only (``/tmp/s23/wbextra``, as in
session 23); W&B's validator and engine are wandb/sweeps' ``src/sweeps`` from its mirror.

    H=benchmarks/history/s25/wandb_wild4.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s25/wb --json /tmp/s25/wb/wandb.json
    .venv/bin/python $H --mode tunewise --work /tmp/s25/wb --tunewise-src /tmp/s25/before/src \
        --json /tmp/s25/wb/before.json
    .venv/bin/python $H --report /tmp/s25/wb/wandb.json /tmp/s25/wb/before.json /tmp/s25/wb/after.json \
        --causes benchmarks/history/s25/wandb_wild4_raw/causes.json
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s23", HERE.parent / "s23" / "wandb_wild3.py")
assert _spec is not None and _spec.loader is not None
S23 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s23"] = S23
_spec.loader.exec_module(S23)
H = S23.H
Setup = H.Setup

# Packages the setups import that the venv lacks (both modes): seaborn, python-dotenv
# (pip install --no-deps --target /tmp/s25/extra seaborn python-dotenv)
EXTRA = "/tmp/s25/extra"
WANDB_PKG = "/tmp/s23/wbextra"
_mode = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else ""
H.EXTRA = f"{WANDB_PKG}:{EXTRA}" if _mode in ("wandb", "replay") else EXTRA

# A hard-coded W&B API key in a script is replaced by none in both modes (it is not ours to use; the stand-in
# and W&B offline need none).
NO_KEY = ("re:wandb\\.login\\(key\\s*=\\s*['\"][0-9a-f]{40}['\"]", "wandb.login(")

NEW: dict[str, Any] = {
    # ---- DA6401 (IIT Madras) assignment 1, 2026 edition: YAML sweeps with `program: src/train.py` -------------
    "s4nth_python3_string_sizes": Setup(
        "s4nth0sh07/DA6401_ASSIGNMENT_1", "run", sweep="sweep.yaml", paths=("sweep.yaml", "src"),
        patches={"sweep.yaml": [("values: [5, 10]", "values: [1, 2]")]},
        data="keras mnist/fashion_mnist -> digits",
        note="bayes YAML, `command:` with a literal python3 before ${program} ${args}, string values with spaces "
             "('128 64') for an argparse nargs='+' option, `value:` for wandb_project, metric val_accuracy"),
    "itskowshik_layer_sizes": Setup(
        "ItsKowshik/DA6401_Assignment1", "run", sweep="sweep.yaml", paths=("sweep.yaml", "src"),
        data="keras mnist -> digits",
        note="random YAML with `project:`, six l<k>_size parameters the program folds into a list, "
             "loss values ('mse') checked by the program, wandb.init(config=vars(args)) then config.update"),
    "harshit_report_sweep": Setup(
        "harshit-8118/DA6401_Assignment_1", "python", script="train.py", cwd="src", args=("--experiment", "sweep"),
        paths=("src",),
        patches={"src/utils/wandb_report.py": [("count=100", "count=3"),
                                              ("'epochs' : {'values': [10, 20, 30, 50]}",
                                               "'epochs' : {'values': [1, 2]}")]},
        data="keras mnist -> digits",
        note="the sweep inside a report module, run by `train.py --experiment sweep`: bayes over lists of lists, "
             "metric `val/f1` (a slash), run = wandb.init() then run.name =, run.log, run.finish(), an "
             "optimizer value ('xavier') the program does not know"),
    "indsharma_report_nb": Setup(
        "Ind-Sharma/MA24M011_da6401_assignment_1", "python", script="mlp_wandb_report_nb.py",
        notebook="notebooks/mlp_wandb_report.ipynb", cwd="notebooks", paths=("notebooks", "src"),
        patches={"notebooks/mlp_wandb_report_nb.py": [
            ("count=100", "count=3"), ("epochs=5,  # Short for sweep", "epochs=1,  # Short for sweep")]},
        data="keras mnist/fashion_mnist -> digits",
        note="notebook: load_dotenv, `with wandb.init() as run` and wandb.config attributes, a random sweep "
             "(metric val_accuracy_final), the other report sections (plain runs) before and after"),
    # ---- CS6910 (IIT Madras) assignment 1, earlier editions: Python dict sweeps ----------------------------
    "sonalika_train_before_agent": Setup(
        "Sonalikasingh17/DA6401_Assignment-01", "python", script="train.py", paths=("*.py",),
        data="keras fashion_mnist -> digits",
        note="bayes dict with `name:`, wandb.sweep(entity=, project=) at import, the function called once outside "
             "the agent, then wandb.agent(sweep_id, train, count=1, project=, entity=); wandb.init(config="
             "defaults) whose keys (max_epochs, hidden_layers) are not the sweep's (epochs, layers)"),
    "pritam_bayes_import_data": Setup(
        "pritamde090920/cs6910_assignment1", "python", script="Question 3_4_5_6.py", paths=("*.py",),
        patches={"Question 3_4_5_6.py": [("count=150", "count=3"),
                                         ("'number_of_epochs': {'values': [5,10,20,30]}",
                                          "'number_of_epochs': {'values': [1,2]}")]},
        data="keras fashion_mnist -> digits",
        note="data loaded at import of the model module, wandb.login(), bayes dict with `name:`, "
             "wandb.init(project=) in the function, wandb.finish() after the agent"),
    "gowtham_value_lists": Setup(
        "Gowthamaan-P/cs6910_assignment1", "python", script="Q4.py", cwd="src", paths=("src",),
        patches={"src/Q4.py": [NO_KEY, ("count=200", "count=3")]},
        data="keras fashion_mnist -> digits",
        note="random dict whose fixed `value:` is a list ('epochs': {'value': [5, 10]}, 'beta': {'value': [0.7, "
             "0.8, 0.9]}), wandb.login(key=...) (key removed) and wandb.init(project=, entity=) before the sweep, "
             "config['key'] access, run.name ="),
    "kankan_grid_whole_config": Setup(
        "kankancs21m026/cs6910_assignment1", "python", script="QS4,5,6_sweepRun1.py",
        paths=("QS4,5,6_sweepRun1.py", "fashnMnist"),
        patches={"QS4,5,6_sweepRun1.py": [("wandb.agent(sweep_id, function = train_model)",
                                           "wandb.agent(sweep_id, function = train_model, count=3)")]},
        data="keras fashion_mnist -> digits",
        note="grid of 96 (the agent without count: harness count=3), `with wandb.init(config=sweep_config)` (the "
             "whole sweep dict as defaults) then wandb.init().config inside it, metric 'accuracy' while the run "
             "logs val_accuracy, boolean values"),
    "cs23m011_random_with_init": Setup(
        "Cs23m011/CS6910_assignment1", "python", script="train_6910.py", cwd="cs6910_assignment",
        paths=("cs6910_assignment",),
        patches={"cs6910_assignment/train_6910.py": [("count=60", "count=3"),
                                                    ("'values':[5, 10, 15]", "'values':[1, 2]")]},
        data="keras fashion_mnist -> digits",
        note="random dict built up key by key (sweep_config['metric'] = ..., ['parameters'] = ...), wandb.login() "
             "at import, `with wandb.init(config=config)` with config=None, wandb.run.name =, values with a space "
             "('nesterov accelerated')"),
    "ankana_duplicate_metric_keys": Setup(
        "ankanasadhu/cs6910_assignment1", "run", sweep="sweep.yaml", paths=("*.py", "sweep.yaml"),
        patches={"sweep.yaml": [("    min: 5\n    max: 20", "    min: 1\n    max: 2")]},
        data="keras fashion_mnist -> digits",
        note="a YAML file with four `metric:` keys (PyYAML, and so W&B's CLI, keeps the last: training_accuracy, "
             "maximize), bayes, int_uniform epochs and batch_size, wandb.init(project=) in the program, "
             "wandb.log of the four metrics per epoch"),
    "cs21m013_three_grids_nb": Setup(
        "CS21M013/cs6910_assignment1", "python", script="ffn_mnist_nb.py", notebook="Assignment_1_FFN_MNIST.ipynb",
        paths=("Assignment_1_FFN_MNIST.ipynb",),
        data="keras mnist -> digits",
        note="notebook: three wandb.sweep calls in one script (three one-point grids), each followed by "
             "wandb.agent(sweep_id, train) without count, metric `Val/Accuracy` (a slash and capitals), "
             "wandb.init(project=, entity=, config=defaults) in the function, then a plain run with "
             "wandb.plot.confusion_matrix"),
    "rohitrk_bayes_single_values": Setup(
        "rohitrk06/da6401_assignment1", "run", sweep="second_sweep_config.yaml", paths=("*.py", "*.yaml"),
        patches={"second_sweep_config.yaml": [("epochs:\n    values: [10]", "epochs:\n    values: [2]")]},
        data="keras fashion_mnist -> digits",
        note="bayes YAML with quoted `program:`/`name:`/`method:`, one-value `values:` lists, log_uniform_values, "
             "data loaded at import of a helper module, wandb.init(project=, entity=) in the program"),
    "sparsh_dotted_metric_yaml_strings": Setup(
        "Sparshj8287/da6401_assignment1", "run", sweep="config.yml", paths=("*.py", "config.yml"),
        data="keras fashion_mnist -> digits",
        note="bayes YAML, metric `val.acc` (a dot), uniform bounds written 1e-2 / 1e-10 (strings under PyYAML), "
             "`value:` for the W&B project and entity"),
    "da24m010_count_key": Setup(
        "DA24M010/da6401_Assignment1", "python", script="run_hyperparameter_tuning.py", paths=("*.py",),
        patches={"run_hyperparameter_tuning.py": [
            ("wandb.agent(sweep_id, function=train_sweep)", "wandb.agent(sweep_id, function=train_sweep, count=3)"),
            ('"epochs": {"values": [5, 10]}', '"epochs": {"values": [1, 2]}')]},
        data="keras fashion_mnist -> digits",
        note="a top-level `count: 100` in the sweep dict (not a key of W&B's schema), bayes, wandb.agent without "
             "count (harness: count=3), wandb.init(project=, entity=) in the function, run.name ="),
    "malavika_flag_sweep": Setup(
        "malavikasrini21/da6401_assignment1", "python", script="train.py", args=("--use_wandb", "true"),
        paths=("*.py",),
        patches={"train.py": [("count=50", "count=3"), ("'values': [5,10,15,20]", "'values': [1,2]")]},
        data="keras fashion_mnist -> digits",
        note="the sweep behind a `--use_wandb true` flag of the training script, wandb.login(), `with wandb.init() as "
             "run`, metric avg_valid_acc, values spelled in mixed case ('ReLu', 'Xavier')"),
}
H.SETUPS.clear()
H.SETUPS.update(NEW)

if __name__ == "__main__":
    H.main()
