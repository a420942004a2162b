"""Session 26: third-party sweep configurations alone, W&B's validator and engine against tunewise's parser.

Session 25's probe (``../s25/wandb_wild4_configs.py``: W&B's validator and ``next_run`` against tunewise's
``SweepConfig``, 1000 draws of each engine compared per parameter, the command line of one run, hyperband bands,
``run_cap``) with a new list of configurations, from repositories in none of the manifests or write-ups under
``benchmarks/history``; a configuration in a notebook is read from its code cells (IPython lines dropped).

    PYTHONPATH=/tmp/s26w/before/src:/tmp/s23/wbextra .venv/bin/python benchmarks/history/s26/wandb_wild5_configs.py \
        > benchmarks/history/s26/wandb_wild5_raw/configs_before.jsonl          # and after/src, configs_after.jsonl
    .venv/bin/python benchmarks/history/s26/wandb_wild5_configs.py --report configs_before.jsonl configs_after.jsonl
"""

from __future__ import annotations

import importlib.util
import json
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

# (name, repo, commit, path, variable for a Python file or notebook, "" for YAML)
C25.SOURCES[:] = [
    ("abinash_cnn_yaml_string_bounds", "abinashagasti/DA6401_Assignment1", "b4d643570cabe4609bf0ee72ecb1d57ccd94df9a",
     "partA/sweep1.yaml", ""),
    ("abinash_cnn_yaml_float_bounds", "abinashagasti/DA6401_Assignment1", "b4d643570cabe4609bf0ee72ecb1d57ccd94df9a",
     "partA/sweep4.yaml", ""),
    ("abinash_pretrained_grid_string_values", "abinashagasti/DA6401_Assignment1",
     "b4d643570cabe4609bf0ee72ecb1d57ccd94df9a", "partB/sweep_pretrained.yaml", ""),
    ("vandit_yaml_uniform_tiny_value", "vandit2209/CS6910_Assignment1", "780a6bbfefbbcc67d7e1b8153f0a7b51835f8cb3",
     "sweep.yaml", ""),
    ("bhavesh_sweep_dot_config", "bhaveshjain1203/CS6910_Assignment1", "9f5cb448c36a2e3839543fb12ea5a8154d35a5a4",
     "sweep.config", ""),
    ("ns26z118_program_in_dict", "ns26z118-del/DA6401_Assignment1", "aa5db3fb5ba2e509c57748994fd374c4eecd592c",
     "experiments/section_2_2_create_sweep.py", "SWEEP_CONFIG"),
    ("theswayam_log_uniform_values", "theswayamsarthak/da6401_assignment_1", "d77cf4e40370af2fd1fd839b4fab75681e1f3370",
     "sweep_config.py", "sweep_cfg"),
    ("hegde_bayes_name_with_space", "hegdekartik/cs6910_assignment1", "47f9cff4c9d1ddbb890e1db8bbfc8e82c46c1abf",
     "start.py", "sweep_config"),
    ("naveetha_scalar_value", "NaveethaNithianandam/DA6401_Assignment_1", "a553574e1c67fa0f6eff96ddffafd486bb72917e",
     "src/sweep_config.py", "sweep_config"),
    ("romil_bayes_booleans", "Romilchouhan/cs6910_assignment1", "18bed1db5cb1e2b9574d776f8b052fa7499018a8",
     "train.py", "sweep_config_1"),
    ("manoj_goal_uppercase", "MANOJKUMAR-CM/DA6401_Assignment1", "93b43ae43259d20dbef26e29b66ec07311891d51",
     "hyperParam_sweep_MNIST.py", "sweep_config"),
    ("amar_values_only", "amar-at-iitm/da6401_assignment1", "dd0abb3ded778c66e1e7410e0a2b1a0df79ae6c3",
     "sweep_config.py", "sweep_config"),
    ("theris_nb_scalar_value", "therisbh/DA6401_Assignment_1", "fb588086a1b665297ff6b0357ccef364fda06147",
     "notebook/wandb_report.ipynb", "sweep_config_mnist"),
    ("drinferni_nb_grid_of_8", "drinferni/DA6401_assign_1_1", "9df0fd55ed799f6b4d64f78f6c73096a88c8059f",
     "notebooks/wandb_demo.ipynb", "sweep_config"),
    ("manideep_nb_bayes", "ManideepLadi/cs6910_assignment1", "2da1234bdb72fcf0a92bf6a8bb3d920ac812a6f8",
     "DeepNeuralNetwork.ipynb", "sweep_config"),
    ("rashmi_nb_grid_no_metric", "rashmi05pathak/CS6910_Assignment1", "HEAD",
     "EE20S051_ED21S007_DL_Assignment1.ipynb", "sweep_config"),
    ("ramkamal_nb_bayes", "ramkamal2000/cs6910_assignment1", "9f51979f6ac1f86a65745045c816245e364dab44",
     "Fashion_MNIST.ipynb", "sweep_config"),
    ("mounik_random_vanilla", "mounik2000/CS6910_Assignment1", "25ab3680463fb5cf97232cc8fc46fa66f4531541",
     "Feed Forward.py", "sweep_config"),
]

_load = C25.load


def load(repo: str, rev: str, path: str, var: str) -> tuple[dict[str, Any], str, str]:
    """A notebook's configuration is read from its code cells (IPython lines dropped); anything else as in s25."""
    if not path.endswith(".ipynb"):
        return _load(repo, rev, path, var)
    nb = json.loads(C25.git(repo, "show", f"{rev}:{path}"))
    cells = ["\n".join("" if ln.lstrip().startswith(("!", "%")) else ln for ln in "".join(c["source"]).splitlines())
             for c in nb["cells"] if c.get("cell_type") == "code"]
    commit = C25.git(repo, "rev-list", "-1", rev, "--", path).strip()[:12]
    for cell in cells:  # the first cell that assigns ``var`` and parses (other cells may hold IPython syntax)
        try:
            return C25.python_dict(cell, var), cell, commit
        except (KeyError, SyntaxError):
            continue
    raise KeyError(var)


C25.load = load
_ = yaml  # PyYAML reads the YAML files, as W&B's CLI does (s25's loader)

if __name__ == "__main__":
    if "--report" in sys.argv:
        i = sys.argv.index("--report")
        C25.report(sys.argv[i + 1], sys.argv[i + 2])
    else:
        C25.main()
