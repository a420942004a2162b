"""Every 0.2 s (or the period given): PostgreSQL connections per database and the load average,
as jsonl (suite33; s32's suite_pg_sampler.py sampled every 2 s).

    python suite_pg_sampler33.py postgresql://tw:tw@127.0.0.1:5432/tunewise_test out.jsonl 0.2   # until killed
"""

import json
import os
import sys
import time

import psycopg

url, out = sys.argv[1], sys.argv[2]
period = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
query = "SELECT coalesce(datname, ''), count(*) FROM pg_stat_activity GROUP BY 1"
with psycopg.connect(url, autocommit=True) as conn, open(out, "a") as f:
    while True:
        rows = conn.execute(query).fetchall()
        f.write(json.dumps({"t": round(time.time(), 2), "load1": os.getloadavg()[0],
                            "total": sum(n for _, n in rows), "by_db": dict(rows)}) + "\n")
        f.flush()
        time.sleep(period)
