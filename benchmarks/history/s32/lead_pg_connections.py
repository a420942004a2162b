# s32 lead: server connections a process holds while it runs PostgreSQL studies one after another,
# each create_study(storage=URL) then optimize(n_trials=3), the study deleted and gc run. Run:
#   .venv/bin/python benchmarks/history/s32/lead_pg_connections.py   (needs /tmp/pgurl from .ci/postgres.sh)
import gc
import os
import time

import psycopg

import tunewise as tw

URL = open("/tmp/pgurl").read().strip()
RAW = URL.replace("postgresql+psycopg", "postgresql")
DB = RAW.rsplit("/", 1)[1]


def count() -> int:
    with psycopg.connect(RAW) as c:
        row = c.execute("select count(*) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
                        (DB,)).fetchone()
        return int(row[0]) if row else 0


base = count()
for i in range(10):
    s = tw.create_study(study_name=f"conn-{os.getpid()}-{i}", storage=URL)  # one storage per call, as a script gets
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    del s
    gc.collect()
    print("after study", i + 1, "connections held:", count() - base, flush=True)
time.sleep(35)
gc.collect()
print("after 35 s idle, connections held:", count() - base)
