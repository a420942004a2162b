"""Run-side probe program (session 28): logs val_acc once per epoch (slow starters are worse at every band);
the nested `model` parameter arrives as a dict on the command line and in wandb.config."""
import json
import sys
import time

import wandb

run = wandb.init(config={"model": {"rate": 0.1, "depth": 1, "width": 32}, "epochs": 1})
cfg = wandb.config
print("ARGV " + json.dumps(sys.argv[1:]), flush=True)
print("READ " + json.dumps({"model": dict(cfg.model), "epochs": cfg.epochs}, sort_keys=True), flush=True)
acc = 0.0
for epoch in range(cfg.epochs):
    acc = acc + (1 - acc) * cfg.model["rate"]
    wandb.log({"val_acc": acc, "epoch": epoch})
    time.sleep(1.0)
print(f"DONE epochs={epoch + 1} acc={acc:.4f}", flush=True)
run.finish()
