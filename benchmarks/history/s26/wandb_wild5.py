"""Fifth batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 26).

The harness is session 25's (``../s25/wandb_wild4.py``, on sessions 23, 22 and 21's): this file loads it and swaps
in a new ``SETUPS`` list, from repositories in none of the manifests or write-ups under ``benchmarks/history``. The
real ``wandb`` (0.31.0) is installed for the oracle only (``/tmp/s23/wbextra``, as in sessions 23 and 25); W&B's
validator and engine are wandb/sweeps' ``src/sweeps`` from its mirror.

    H=benchmarks/history/s26/wandb_wild5.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s26w/wb --json /tmp/s26w/wb/wandb.json
    .venv/bin/python $H --mode tunewise --work /tmp/s26w/wb --tunewise-src /tmp/s26w/before/src \
        --json /tmp/s26w/wb/before.json
    .venv/bin/python $H --report /tmp/s26w/wb/wandb.json /tmp/s26w/wb/before.json /tmp/s26w/wb/after.json \
        --causes benchmarks/history/s26/wandb_wild5_raw/causes.json
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s25", HERE.parent / "s25" / "wandb_wild4.py")
assert _spec is not None and _spec.loader is not None
S25 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s25"] = S25
_spec.loader.exec_module(S25)
H = S25.H
Setup = H.Setup

# Packages the setups import that the venv lacks (both modes): session 25's folder (seaborn, python-dotenv, ...).
EXTRA = "/tmp/s25/extra"
WANDB_PKG = "/tmp/s23/wbextra"
_mode = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else ""
H.EXTRA = f"{WANDB_PKG}:{EXTRA}" if _mode in ("wandb", "replay") else EXTRA

NO_KEY = S25.NO_KEY
DIGITS_NPZ = "__import__('_harness_data').load_data('fashion_mnist')"

NEW: dict[str, Any] = {
    # ---- DA6401 (IIT Madras, 2025-2026) assignment 1: Python dict sweeps -----------------------------------
    "amar_npz_values_only": Setup(
        "amar-at-iitm/da6401_assignment1", "python", script="code4.py", rev="dd0abb3ded778c66e1e7410e0a2b1a0df79ae6c3",
        paths=("*.py",),
        patches={"code4.py": [("load_data('fashion-mnist.npz')", DIGITS_NPZ)],
                 "sweep_config.py": [('"epochs": {"values": [5, 10]}', '"epochs": {"values": [1, 2]}')]},
        data="a local fashion-mnist.npz (not in the repository) -> digits",
        note="random dict imported from sweep_config.py (values lists only, weight_decay 0.5 among them), "
             "wandb.init(entity=, project=) in the function, wandb.run.name = and wandb.run.save(), "
             "wandb.plot.confusion_matrix, agent count=2"),
    "manoj_goal_uppercase": Setup(
        "MANOJKUMAR-CM/DA6401_Assignment1", "python", script="hyperParam_sweep_MNIST.py",
        rev="93b43ae43259d20dbef26e29b66ec07311891d51", paths=("*.py",),
        patches={"hyperParam_sweep_MNIST.py": [("count=50", "count=3"),
                                               ("x_train.reshape(60000, -1)", "x_train.reshape(len(x_train), -1)"),
                                               ("x_test.reshape(10000, -1)", "x_test.reshape(len(x_test), -1)")]},
        data="keras mnist -> digits",
        note="random dict with metric goal 'MINIMIZE' (upper case) and a metric name with a space "
             "('Validation Loss'), wandb.login() at import, wandb.init(config=defaults) whose optimizer default "
             "is not among the sweep's values, wandb.run.save(), wandb.finish() after the agent"),
    "ma25_summary_reinit_api": Setup(
        "ma25m017-alt/DA6401_assignment1_MA25M017", "python",
        script="src/wandb_tasks/section_2_2_hyperparameter_sweep.py",
        rev="9bb7db100644e254e88ffea505ada6f798f5961c", paths=("src",), pythonpath=("src",),
        args=("--count", "3", "--epochs", "1", "--wandb_mode", "offline"),
        data="keras mnist -> digits",
        note="random dict, the count, epochs and W&B mode from the script's own flags (--count 3 --epochs 1 "
             "--wandb_mode offline), "
             "`with wandb.init(project=, entity=, mode=, group=, job_type=, tags=, reinit='finish_previous')`, "
             "run.summary[...] = for the metric and lists, then wandb.Api().sweep(...) to analyse the sweep"),
    "cs21s006_hardcoded_sweep_id": Setup(
        "cs21s006/cs6910_assignment1", "python", script="Question_4_nb.py", notebook="Question_4.ipynb",
        rev="5fb5aa383cb6d568951d141031435efcc98424dc", paths=("Question_4.ipynb", "neural_networks", "utils"),
        patches={"Question_4_nb.py": [("re:function=spawn_fn, count=10\\)$", "function=spawn_fn, count=3)"),
                                      # an IPython automagic (a bare `cd`), dropped as the harness drops %cd
                                      ("re:^cd cs6910_assignment1-main/$", "pass  # harness: IPython's cd"),
                                      ('"values" : [5, 10, 20]', '"values" : [1, 2]')]},
        data="keras fashion_mnist -> digits",
        note="bayes dict with `name:`, wandb.sweep(...) whose id is not used: wandb.agent('1463mzwx', ...) twice "
             "with a hard-coded id (the author's sweep on W&B's server), `with wandb.init(project=, entity=) "
             "as run`"),
    "i618_colab_login": Setup(
        "i-618/cs6910_assignment1", "python", script="FDL_nb.py", notebook="FDL_CS6910_Assigment_1.ipynb",
        rev="4c8715dad28815286022a981d58ab2759244a32e", paths=("*.ipynb", "*.py"),
        patches={"FDL_nb.py": [("from google.colab import userdata\nwandb.login(key = userdata.get('WANDB_API_KEY'), "
                                "verify = True)", "wandb.login()"),
                               ("wandb.agent(sweep_id, train)", "wandb.agent(sweep_id, train, count=3)"),
                               ("rand_int = np.random.randint(6000)", "rand_int = np.random.randint(130)"),
                               ("'values': [5, 10]", "'values': [1, 2]")]},
        data="keras fashion_mnist/mnist -> digits (a sample index below 6000 per class -> below 130, digits has ~140)",
        note="Colab notebook (google.colab's key lookup removed, both modes), a plain run with wandb.Image "
             "before the sweep, bayes dict, `with wandb.init(config=config) as run`, agent without count "
             "(harness count=3), confusion matrix after"),
    # ---- YAML sweep + program --------------------------------------------------------------------------
    # ---- CS6910 (IIT Madras, 2023-2024) assignment 1: more scripts, notebooks and a sweep file ----------------
    "mounik_random_no_count": Setup(
        "mounik2000/CS6910_Assignment1", "python", script="Feed Forward.py",
        rev="25ab3680463fb5cf97232cc8fc46fa66f4531541", paths=("Feed Forward.py",),
        patches={"Feed Forward.py": [("wandb.agent(sweep_id, sweep_train)",
                                      "wandb.agent(sweep_id, sweep_train, count=3)"),
                                     ("'values' : [20,30,40,50,60]", "'values' : [1,2]")]},
        data="keras fashion_mnist -> digits",
        note="random dict (metric accuracy), wandb.sweep(entity=, project=) at import, wandb.init(config=defaults) "
             "whose batch_size default is the string '16', `values` with 'vanilla' and 'nesterov', agent without "
             "count (harness count=3), a script name with a space"),
    "bhavesh_sweep_dot_config": Setup(
        "bhaveshjain1203/CS6910_Assignment1", "run", sweep="sweep.config",
        rev="9f5cb448c36a2e3839543fb12ea5a8154d35a5a4", paths=("*.py", "sweep.config"),
        data="keras fashion_mnist -> digits",
        note="a YAML sweep file named sweep.config (`wandb sweep sweep.config`), bayes, program train.py whose "
             "argparse options (--lr, --epochs) are not the sweep's names (learning_rate, num_epochs)"),
}
H.SETUPS.clear()
H.SETUPS.update(NEW)

if __name__ == "__main__":
    H.main()
