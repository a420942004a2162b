"""Per-second maxima of a suite_pg_sampler33.py file (0.2 s samples), to keep what a run's peaks
need in a small file.

    python suite_pg_downsample33.py samples.jsonl > suite_pg_samples_1s.jsonl
"""

import collections
import json
import sys

seconds: dict[int, dict] = collections.OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    s = int(r["t"])
    cur = seconds.setdefault(s, {"t": s, "load1": r["load1"], "total": 0, "by_db": {}})
    cur["total"] = max(cur["total"], r["total"])
    for db, n in r["by_db"].items():
        cur["by_db"][db] = max(cur["by_db"].get(db, 0), n)
for row in seconds.values():
    print(json.dumps(row))  # the committed file keeps, per second, the load, the total and suite33's databases
