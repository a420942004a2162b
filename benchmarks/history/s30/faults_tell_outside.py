"""s30 faults, case 2: a trial told from another process before its own process saved its parameters.

Process A (a subprocess) asks trial 0, suggests x and y, prints "ready" and keeps running (its
heartbeat thread saves the parameters ``save_after`` seconds after the start: 0.05 s by
default, longer with --save-after to widen the window). Process B (this one) tells trial 0 by
number at once through its own study object, then A ends.

    .venv/bin/python benchmarks/history/s30/faults_tell_outside.py --save-after 0.05 --label before
    .venv/bin/python benchmarks/history/s30/faults_tell_outside.py --save-after 1.0 --label before
    .venv/bin/python benchmarks/history/s30/faults_tell_outside.py --save-after 60 --label before

Counts: ``lost_params`` (parameters A chose that the stored finished trial lacks), ``tell``
(what B's tell did), ``running`` left.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tunewise as tw

CHILD = r"""
import sys, time
import tunewise as tw
from tunewise.storage import _heartbeat
_heartbeat._SAVE_PARAMS_AFTER = float(sys.argv[2])
study = tw.load_study(study_name="s", storage=sys.argv[1])
t = study.ask()
x, y = t.suggest_float("x", 0, 1), t.suggest_int("y", 0, 9)
print("ready", x, y, flush=True)
time.sleep(float(sys.argv[3]))
try:
    study.tell(t, x + y)
    print("own tell: stored", flush=True)
except ValueError as e:
    print("own tell refused:", str(e)[:100], flush=True)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--save-after", type=float, default=0.05)
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tw_s30_tell_"))
    url = f"sqlite:///{tmp / 'tw.db'}"
    tw.create_study(study_name="s", storage=url)
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(args.save_after), "3"],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    line = child.stdout.readline().split()
    chosen = {"x": float(line[1]), "y": int(line[2])}
    study = tw.load_study(study_name="s", storage=url)
    t0 = time.monotonic()
    try:
        frozen = study.tell(0, 1.0)
        tell = f"stored {frozen.state.value}"
    except ValueError as e:
        tell = f"refused: {e}"
    tell_s = time.monotonic() - t0
    rest = child.communicate(timeout=60)[0]
    stored = study.trials[0]
    row = {
        "label": args.label,
        "save_after": args.save_after,
        "tell": tell[:300],
        "tell_s": round(tell_s, 2),
        "owner": rest.strip(),
        "state": stored.state.value,
        "value": stored.value,
        "params": stored.params,
        "lost_params": sorted(set(chosen) - set(stored.params)) if stored.state.is_finished() else None,
        "running": sum(t.state == tw.TrialState.RUNNING for t in study.trials),
    }
    print(json.dumps(row))
    if args.out:
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
