"""Run-side probe (session 29): hyperparameters from argparse only; ``wandb.init(config=args)``; one val_acc per
epoch. Prints ``READ`` of what argparse parsed (types) and what wandb.config holds for the swept keys."""
import argparse
import json

import wandb

p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--hidden", type=int, default=16)
p.add_argument("--dropout", type=float, default=0.1)
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
args = p.parse_args()
run = wandb.init(config=args)
read = {
    "types": {k: type(v).__name__ for k, v in sorted(vars(args).items())},
    "config_equals_args": all(wandb.config[k] == v for k, v in vars(args).items()),
    "seed_in_config": wandb.config.get("seed"),
}
print("READ " + json.dumps(read, sort_keys=True), flush=True)
for epoch in range(args.epochs):
    acc = 1 - 0.5 ** (epoch + 1) * (1 + args.dropout) * (args.lr * 10)
    wandb.log({"val_acc": acc, "epoch": epoch})
run.finish()
