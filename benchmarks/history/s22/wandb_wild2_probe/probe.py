import json
import sys

import wandb

i = sys.argv.index("--cfg")
cfg = json.load(open(sys.argv[i + 1]))
print("argv", sys.argv[i + 2:])
print("file", cfg)
run = wandb.init(config={"layers": 2})
run.define_metric("acc", summary="max")
print("config", dict(run.config))
accs = [0.5, 0.9, 0.7]
for a in accs:
    run.log({"loss": 1 - a}, commit=False)
    run.log({"acc": a})
print("summary", dict(run.summary))
run.finish(exit_code=0)
