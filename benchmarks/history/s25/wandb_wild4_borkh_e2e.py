"""s25: borkh/mcbm-ring-reco's sweep_config (its grid sweep dict, read by wandb_wild4_configs.py's extractor)
through `tunewise sweep python`, with a function that prints the type of each value it gets (2 runs).

    cd /tmp/s25/borkh && PYTHONPATH=/tmp/s25/before/src /work/main/.venv/bin/python -m tunewise sweep python \\
        --storage sqlite:///s_before.db /work/main/benchmarks/history/s25/wandb_wild4_borkh_e2e.py   # and after
"""

import importlib.util
import json
from pathlib import Path

import wandb

_spec = importlib.util.spec_from_file_location("probe", Path(__file__).with_name("wandb_wild4_configs.py"))
assert _spec is not None and _spec.loader is not None
probe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe)
cfg, _, _commit = probe.load("borkh/mcbm-ring-reco", "cf7213e45123aa0c3503f6c2c0de5f2195e71ae5",
                             "sweep_configs.py", "sweep_config")
if "metric" not in cfg:
    cfg = dict(cfg, metric={"name": "loss", "goal": "minimize"})


def train() -> None:
    with wandb.init() as run:
        seen = {k: type(v).__name__ for k, v in sorted(dict(wandb.config).items())}
        print("SEEN", json.dumps(seen), flush=True)
        run.log({cfg["metric"]["name"]: 1.0})


wandb.agent(wandb.sweep(cfg), function=train, count=2)
