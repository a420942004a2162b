"""Run-side probe (s32): what a sweep program reads back from ``wandb`` after the calls the brief names, under W&B
0.31 (offline, a plain ``wandb.init(config=...)``: W&B's agent needs its server) and under tunewise's stand-in
(``tunewise sweep python --storage URL wandb_wild12_runside.py``, the sweep fixing ``lr``). One line per read.

    WANDB_MODE=offline python wandb_wild12_runside.py                 # W&B
    tunewise sweep python --storage sqlite:///s.db --count 1 ...      # tunewise (see wandb_wild12.md)
"""

from __future__ import annotations

import wandb

DEFAULTS = {"lr": 0.1, "epochs": 3, "optimizer": {"name": "sgd", "momentum": 0.9}}


def show(label: str, value: object) -> None:
    print(f"{label}: {value!r}", flush=True)


def attempt(label: str, fn) -> None:  # noqa: ANN001
    try:
        show(label, fn())
    except Exception as e:  # noqa: BLE001
        show(label, f"raises {type(e).__name__}")


run = wandb.init(config=DEFAULTS)
cfg = wandb.config
show("config keys", sorted(cfg.keys()))
show("lr type", type(cfg.lr).__name__)
show("nested access", (cfg.optimizer["name"], cfg["optimizer"]["momentum"]))
cfg.update({"batch_size": 32, "epochs": 5}, allow_val_change=True)
show("after update", (cfg.batch_size, cfg.epochs, cfg.get("missing", "default")))
attempt("update without allow_val_change", lambda: cfg.update({"epochs": 7}) or cfg.epochs)
cfg.dropout = 0.25
show("attribute set", cfg["dropout"])
attempt("as dict", lambda: sorted(dict(cfg)))
attempt("as_dict", lambda: sorted(cfg.as_dict()))
wandb.define_metric("epoch")
wandb.define_metric("val/acc", step_metric="epoch", summary="max")
wandb.define_metric("val/loss", summary="min")
for epoch, (acc, loss) in enumerate([(0.5, 1.0), (0.8, 0.6), (0.7, 0.7)]):
    wandb.log({"val/acc": acc, "val/loss": loss, "epoch": epoch}, step=epoch)
def plain(v: object) -> object:  # W&B gives a SummarySubDict for a dict-valued summary
    return {k: v[k] for k in v.keys()} if hasattr(v, "keys") else v  # type: ignore[attr-defined, index]


attempt("summary val/acc", lambda: plain(run.summary["val/acc"]))
attempt("summary val/loss", lambda: plain(run.summary["val/loss"]))
attempt("log step going back", lambda: wandb.log({"x": 1}, step=0) or "no raise")
run.summary["final"] = 1.5
attempt("summary set", lambda: run.summary["final"])
attempt("run name type", lambda: type(run.name).__name__)
attempt("wandb.run is run", lambda: wandb.run is run)
wandb.finish()
attempt("wandb.run after finish", lambda: wandb.run)
