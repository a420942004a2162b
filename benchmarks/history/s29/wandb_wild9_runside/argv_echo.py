"""Run-side probe (session 29): a program that never reads ``wandb.config``; it prints the command line the sweep
gave it (``READ {"argv": [...]}``) and the types ``wandb.config`` holds, then logs its metric once."""
import json
import sys

import wandb

run = wandb.init()
cfg = {k: [type(v).__name__, v] for k, v in sorted(dict(wandb.config).items()) if not k.startswith("_")}
order = [k for k in dict(wandb.config) if not k.startswith("_")]
print("READ " + json.dumps({"argv": sys.argv[1:], "config": cfg, "config_order": order}, sort_keys=True, default=repr),
      flush=True)
wandb.log({"score": 1.0})
run.finish()
