"""4 processes create_study(load_if_exists=True) on one name at once (a fresh SQLite file: the
schema is created in the race too; PostgreSQL: a fresh study name), each then runs 3 trials.
Counts: processes that failed, studies with the name, trials (12 expected)."""

import json
import subprocess
import sys
import tempfile
import time
import uuid

import tunewise as tw

CHILD = r"""
import sys, time, tunewise as tw
url, name, t0 = sys.argv[1], sys.argv[2], float(sys.argv[3])
late = time.time() - t0
while time.time() < t0: pass
st = tw.create_study(study_name=name, storage=url, load_if_exists=True, direction=sys.argv[4])
st.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
print("LATE", round(late, 2), file=sys.stderr); print("OK", st._study_id)
"""


def one(url, n=4, direction="minimize"):
    name = "race-" + uuid.uuid4().hex[:8]
    t0 = time.time() + 8
    ps = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, url, name, str(t0), direction],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    outs = [p.communicate(timeout=120) for p in ps]
    fails = [
        (p.returncode, e.strip().splitlines()[-1][:300] if e.strip() else "")
        for p, (o, e) in zip(ps, outs)
        if p.returncode != 0
    ]
    ids = sorted({o.split()[-1] for o, e in outs if o.startswith("OK")})
    names = [s.study_name for s in tw.get_all_study_summaries(url) if s.study_name == name]
    st = tw.load_study(study_name=name, storage=url) if names else None
    n_trials = len(st.trials) if st else 0
    if url.startswith("postgres") and names:
        tw.delete_study(study_name=name, storage=url)
    return {"failed": len(fails), "fail_msgs": fails, "study_ids": ids, "studies": len(names), "trials": n_trials}


if __name__ == "__main__":
    backend, repeats = sys.argv[1], int(sys.argv[2])
    for i in range(repeats):
        if backend == "sqlite":
            d = tempfile.mkdtemp(prefix="race", dir="/tmp/s28f")
            url = f"sqlite:///{d}/r.db"
        else:
            url = open("/tmp/pgurl").read().strip()
        r = one(url)
        r["backend"] = backend
        r["run"] = i
        print(json.dumps(r), flush=True)
