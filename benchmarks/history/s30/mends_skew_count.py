"""Count the stale check's writes when two machines share a SQLite file and one clock runs SKEW s
ahead (s30 mends, item 3). The fast machine's worker beats every second; the slow machine checks
every half second (grace 2 s), 40 checks; then the worker dies and the checks go on.

    PYTHONPATH=<src tree> python mends_skew_count.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from tunewise.storage import SQLStorage
from tunewise.storage._base import StaleOutcome

SKEW, GRACE = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0, 2.0
base = time.time()
clock = [0.0, 0.0]
time.time = lambda: base + clock[0] + clock[1]  # type: ignore[assignment]
path = Path(tempfile.mkdtemp()) / "skew.db"
fast, slow = SQLStorage(f"sqlite:///{path}"), SQLStorage(f"sqlite:///{path}")
db = sqlite3.connect(path)
sid = fast.create_study("skew", ["minimize"])
clock[1] = SKEW
trial = fast.start_trial(sid)


def check() -> tuple[list[int], bool]:
    before = db.execute("PRAGMA data_version").fetchone()[0]
    failed = [t.number for t, _ in slow.recover_stale_trials(sid, GRACE, lambda t: StaleOutcome())]
    return failed, db.execute("PRAGMA data_version").fetchone()[0] != before


writes = checks = rewritten = 0
for step in range(20):
    clock[0], clock[1] = float(step), SKEW
    fast.record_heartbeat(trial.trial_id)
    beat = fast.get_trial(trial.trial_id).heartbeat_ts
    for half in (0.25, 0.75):
        clock[0], clock[1] = step + half, 0.0
        failed, wrote = check()
        assert not failed
        checks += 1
        writes += wrote
        rewritten += slow.get_trial(trial.trial_id).heartbeat_ts != beat
last = clock[0]
print(f"live worker, clock {SKEW:+.1f} s: {checks} checks, {writes} wrote to the file, "
      f"{rewritten} left the live heartbeat rewritten")
at = None
for k in range(1, 20):  # the worker is dead: checks every 0.25 s
    clock[0], clock[1] = 19.0 + 0.25 * k, 0.0  # its last beat was at 19 (its own clock 19 + SKEW)
    failed, _ = check()
    if failed:
        at = clock[0] - 19.0
        break
print(f"dead worker: its trial failed {at} s after its last beat (grace {GRACE} s)")
