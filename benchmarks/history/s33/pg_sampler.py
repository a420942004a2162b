"""Every 0.2 s: server connections to one database (pg_stat_activity, the sampler's own excluded) and the
load average, as jsonl, until killed.

    python pg_sampler.py postgresql://tw:tw@127.0.0.1:5432/tunewise_test_pg33 out.jsonl
"""

import json
import os
import sys
import time

import psycopg

url, out = sys.argv[1], sys.argv[2]
db = url.rsplit("/", 1)[1].split("?")[0]
with psycopg.connect(url, autocommit=True) as conn, open(out, "a") as f:
    while True:
        n = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                         (db,)).fetchone()[0]
        f.write(json.dumps({"t": round(time.time(), 2), "load1": os.getloadavg()[0], "conns": n}) + "\n")
        f.flush()
        time.sleep(0.2)
