"""An unchanged W&B sweep (script and YAML) run by tunewise: no W&B account, no network.

examples/wandb_sweep/train.py calls wandb.init/config/log/summary as every W&B sweep script does;
examples/wandb_sweep/sweep.yaml is a W&B sweep file (bayes, weighted categorical values,
hyperband early termination) plus one tunewise extension: a conditional parameter (`when`).
`import wandb` in the script gets tunewise's stand-in (even where the real wandb is installed),
so the runs report to the sweep, and hyperband stops runs that fall behind.

The command line equivalent:

    tunewise sweep run examples/wandb_sweep/sweep.yaml --workers 2

Outputs (a SQLite study and one log per run) go under ./out/wandb_script_unchanged/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tunewise.sweeps import SweepConfig, SweepRunner

HERE = Path(__file__).resolve().parent
OUT = Path("out") / "wandb_script_unchanged"
QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"

if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    config = SweepConfig.from_file(HERE / "wandb_sweep" / "sweep.yaml")
    config.run_cap = 4 if QUICK else 20
    url = f"sqlite:///{(OUT / 'sweep.db').resolve()}"
    study = SweepRunner(config, storage=url, workers=2, log_dir=OUT / "runs", echo=print).run()
    states = [t.state.value for t in study.trials]
    print(f"\n{states.count('COMPLETE')} complete, {states.count('PRUNED')} stopped early by hyperband")
    best = study.best_trial
    print(f"best val_loss {best.value:.4f} with {best.user_attrs['config']}")
    print(f"its summary: best_val_loss={best.user_attrs['metrics']['best_val_loss']:.4f}")
