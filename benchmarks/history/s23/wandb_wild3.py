"""Third batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 23).

The harness is session 21's (``benchmarks/history/s21/wandb_wild.py``) with session 22's changes
(``benchmarks/history/s22/wandb_wild2.py``: the metric also counts when it is in the run's final summary,
trial states read by value); this file loads session 22's module and swaps in a new ``SETUPS`` list, from
repositories in none of sessions 18, 19, 21 and 22's manifests.

The real ``wandb`` (0.31.0, the version sessions 21 and 22 used) is not in the venv: it is installed for the
oracle only, ``pip install --target /tmp/s23/wbextra "wandb==0.31.*"``, and put on the children's path in
``--mode wandb`` / ``--mode replay`` (never in ``--mode tunewise``, whose ``import wandb`` must reach the
stand-in). W&B's validator and engine: wandb/sweeps' ``src/sweeps`` from its mirror, ``jsonref`` in
``/tmp/wandb_sweeps/pylib``, as before.

    H=benchmarks/history/s23/wandb_wild3.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s23/wb --json /tmp/s23/wb/wandb.json
    .venv/bin/python $H --mode tunewise --work /tmp/s23/wb --tunewise-src /tmp/s23/before/src \
        --json /tmp/s23/wb/before.json
    .venv/bin/python $H --mode tunewise --work /tmp/s23/wb --tunewise-src /tmp/s23/after/src --label after \
        --json /tmp/s23/wb/after.json
    .venv/bin/python $H --report /tmp/s23/wb/wandb.json /tmp/s23/wb/before.json /tmp/s23/wb/after.json \
        --causes wandb_wild3_raw/causes.json
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s22", HERE.parent / "s22" / "wandb_wild2.py")
assert _spec is not None and _spec.loader is not None
S22 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s22"] = S22
_spec.loader.exec_module(S22)
H = S22.H
Setup = H.Setup

# Packages the setups import that the venv lacks (both modes): pip install --no-deps --target /tmp/s23/extra seaborn
EXTRA = "/tmp/s23/extra"
WANDB_PKG = "/tmp/s23/wbextra"
_mode = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else ""
H.EXTRA = f"{WANDB_PKG}:{EXTRA}" if _mode in ("wandb", "replay") else EXTRA

NEW: dict[str, Any] = {
    # ---- small projects and demos ----------------------------------------------------------------------
    "tcapelle_simple_random": Setup(
        "tcapelle/aws_eks_demo", "python", script="sweep.py", cwd="simple_sweep",
        paths=("simple_sweep",),
        note="random over two value lists, wandb.init(config=None) then wandb.config attributes, the metric "
             "(loss) logged 8 times per run with acc, agent(sweep_id, run, count=5) positional, unseeded random"),
    "furrrow_quickstart_entity": Setup(
        "furrrow/prune", "python", script="src/wandb_sweep.py", paths=("src/wandb_sweep.py",),
        note="W&B's quickstart as a project kept it: `with wandb.init(project=) as run`, run.config.x, "
             "run.log, wandb.sweep(sweep=, entity=, project=), a float range and a value list, count=10"),
    "rcpaffenroth_grid_click": Setup(
        "rcpaffenroth/DSCS553_example", "run", sweep="sweep_runner.yml", cwd="turing_example",
        rev="8dfed93edb11a108dabcb98c1132ea039e67eb1c", paths=("turing_example/sweep_runner.py",
                                                              "turing_example/sweep_runner.yml"),
        note="YAML grid without a metric (162 combinations; --count 3), `project:` key, a click program "
             "(--coolparameter1=1.2 ...), wandb.init(config=kw), the score logged once per epoch (100 or 200)"),
    # ---- DA6401 (IIT Madras) assignment 1 -----------------------------------------------------------------
    "gokul_hyperband_artifact": Setup(
        "gokulakrishnanbalaji/DA6401-A1", "python", script="main.py", paths=("*.py",),
        patches={"main.py": [("count=50", "count=3")],
                 "question_4.py": [("'epochs': {'values': [5, 10]}", "'epochs': {'values': [3, 4]}")]},
        data="keras fashion_mnist -> digits",
        note="two wandb.init at import (config.py, train.py) and a samples run with wandb.Image before the "
             "sweep; bayes + early_terminate hyperband (min_iter 3); run.name =; wandb.Artifact + "
             "log_artifact; a closure as the agent's function"),
    "rudra_list_values_login": Setup(
        "rudra-iitm-phd/da6401_assignment1", "python", script="train.py", args=("--wandb_sweep",),
        paths=("*.py",),
        patches={"train.py": [("count=20", "count=3")],
                 "sweep_configuration.py": [('"epochs": {"values": [500, 800, 1000]}',
                                             '"epochs": {"values": [1, 2, 3]}')]},
        data="keras fashion_mnist -> digits",
        note="wandb.login(key=...) at import, random over lists of lists (hidden_size [[784], [32, 64, 128], "
             "...]), log_uniform_values, wandb.init(entity=, project=, name=, config=dict) then wandb.config "
             "merged into the dict, metric 'Accuracy'"),
    # 2026's edition of the assignment: a YAML sweep with `program:` and an argparse train.py, or a Python sweep
    "ajazhsn_yaml_summary": Setup(
        "ajazhsn/da6401_assignment_1", "run", sweep="../sweep.yaml", cwd="src",
        patches={"sweep.yaml": [("epochs:\n    value: 15", "epochs:\n    value: 1")]},
        data="keras fashion_mnist -> digits",
        note="bayes YAML in the repository root whose `program: train.py` is in src/ (run from src/), fixed "
             "`value:` parameters, log_uniform_values, wandb.summary[...] = at the end"),
    "treasure_windows_interpreter": Setup(
        "treasureNIDHI/DA6401_assignment1", "run", sweep="sweep.yaml",
        patches={"sweep.yaml": [("epochs:\n    value: 5", "epochs:\n    value: 1")]},
        data="keras mnist -> digits",
        note="`command:` naming the author's Windows interpreter (E:/.../python.exe) before ${program} ${args}, "
             "list-valued values (hidden_layer_sizes [[64], [128, 64], ...])"),
    "yashraj_python3_group": Setup(
        "YashrajRC/da6401_Assignment1", "run", sweep="sweep.yaml",
        patches={"sweep.yaml": [("epochs:\n    value: 8", "epochs:\n    value: 1")]},
        data="keras mnist -> digits",
        note="`command:` with a literal python3 and fixed flags (--group 2_hyperparameter_sweep) before ${args}, "
             "`project:` key, a comment inside `parameters:`"),
    "kocytean_string_sizes": Setup(
        "Kocytean/da6401-a1", "run", sweep="task2.yaml",
        patches={"task2.yaml": [("epochs:\n    value: 10", "epochs:\n    value: 1")]},
        data="keras mnist -> digits",
        note="bayes over log_uniform_values, string values ('128,64') the program splits, a quoted '7' value, "
             "metric val_f1, wandb.init(config=vars(args))"),
    "pmk_slash_metric": Setup(
        "pmk009/DA6401_assignment01_AE21B036", "run", sweep="sweep.yaml", cwd="src",
        paths=("src/*.py", "src/sweep.yaml", "src/ann", "src/utils", "src/models/.gitkeep"),
        patches={"src/sweep.yaml": [("epochs:\n    value: 30", "epochs:\n    value: 1")]},
        data="tensorflow.keras datasets mnist -> digits",
        note="metric `val/max_acc` (a slash), `project:` key, string values with spaces ('64 32'), 1e-4 in YAML "
             "values (a string under YAML 1.1), wandb_project as a swept fixed value"),
    "svanik_multiprocess_agents": Setup(
        "Svanik277373/DA6401_PA_1", "python", script="Q2.2.py", cwd="src", paths=("src/*.py", "src/ann", "src/utils"),
        patches={"src/Q2.2.py": [("NUM_AGENTS = 5", "NUM_AGENTS = 2"), ("count=20", "count=2"),
                                 ('"epochs": {"values": [5,10]}', '"epochs": {"values": [1,2]}')]},
        data="keras fashion_mnist -> digits",
        note="wandb.agent in 2 multiprocessing.Process children on one sweep (harness: 5 agents x 20 runs -> "
             "2 x 2), lists of lists as values, run.name =, the training main() called with a rebuilt sys.argv"),
    "gaurav_getattr_default": Setup(
        "Gaurav-Kumar-da24/DA6401_DL_A1", "python", script="q4_sweep_cross_entropy.py", args=("-c", "3"),
        patches={"q4_sweep_cross_entropy.py": [("'epochs': {'values': [5, 10]}", "'epochs': {'values': [1, 2]}")]},
        data="keras fashion_mnist -> digits",
        note="getattr(wandb.config, 'dataset', 'fashion_mnist') for keys the sweep lacks, run.name = from "
             "wandb.config, wandb.plot.confusion_matrix, count from argparse"),
    "mehak_seed_key": Setup(
        "mehak-git016/DA6401_Assignment1_MLP_on_image_classification", "python",
        script="wandb_exp_2_2_hyperparameter_sweep.py", cwd="src", paths=("src/*.py", "src/ann", "src/utils"),
        patches={"src/wandb_exp_2_2_hyperparameter_sweep.py": [("count=100", "count=3"),
                                                               ('"epochs": {"values": [5, 8, 10]}',
                                                                '"epochs": {"values": [1, 2]}')]},
        data="keras fashion_mnist -> digits",
        note="a top-level `seed: 22` key in the sweep dict, lists of lists as values, the metric "
             "(best_val_accuracy) logged once at the end with other keys"),
    # the course's own W&B demo notebook, as committed to students' repositories
    "course_demo_grid_nb": Setup(
        "bmvrskkl/da6401_assignment_1", "python", script="wandb_demo_nb.py", notebook="notebooks/wandb_demo.ipynb",
        cwd="notebooks", paths=("notebooks/wandb_demo.ipynb",),
        patches={"notebooks/wandb_demo_nb.py": [
            # f-strings with the same quotes inside are Python 3.12 syntax; the venv is 3.11 (both modes)
            ('re:\\{config\\["(\\w+)"\\]\\}', "{config['\\1']}")]},
        note="notebook: three plain runs before the sweep (wandb.Image of a figure, wandb.Table.add_data), then a grid "
             "over 8 points with count=8, `with wandb.init(config=config)` and wandb.config attributes, a metric "
             "(final_test_loss) the function never logs, synthetic data"),
}
H.SETUPS.clear()
H.SETUPS.update(NEW)

if __name__ == "__main__":
    H.main()
