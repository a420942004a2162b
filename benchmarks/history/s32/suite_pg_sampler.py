"""Every 2 s: PostgreSQL connections per database (pg_stat_activity) and the load average, as jsonl.

    python suite_pg_sampler.py postgresql://tw:tw@127.0.0.1:5432/tunewise_test out.jsonl   # until killed
"""

import json
import os
import sys
import time

import psycopg

url, out = sys.argv[1], sys.argv[2]
with psycopg.connect(url, autocommit=True) as conn, open(out, "a") as f:
    while True:
        rows = conn.execute("SELECT coalesce(datname, ''), count(*) FROM pg_stat_activity GROUP BY 1").fetchall()
        f.write(json.dumps({"t": time.time(), "load1": os.getloadavg()[0], "total": sum(n for _, n in rows),
                            "by_db": dict(rows)}) + "\n")
        f.flush()
        time.sleep(2)
