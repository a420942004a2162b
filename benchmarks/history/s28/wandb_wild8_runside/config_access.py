"""Run-side probe (written for session 28, in the idioms the brief lists): a sweep dict built in Python with nested
parameters, `distribution: constant` and q_normal, `wandb.init(config=defaults)` whose nested default holds a key the
sweep does not set, reads through attributes, items, `.get` with defaults, `dict(...)`, `as_dict()`; the metric
(goal maximize) is written only to `wandb.run.summary`, never logged; `run.summary.update`. Each run prints one JSON
line of what it read (`READ {...}`), compared between W&B offline and tunewise."""
import json
import math

import wandb

sweep_config = {
    "method": "random",
    "metric": {"name": "best_acc", "goal": "maximize"},
    "parameters": {
        "optimizer": {
            "parameters": {
                "name": {"values": ["adam", "sgd"]},
                "lr": {"distribution": "q_log_uniform_values", "min": 0.001, "max": 0.1, "q": 0.001},
            }
        },
        "epochs": {"distribution": "constant", "value": 3},
        "shift": {"distribution": "q_normal", "mu": 0, "sigma": 1, "q": 0.5},
        "tag": {"value": None},
    },
}

defaults = {"epochs": 1, "optimizer": {"name": "sgd", "lr": 0.5, "momentum": 0.9}, "seed": 3, "widths": (8, 16)}


def train():
    run = wandb.init(config=defaults, project="s28-runside")
    cfg = wandb.config
    opt = cfg.optimizer
    read = {
        "epochs": cfg.epochs,
        "optimizer": dict(opt),
        "optimizer_type": type(opt).__name__,
        "momentum_kept": opt.get("momentum", "absent") if hasattr(opt, "get") else "no get",
        "lr_item": cfg["optimizer"]["lr"],
        "get_missing": cfg.get("dropout", 0.25),
        "get_present": cfg.get("seed", -1),
        "tag": cfg.tag,
        "widths": cfg.widths,
        "widths_type": type(cfg.widths).__name__,
        "shift_mod_q": round(cfg.shift / 0.5, 9) == round(cfg.shift / 0.5),
        "keys": sorted(k for k in dict(cfg) if not k.startswith("_")),
        "as_dict_keys": sorted(k for k in cfg.as_dict() if not k.startswith("_")),
    }
    print("READ " + json.dumps(read, sort_keys=True, default=repr), flush=True)
    best = 0.0
    for epoch in range(cfg.epochs):
        acc = 1 - math.exp(-(epoch + 1) * opt["lr"] * 10) + 0.01 * cfg.shift
        wandb.log({"epoch": epoch, "acc": acc})
        best = max(best, acc)
    wandb.run.summary["best_acc"] = best
    run.summary.update({"final_epoch": cfg.epochs - 1})
    run.finish()


sweep_id = wandb.sweep(sweep_config, project="s28-runside")
wandb.agent(sweep_id, function=train, count=3)
