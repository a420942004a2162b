"""Run-side probe (written for session 29, in the idioms the brief lists): a bayes sweep dict (goal maximize) run
with ``wandb.agent(sweep_id, function=train, count=3, project=..., entity=...)``; inside the run:
``wandb.config.update(..., allow_val_change=True)`` of a swept key and of a program key, a program key changed
without ``allow_val_change`` (by ``update`` and by attribute), an ``argparse.Namespace`` passed to ``update``,
assignment to a swept key, and ``run.log(..., step=i, commit=False)`` followed by ``run.log(..., step=i)``. Each run
prints one JSON line of what it read (``READ {...}``), compared between W&B offline and tunewise."""
import argparse
import json

import wandb

sweep_config = {
    "method": "bayes",
    "metric": {"name": "val_acc", "goal": "maximize"},
    "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": 0.001, "max": 0.1},
        "layers": {"values": [1, 2, 3]},
        "opt": {"parameters": {"name": {"values": ["adam", "sgd"]}, "beta": {"value": 0.9}}},
    },
}


def _try(fn):
    try:
        fn()
        return "ok"
    except Exception as e:  # noqa: BLE001 - the probe records what each library raises
        return type(e).__name__


def train():
    run = wandb.init(config={"lr": 0.5, "epochs": 3, "batch": 32, "opt": {"name": "x", "wd": 0.01}})
    cfg = wandb.config
    lr0, layers0 = cfg.lr, cfg.layers
    read = {}
    read["swept_update_allow"] = _try(lambda: cfg.update({"lr": 0.7}, allow_val_change=True))
    read["lr_kept_sweep_value"] = cfg.lr == lr0 and cfg.lr != 0.7
    read["program_update_same_value"] = _try(lambda: cfg.update({"batch": 32}))
    read["program_update_new_value"] = _try(lambda: cfg.update({"batch": 64}))
    read["batch_after_refused"] = cfg.batch
    read["program_update_allow"] = _try(lambda: cfg.update({"batch": 128}, allow_val_change=True))
    read["batch_after_allow"] = cfg.batch
    read["attr_new_key"] = _try(lambda: setattr(cfg, "dropout", 0.1))
    read["attr_change_key"] = _try(lambda: setattr(cfg, "dropout", 0.2))
    read["dropout"] = cfg.dropout
    read["item_change_key"] = _try(lambda: cfg.__setitem__("dropout", 0.3))
    read["attr_swept_key"] = _try(lambda: setattr(cfg, "layers", 99))
    read["layers_kept_sweep_value"] = cfg.layers == layers0
    ns = argparse.Namespace(layers=42, seed=7, epochs=3)
    read["namespace_update"] = _try(lambda: cfg.update(ns))
    read["namespace_seed"] = cfg.get("seed")
    read["layers_after_namespace"] = cfg.layers == layers0
    read["opt"] = {k: (v if k != "name" else "<swept>") for k, v in dict(cfg.opt).items()}
    best = 0.0
    for epoch in range(cfg.epochs):
        run.log({"train_loss": 1.0 / (epoch + 1)}, step=epoch, commit=False)
        acc = 1 - 0.5 ** (epoch + 1) * (1 + cfg.lr)
        run.log({"val_acc": acc}, step=epoch)
        best = max(best, acc)
    read["step_after_loop"] = run.step
    wandb.log({"val_acc": best, "extra": 1})
    read["step_after_unstepped_log"] = run.step
    read["summary_val_acc_is_best"] = run.summary["val_acc"] == best
    read["summary_train_loss"] = run.summary.get("train_loss")
    read["keys"] = sorted(k for k in dict(cfg) if not k.startswith("_"))
    read["key_order"] = [k for k in dict(cfg) if not k.startswith("_")]
    read["opt_order"] = list(dict(cfg.opt))
    print("READ " + json.dumps(read, sort_keys=True, default=repr), flush=True)
    run.finish()


sweep_id = wandb.sweep(sweep_config, project="s29-runside")
wandb.agent(sweep_id, function=train, count=3, project="s29-runside", entity="someone")
