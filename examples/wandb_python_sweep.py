"""A W&B sweep written in Python (wandb.sweep + wandb.agent) run by tunewise, unchanged.

examples/wandb_sweep/train_sweep.py is a W&B script: it builds its sweep config as a dict, calls
wandb.sweep(config) and wandb.agent(sweep_id, function=train, count=N). `tunewise sweep python`
runs it with tunewise as its wandb: the agent calls train() once per run in one process, each
wandb.log is a report (hyperband stops poor runs inside it), and every run lands in a SQLite study.

    tunewise sweep python --storage sqlite:///out/wandb_python_sweep/sweep.db examples/wandb_sweep/train_sweep.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import tunewise as tw

HERE = Path(__file__).resolve().parent
OUT = Path("out") / "wandb_python_sweep"

if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    url = f"sqlite:///{(OUT / 'sweep.db').resolve()}"
    subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage", url,
                    str(HERE / "wandb_sweep" / "train_sweep.py")], check=True)
    study = tw.load_study(study_name="sgd-digits-python", storage=url)
    states = [t.state.value for t in study.trials]
    print(f"{states.count('COMPLETE')} complete, {states.count('PRUNED')} stopped early by hyperband")
    print(f"best val_error {study.best_value:.4f} with {study.best_params}")
