"""Session 32, issue 19 (dev only): Syne Tune Hyper-Tune runs of benchmarks/curves_peers.py, the same
rows (curves_peers.run_one, unchanged) plus, per trial in order, its configuration, last epoch and
noise-free loss there (s31's asha_ht_trace.py, with the configurations), so that where Hyper-Tune's
proposals go can be compared with the default's.

  /work/venvs/synetune013/bin/python benchmarks/history/s32/asha_ht_trace.py <family> <first seed> <seeds> <out prefix>

writes <out prefix>.jsonl (the curves_peers rows) and <out prefix>_trials.jsonl (per run: a list of
[last epoch, noise-free loss there, config] per trial, in the order the trials started).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))  # benchmarks/

import curves_peers  # noqa: E402

TRIALS: dict[int, list[Any]] = {}  # syne tune trial id -> [last epoch, truth there, config]


def _recording_tuner(orig: Any) -> Any:
    from syne_tune.tuner_callback import TunerCallback  # type: ignore[import-not-found]

    class Record(TunerCallback):  # type: ignore[misc]
        def on_trial_result(self, trial: Any, status: str, result: dict[str, Any], decision: str) -> None:
            cfg = {k: float(v) for k, v in trial.config.items() if k in ("lr", "width", "reg")}
            TRIALS[trial.trial_id] = [int(result["epoch"]), float(result["truth"]), cfg]

    def make(*a: Any, **k: Any) -> Any:
        k["callbacks"] = [*k.get("callbacks", []), Record()]
        return orig(*a, **k)

    return make


def main() -> None:
    import syne_tune  # type: ignore[import-not-found]

    family, first, n, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    syne_tune.Tuner = _recording_tuner(syne_tune.Tuner)
    for seed in range(first, first + n):
        TRIALS.clear()
        rows = curves_peers.run_one((family, "st-hypertune", seed, 10.0))
        with open(out + ".jsonl", "a") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
        with open(out + "_trials.jsonl", "a") as fh:
            fh.write(json.dumps({"family": family, "seed": seed, "trials": [TRIALS[i] for i in sorted(TRIALS)]}) + "\n")
        print(seed, rows[0]["ctt"], rows[0]["trials"], flush=True)


if __name__ == "__main__":
    main()
