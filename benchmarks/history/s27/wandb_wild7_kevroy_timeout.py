"""s27: kevroy314/wandb-sweeps-timeout with every fit timing out (its 30 s limit -> 0.001 s, the same edit in both
modes), so each run logs {"f1_score": None}: what W&B offline (one run) and tunewise (2 runs) make of a metric that
is None. The harness's own runs never hit the limit.

    .venv/bin/python benchmarks/history/s27/wandb_wild7_kevroy_timeout.py --mode wandb --work /tmp/s27w7/kt
    .venv/bin/python benchmarks/history/s27/wandb_wild7_kevroy_timeout.py --mode tunewise --work /tmp/s27w7/kt \
        --tunewise-src /tmp/s27w7/after/src
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild7", HERE / "wandb_wild7.py")
assert _spec is not None and _spec.loader is not None
W7 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(W7)
H = W7.H
NAME = "kevroy_timeout_none_metric"

if __name__ == "__main__":
    args = sys.argv[1:]
    work = Path(args[args.index("--work") + 1])
    setup = H.SETUPS[NAME]
    setup = dataclasses.replace(
        setup,
        count=2,
        patches={
            "train.py": [
                (
                    "AsyncModelTimeout(run_model_with_parameters, 30)",
                    "AsyncModelTimeout(run_model_with_parameters, 0.001)",
                )
            ]
        },
    )
    if args[args.index("--mode") + 1] == "wandb":
        r = H.run_wandb(NAME, setup, work)
        files = sorted((work / "wandb" / NAME).rglob("*.wandb"))
        read = subprocess.run(
            [H.PY, str(HERE.parent / "s26" / "wandb_wild6_read_run.py"), str(files[-1])],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": W7.WANDB_PKG},
        )
        print(
            json.dumps(
                {
                    "mode": "wandb",
                    "rc": r["rc"],
                    "ok": r["ok"],
                    "drawn": r.get("drawn"),
                    "run_file": json.loads(read.stdout),
                }
            )
        )
    else:
        r = H.run_tunewise(NAME, setup, work, args[args.index("--tunewise-src") + 1])
        study = next(iter(r["studies"].values()))
        print(
            json.dumps(
                {
                    "mode": "tunewise",
                    "rc": r["rc"],
                    "states": r["states"],
                    "values": study["values"],
                    "fails": [f[:300] for f in study["fails"]],
                }
            )
        )
