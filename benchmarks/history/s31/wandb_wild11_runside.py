"""The run side of CUNY-CL/yoyodyne's W&B sweep (s31, wandb_wild11.md), reduced to what a run reads.

yoyodyne's README: ``wandb sweep configs/grid.yaml`` stores the sweep (the file has no ``program``), then
``yoyodyne_sweep --sweep_id ID --config configs/tune.yaml`` (``yoyodyne/cli/sweep.py``) calls
``wandb.agent(sweep_id=..., entity=..., project=..., function=functools.partial(train_sweep, config, argv),
count=...)``; ``train_sweep`` opens ``with wandb.init() as run:`` and writes each ``run.config.items()`` pair
(dotted keys such as ``model.init_args.optimizer.init_args.lr``) into the base config with
``util.recursive_insert`` before starting ``yoyodyne fit`` on it. Here the same calls, with the base config
``configs/tune.yaml`` and ``recursive_insert`` as written there, and the training process replaced by a
metric computed from the merged config (its data and GPU model are not in the repository). Run with
``tunewise sweep python --storage URL wandb_wild11_runside.py --sweep_id ID --config tune.yaml``.
"""

from __future__ import annotations

import argparse
import functools
import json
from typing import Any

import wandb
import yaml


def recursive_insert(config: dict[str, Any], key: str, value: Any) -> None:
    *most, last = key.split(".")
    ptr = config
    for piece in most:
        try:
            ptr = ptr[piece]
        except KeyError:
            ptr[piece] = {}
            ptr = ptr[piece]
    ptr[last] = value


def train_sweep(config: dict[str, Any]) -> None:
    with wandb.init() as run:
        merged = json.loads(json.dumps(config))
        for key, value in run.config.items():
            recursive_insert(merged, key, value)
        init = merged["model"]["init_args"]
        acc = 0.5 + 0.1 * init["decoder_layers"] - init["decoder_dropout"] / 10
        print("run keys:", sorted(run.config.keys())[:3], "...", len(run.config.keys()),
              "| merged model keys:", sorted(init)[:4], "| lr type:",
              type(init["optimizer"]["init_args"]["lr"]).__name__,
              "| batch:", type(merged["data"]["batch_size"]).__name__, merged["data"]["batch_size"] % 16 == 0,
              "| source_encoder kept:", "init_args" in init["source_encoder"], flush=True)
        wandb.log({"val_accuracy": acc})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweep_id", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--count", type=int, default=3)
    args = parser.parse_args()
    with open(args.config) as f:
        base = yaml.safe_load(f)
    wandb.agent(sweep_id=args.sweep_id, entity="ent", project="proj",
                function=functools.partial(train_sweep, base), count=args.count)
