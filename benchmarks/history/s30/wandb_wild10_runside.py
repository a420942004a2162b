"""Run-side check of two third-party W&B sweep programs' idioms, W&B 0.31 offline vs tunewise's stand-in (s30).

The programs are reduced to what the run reads (their models need data the repositories do not hold); their sweep
configurations are read from the mirrors at the pinned commits (``wandb_wild10_configs.py``):

- ``ewan_init_with_sweep_config`` (``EwanBeattie/MLX8_W5_Audio`` ``train.py``): the agent calls
  ``config_train()`` with no argument, so ``config`` falls back to the *sweep configuration itself*, and the run
  does ``wandb.init(entity=..., project=..., config=sweep_config)``: the run's config gets ``method``, ``metric``
  and ``parameters`` (nested dicts) from the program next to the swept keys; the program reads
  ``wandb.config.batch_size`` etc.
- ``mapu_init_hparams_then_read`` (``mohamedr002/MAPU_SFDA_TS`` ``trainers/sweep.py``): ``wandb.init(config=
  self.hparams, dir=...)`` with the program's own hyperparameters (some of them swept), then
  ``self.hparams.update(wandb.config)``-style reads of every key.

W&B mode emulates W&B's Python agent for one run exactly as ``wandb/agents/pyagent.py`` ``_run_job`` does (the
run's config written with ``config_util.save_config_file_from_dict`` to ``WANDB_SWEEP_PARAM_PATH``, ``WANDB_SWEEP_ID``
and ``WANDB_RUN_ID`` set, the function called, ``wandb.finish()``), with the first configuration W&B's engine draws
(``sweeps.next_run``, numpy seed 0). tunewise mode runs the same program under ``tunewise sweep python --count 1``
and then replays W&B's drawn values (``WANDB_REPLAY`` makes the program print what it read for them too, by a
second call with a config of those values). Each run prints ``READ {...}``: the keys of ``wandb.config`` in order,
the swept values and their types, the program keys' values and types.

    P=/work/venvs/compat30/bin/python
    PYTHONPATH=/tmp/wandb_sweeps/sweepspkg/src $P benchmarks/history/s30/wandb_wild10_runside.py wandb
    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s30/wandb_wild10_runside.py tunewise
"""

from __future__ import annotations

import ast
import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

MIRRORS = Path("/work/.mirror")
EWAN = ("EwanBeattie/MLX8_W5_Audio", "609f7c1fa250e10461fd2ceabdd9a4f30f312011", "configs.py")
MAPU = ("mohamedr002/MAPU_SFDA_TS", "97e0993995ae1decb35ca99bd867c86ae5232ddd", "configs/sweep_params.py")


def _show(repo: str, rev: str, path: str) -> str:
    git_dir = MIRRORS / repo.replace("/", "+") / "repo"
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{rev}:{path}"], capture_output=True,
                          text=True, check=True).stdout


def _assigned(text: str, var: str):
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in node.targets):
            return ast.literal_eval(node.value)
    raise KeyError(var)


def programs() -> dict[str, tuple[dict, str]]:
    ewan_text = _show(*EWAN)
    sweep_config = _assigned(ewan_text, "sweep_config")
    run_config = _assigned(ewan_text, "run_config")
    mapu = _assigned(_show(*MAPU), "sweep_alg_hparams")["MAPU"]
    mapu_sweep = {"method": "random", "metric": {"name": "src_risk", "goal": "minimize"}, "name": "MAPU_CNN",
                  "parameters": mapu}
    # MAPU's hparams: configs/hparams.py's MAPU entry is larger; the keys the sweep shares with it and two of its own
    mapu_hparams = {"pre_learning_rate": 0.001, "learning_rate": 0.001, "ent_loss_wt": 0.05, "im": 0.5,
                    "target_cls_wt": 0.1, "TOV_wt": 0.5, "num_epochs": 40, "batch_size": 32}
    common = (
        "import json, os, sys\nimport wandb\n\n"
        "def _read(c, keys):\n"
        "    out = {'keys': list(c.keys())}\n"
        "    for k in keys:\n"
        "        v = c[k]\n"
        "        out[k] = [v if isinstance(v, (int, float, str, bool, type(None))) else repr(v), type(v).__name__]\n"
        "    return out\n\n"
    )
    ewan = common + (
        f"sweep_config = {sweep_config!r}\nrun_config = {run_config!r}\n\n"
        "def config_train(config=None):\n"
        "    if config is None:\n"
        "        config = sweep_config\n"
        "    wandb.init(entity=run_config['entity'], project=run_config['project'], config=config)\n"
        "    c = wandb.config\n"
        "    read = _read(c, ['batch_size', 'learning_rate', 'num_epochs', 'dropout', 'method', 'metric'])\n"
        "    read['parameters_type'] = type(c['parameters']).__name__\n"
        "    read['attr_batch'] = c.batch_size\n"
        "    print('READ ' + json.dumps(read, default=repr), flush=True)\n"
        "    wandb.log({'test_accuracy': 50.0})\n\n"
        "if __name__ == '__main__':\n"
        "    sweep_id = wandb.sweep(sweep_config, entity=run_config['entity'], project=run_config['project'])\n"
        "    wandb.agent(sweep_id=sweep_id, function=config_train, project=run_config['project'], count=1)\n"
    )
    mapu_prog = common + (
        f"sweep_config = {mapu_sweep!r}\nhparams = {mapu_hparams!r}\n\n"
        "def train():\n"
        "    run = wandb.init(config=hparams, dir='.')\n"
        "    c = wandb.config\n"
        "    read = _read(c, sorted(hparams))\n"
        "    merged = dict(hparams); merged.update(dict(c))\n"
        "    read['merged_types'] = {k: type(v).__name__ for k, v in merged.items()}\n"
        "    print('READ ' + json.dumps(read, default=repr), flush=True)\n"
        "    run.log({'src_risk': 0.3})\n\n"
        "if __name__ == '__main__':\n"
        "    sweep_id = wandb.sweep(sweep_config, project='MAPU', entity=None)\n"
        "    wandb.agent(sweep_id, train, count=1)\n"
    )
    return {"ewan_init_with_sweep_config": (sweep_config, ewan), "mapu_init_hparams_then_read": (mapu_sweep, mapu_prog)}


WANDB_DRIVER = r'''
import os, sys, json, runpy
import numpy as np
import sweeps, wandb
from wandb.sdk.lib import config_util
cfg = json.loads(os.environ["HARNESS_SWEEP"])
np.random.seed(0)
run = sweeps.next_run(cfg, [])
# the server sends the run's config as JSON: numpy scalars arrive as Python numbers
job_config = json.loads(json.dumps({k: {"value": v["value"]} for k, v in dict(run.config).items()},
                                   default=lambda v: v.item()))
print("DRAWN " + json.dumps({k: v["value"] for k, v in job_config.items()}, default=repr), flush=True)
mod = runpy.run_path(sys.argv[1], run_name="harness")  # defines the function, not __main__
fn = mod[os.environ["HARNESS_FN"]]
os.environ["WANDB_RUN_ID"] = "harnessrun1"
path = os.path.join("wandb", "sweep-harness", "config-harnessrun1.yaml")
os.environ["WANDB_SWEEP_PARAM_PATH"] = path
config_util.save_config_file_from_dict(path, job_config)
os.environ["WANDB_SWEEP_ID"] = "harness"
fn()
wandb.finish()
'''


def main() -> None:
    mode = sys.argv[1]
    for name, (sweep, text) in programs().items():
        with tempfile.TemporaryDirectory(prefix="wwild10_") as d:
            prog = Path(d) / "program.py"
            prog.write_text(text)
            env = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true", PYTHONWARNINGS="ignore")
            fn = "config_train" if name.startswith("ewan") else "train"
            if mode == "wandb":
                (Path(d) / "driver.py").write_text(WANDB_DRIVER)
                env.update(HARNESS_SWEEP=json.dumps(copy.deepcopy(sweep)), HARNESS_FN=fn)
                cmd = [sys.executable, "driver.py", "program.py"]
            else:
                cmd = [sys.executable, "-m", "tunewise", "sweep", "python", "--storage", f"sqlite:///{d}/s.db",
                       "program.py"]
            proc = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True, timeout=300)
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(("READ ", "DRAWN "))]
            print(json.dumps({"name": name, "mode": mode, "rc": proc.returncode, "lines": lines,
                              "stderr_tail": proc.stderr[-600:] if proc.returncode else ""}), flush=True)


if __name__ == "__main__":
    main()
