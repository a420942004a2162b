"""W&B scripts that misbehave under `tunewise sweep`: a metric logged as a string (or None) fails
the run with a reason that says what wandb.log got, not only that no metric was printed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import tunewise as tw
from tunewise.sweeps import SweepConfig, SweepRunner

NON_NUMERIC = textwrap.dedent('''
    import wandb
    run = wandb.init()
    wandb.log({"val_loss": "bad", "epoch": 1})
    wandb.log({"val_loss": None})
''')


def test_a_non_numeric_metric_fails_the_run_with_a_reason_naming_the_value(tmp_path: Path):
    (tmp_path / "train.py").write_text(NON_NUMERIC)
    cfg = SweepConfig.from_dict({"program": str(tmp_path / "train.py"), "metric": {"name": "val_loss"},
                                 "log_dir": str(tmp_path / "runs"), "timeout": 60, "method": "grid",
                                 "parameters": {"x": {"value": 1}}})
    study = SweepRunner(cfg, storage="memory", echo=None).run()
    (trial,) = study.trials
    assert trial.state == tw.TrialState.FAILED
    reason = trial.system_attrs["fail_reason"]
    assert "never printed the metric 'val_loss'" in reason
    assert "wandb.log got 'bad' (str) for the sweep's metric 'val_loss', not a number" in reason
    assert "wandb.log got None (NoneType)" in reason
