"""Peaks of a suite_pg_sampler.py file: PostgreSQL connections per database during a full run.

    python suite_pg_peaks.py suite_run1_pg.jsonl
"""
import json
import sys
import time

rows = [json.loads(line) for line in open(sys.argv[1])]
gw = [r["by_db"].get("tunewise_test_gw0", 0) + r["by_db"].get("tunewise_test_gw1", 0) for r in rows]
print(f"{len(rows)} samples (every 2 s), {time.strftime('%H:%M:%S', time.gmtime(rows[0]['t']))}-"
      f"{time.strftime('%H:%M:%S', time.gmtime(rows[-1]['t']))} UTC, load1 {min(r['load1'] for r in rows):.1f}-"
      f"{max(r['load1'] for r in rows):.1f}")
print("peak, every client of the server:", max(r["total"] for r in rows))
for db in ("tunewise_test_gw0", "tunewise_test_gw1", "tunewise_test"):
    print(f"peak {db}:", max(r["by_db"].get(db, 0) for r in rows))
print("peak gw0 + gw1 at one time:", max(gw))
print("samples with 90 or more clients:", sum(r["total"] >= 90 for r in rows))
