"""s32 faults, case 4: SQLite files on unusual paths (spaces, non-ASCII, '?', '#', '%', ';', long names).

For each name under ``base`` (argument, default /tmp/faults32/paths, emptied first):
``create_study`` + ``optimize(n_trials=4, n_jobs=2)`` with heartbeats, then ``load_study`` from
another handle; prints COMPLETE trials, whether the named file exists, and the directory's files.

    .venv/bin/python benchmarks/history/s32/faults_paths_probe.py /tmp/faults32/paths
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import tunewise as tw

base = sys.argv[1] if len(sys.argv) > 1 else "/tmp/faults32/paths"
shutil.rmtree(base, ignore_errors=True)
names = ["dir with space/ünï cødé/stüdy db.db", "q?mark.db", "q%3Fmark.db", "q?a=b.db", "hash#tag.db", "pct%20x.db",
         "semi;colon.db", "L" * 250 + ".db", "M" * 240 + ".db"]
for n in names:
    path = os.path.join(base, n)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    url = "sqlite:///" + path
    row: dict[str, object] = {"name": n[:40] + ("..." if len(n) > 40 else ""), "len": len(path)}
    try:
        st = tw.create_study(name="s", storage=url, heartbeat_interval=0.5)
        st.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, n_jobs=2)
        row["complete"] = sum(t.state == tw.TrialState.COMPLETE for t in tw.load_study("s", url).trials)
        row["file_exists"] = os.path.exists(path)
        row["files_in_dir"] = [f[:40] for f in sorted(os.listdir(os.path.dirname(path)))][:6]
    except BaseException as e:  # noqa: BLE001 - a probe: print what happened
        row["error"] = f"{type(e).__name__}: {str(e)[:400]}"
    print(json.dumps(row, ensure_ascii=False), flush=True)
