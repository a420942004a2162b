"""s31 faults, case 1 (s30 left open 1): a trial with some parameters stored, told from another
process while its own process has suggested more since its last save.

Process A (a subprocess, heartbeat_interval 2 s) asks trial 0 and suggests x; its heartbeat
thread saves x about 0.05 s later; 0.5 s later A suggests y (saved only at A's next beat, up to
2 s later) and prints "ready". Process B (this one) tells trial 0 by number at once. Then A
ends in one of three ways (--owner):

- ``tell``: A tells the trial itself at once (refused: it was told from outside);
- ``beat``: A sleeps past its next beat (3 s) and then tells it;
- ``exit``: A suggests z after B's tell, then ends normally without telling.

    .venv/bin/python benchmarks/history/s31/faults_late_params.py --owner tell|beat|exit --label before \
        --out benchmarks/history/s31/faults_late_params.jsonl

Counts: ``lost_params`` (names A chose before B's tell that the stored finished trial lacks once
A has ended), ``running`` left, ``dup`` (the trial finished twice: its value is not B's).
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

OWNER = r"""
import sys, time
import tunewise as tw
mode = sys.argv[2]
study = tw.load_study(study_name="s", storage=sys.argv[1])
t = study.ask()
x = t.suggest_float("x", 0, 1)
time.sleep(0.5)  # the heartbeat thread has saved x
y = t.suggest_int("y", 0, 9)
print("ready", x, y, flush=True)
sys.stdin.readline()  # B has told trial 0
if mode == "beat":
    time.sleep(3.0)
if mode == "exit":
    t.suggest_int("z", 0, 9)
    print("exits without telling", flush=True)
    sys.exit(0)
try:
    study.tell(t, x + y)
    print("own tell: stored", flush=True)
except ValueError as e:
    print("own tell refused:", str(e)[:120], flush=True)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--owner", choices=["tell", "beat", "exit"], default="tell")
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tw_s31_late_params_"))
    url = f"sqlite:///{tmp / 'tw.db'}"
    tw.create_study(study_name="s", storage=url, heartbeat_interval=2.0)
    child = subprocess.Popen([sys.executable, "-c", OWNER, url, args.owner],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdin is not None and child.stdout is not None
    line = child.stdout.readline().split()
    chosen = {"x": float(line[1]), "y": int(line[2])}
    study = tw.load_study(study_name="s", storage=url)
    stored_before = dict(study.trials[0].params)
    t0 = time.monotonic()
    try:
        frozen = study.tell(0, 1.0)
        tell = f"stored {frozen.state.value} with params {sorted(frozen.params)}"
    except ValueError as e:
        tell = f"refused: {e}"
    tell_s = time.monotonic() - t0
    rest = child.communicate("told\n", timeout=60)[0]
    stored = tw.load_study(study_name="s", storage=url).trials[0]
    row = {
        "label": args.label,
        "owner": args.owner,
        "stored_at_tell": sorted(stored_before),
        "tell": tell[:300],
        "tell_s": round(tell_s, 2),
        "owner_said": rest.strip()[:300],
        "state": stored.state.value,
        "value": stored.value,
        "params": sorted(stored.params),
        "system_attrs": sorted(stored.system_attrs),
        "lost_params": sorted(set(chosen) - set(stored.params)) if stored.state.is_finished() else None,
        "dup": int(stored.state.is_finished() and stored.value != 1.0),
        "running": sum(t.state == tw.TrialState.RUNNING for t in study.trials),
    }
    print(json.dumps(row))
    if args.out:
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
