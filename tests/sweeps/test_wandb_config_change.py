"""W&B's ``wandb.config.update({...})`` refuses to change a key the program set before (its
``config_util.ConfigError``: "Attempted to change value of key ... pass allow_val_change=True"),
and so does ``wandb.config.key = value``; tunewise's stand-in changed it silently (s32 batch 12
run-side probe, benchmarks/history/s32/wandb_wild12.md). A swept key still keeps the sweep's value
(a warning), the same value is no change, and ``allow_val_change=True`` changes it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tunewise.sweeps import SweepConfig, SweepRunner

PROGRAM = textwrap.dedent("""
    import json
    import os
    import wandb
    from wandb.sdk.lib.config_util import ConfigError

    run = wandb.init(config={"lr": 0.5, "epochs": 3, "opt": {"name": "sgd"}})
    cfg = wandb.config
    seen = {}
    for label, change in (("update", lambda: cfg.update({"epochs": 7})),
                          ("item", lambda: cfg.__setitem__("epochs", 8)),
                          ("attribute", lambda: setattr(cfg, "epochs", 9))):
        try:
            change()
            seen[label] = "changed"
        except ConfigError as e:
            seen[label] = str(e).splitlines()[0]
    cfg.update({"epochs": 3, "batch": 16})           # the same value, a new key: no error
    cfg.update({"lr": 0.9})                          # the sweep's key: ignored with a warning
    cfg.update({"epochs": 5}, allow_val_change=True)
    seen["after"] = [cfg.epochs, cfg.batch, cfg.lr, isinstance(ConfigError("x"), wandb.Error)]
    with open(os.path.join(os.environ["TUNEWISE_RUN_DIR"], "seen.json"), "w") as f:
        json.dump(seen, f)
    wandb.log({"val_loss": cfg.lr})
    wandb.finish()
""")


def test_changing_a_program_key_without_allow_val_change_raises_config_error(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(PROGRAM)
    cfg = SweepConfig.from_dict({"program": str(tmp_path / "train.py"), "metric": {"name": "val_loss"},
                                 "method": "grid", "parameters": {"lr": {"values": [0.01]}},
                                 "log_dir": str(tmp_path / "runs"), "timeout": 60})
    study = SweepRunner(cfg, storage="memory", echo=None).run()
    (trial,) = study.trials
    seen = json.loads((Path(trial.system_attrs["sweep_run_dir"]) / "seen.json").read_text())
    message = 'Attempted to change value of key "epochs" from 3 to '
    assert seen["update"] == message + "7"
    assert seen["item"] == message + "8"
    assert seen["attribute"] == message + "9"
    assert seen["after"] == [5, 16, 0.01, True]
    assert trial.value == 0.01
