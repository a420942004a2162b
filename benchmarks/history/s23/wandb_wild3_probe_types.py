"""s23 probe of the W&B stand-in against W&B 0.31: a Python sweep whose parameters use q_log_uniform_values
(with and without q), inv_log_uniform_values, q_uniform, int_uniform, q_normal, log_normal, mixed-type values,
probabilities and a nested `parameters:` block; the function prints each wandb.config value's repr and type,
reads the nested block as a dict and by attribute, logs with commit=False and step=, sets run.summary.
Run under `tunewise sweep python` and under W&B offline with session 21's harness shim (wandb.agent runs the
function once with a configuration W&B's engine draws); the types printed are the same (wandb_wild3.md).
"""

import json

import wandb

cfg = {
    "method": "random",
    "metric": {"name": "loss", "goal": "minimize"},
    "parameters": {
        "bs": {"distribution": "q_log_uniform_values", "min": 16, "max": 256, "q": 8},
        "bs1": {"distribution": "q_log_uniform_values", "min": 16, "max": 256},
        "lr": {"distribution": "inv_log_uniform_values", "min": 0.0001, "max": 0.1},
        "qu": {"distribution": "q_uniform", "min": 0, "max": 10, "q": 2},
        "iu": {"distribution": "int_uniform", "min": 1, "max": 5},
        "qn": {"distribution": "q_normal", "mu": 10, "sigma": 3, "q": 1},
        "ln": {"distribution": "log_normal", "mu": 0, "sigma": 1},
        "cat": {"values": [1, 2.5, "a", None, True]},
        "pr": {"values": ["x", "y"], "probabilities": [0.9, 0.1]},
        "opt": {"parameters": {"name": {"values": ["adam", "sgd"]}, "lr": {"min": 0.001, "max": 0.1}}},
    },
}


def f():
    run = wandb.init()
    c = wandb.config
    print("TYPES", json.dumps({k: [repr(c[k]), type(c[k]).__name__] for k in sorted(c.keys())}))
    print("NESTED", type(c.opt).__name__, c.opt["lr"], c["opt"]["name"])
    try:
        print("ATTR", c.opt.lr)
    except Exception as e:
        print("ATTR-ERR", type(e).__name__, e)
    wandb.log({"loss": 1.0, "x": 2}, commit=False)
    wandb.log({"acc": 0.5}, step=3)
    run.summary["loss"] = 0.25
    run.finish()


sid = wandb.sweep(cfg, project="p")
wandb.agent(sid, f, count=3)
