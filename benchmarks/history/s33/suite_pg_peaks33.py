"""Peaks of a suite33 sampler file (sampler.py) over a time window: the run's worker databases
together, the server's total rows, and the load during the window.

    python suite_pg_peaks33.py samples.jsonl START_EPOCH END_EPOCH db1 [db2 ...]
"""
import json
import sys

path, start, end, dbs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
rows = [r for r in map(json.loads, open(path)) if start <= r["t"] <= end]
ours = [sum(r["by_db"].get(d, 0) for d in dbs) for r in rows]
top = max(range(len(rows)), key=lambda i: ours[i])
loads = [r["load1"] for r in rows]
print(f"samples {len(rows)}; peak of {'+'.join(dbs)}: {ours[top]} at {rows[top]['t']:.0f} ({rows[top]['by_db']}); "
      f"server total peak {max(r['total'] for r in rows)}; load1 {min(loads):.1f}-{max(loads):.1f}")
