"""Session 30: third-party W&B sweep configurations alone, W&B's validator and engine against tunewise's parser.

Session 25's probe (``../s25/wandb_wild4_configs.py``: W&B's validator and ``next_run`` against tunewise's
``SweepConfig``, 1000 draws of each engine compared per parameter, the command line of one run, hyperband bands,
``run_cap``), as session 26 used it, with this batch's configurations, from repositories named in no file under
``benchmarks/history`` or ``docs/``. One configuration is assembled at run time by its program
(``mohamedr002/MAPU_SFDA_TS``: ``trainers/sweep.py`` builds ``{'method': args.hp_search_strategy, 'metric':
{'name': args.metric_to_minimize, 'goal': 'minimize'}, 'name': ..., 'parameters': {**sweep_alg_hparams[method]}}``);
it is built here the same way with the program's argparse defaults (``random``, ``src_risk``) for ``MAPU``.

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s30/wandb_wild10_configs.py \
        > wandb_wild10_configs_before.jsonl          # and the after src, wandb_wild10_configs_after.jsonl
    /work/venvs/compat30/bin/python benchmarks/history/s30/wandb_wild10_configs.py --report BEFORE AFTER

W&B's engine is wandb/sweeps' ``src/sweeps`` at its mirror's HEAD, extracted to ``/tmp/wandb_sweeps/sweepspkg``
(``git --git-dir /work/.mirror/wandb+sweeps/repo archive HEAD src/sweeps``); ``jsonref`` and W&B 0.31 are in the
interpreter's site-packages.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild4_configs", HERE.parent / "s25" / "wandb_wild4_configs.py")
assert _spec is not None and _spec.loader is not None
C25 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild4_configs"] = C25
_spec.loader.exec_module(C25)

MAPU = "mohamedr002/MAPU_SFDA_TS"
MAPU_REV = "97e0993995ae1decb35ca99bd867c86ae5232ddd"

# (name, repo, commit, path, variable for a Python file, "" for YAML, "mapu:<method>" for the assembled one)
C25.SOURCES[:] = [
    ("st7ma784_random_values_only", "st7ma784/MLSlurmTemplate", "878dd2d8ab8c91e9554c5d7c834f96c8a54b76be",
     "CreateWandBSweep.py", "sweep_config"),
    ("ewan_bayes_single_value_lists", "EwanBeattie/MLX8_W5_Audio", "609f7c1fa250e10461fd2ceabdd9a4f30f312011",
     "configs.py", "sweep_config"),
    ("mihir_random_booleans_tiny_lr", "MihirBafna/DiffRNAFold", "209fefde570057cf208a68c0bf3376d949b28ff0",
     "sweep.py", "sweep_configuration"),
    ("mapu_assembled_uniform_and_values", MAPU, MAPU_REV, "configs/sweep_params.py", "mapu:MAPU"),
]

_load = C25.load


def load(repo: str, rev: str, path: str, var: str) -> tuple[dict[str, Any], str, str]:
    """``mapu:<method>``: trainers/sweep.py's assembly with its argparse defaults; anything else as in s25."""
    if not var.startswith("mapu:"):
        return _load(repo, rev, path, var)
    method = var.split(":", 1)[1]
    text = C25.git(repo, "show", f"{rev}:{path}")
    hparams = C25.python_dict(text, "sweep_alg_hparams")
    cfg = {
        "method": "random",  # --hp_search_strategy default
        "metric": {"name": "src_risk", "goal": "minimize"},  # --metric_to_minimize default
        "name": method + "_CNN",  # da_method + '_' + backbone (--backbone default CNN)
        "parameters": {**hparams[method]},
    }
    return cfg, text, rev[:12]


C25.load = load

if __name__ == "__main__":
    if "--report" in sys.argv:
        i = sys.argv.index("--report")
        C25.report(sys.argv[i + 1], sys.argv[i + 2])
    else:
        C25.main()
