"""Keys lost when two processes set user attributes of one running trial at once (session 21, issue 1).

Each of 2 processes holds the running trial as a live Trial and sets 60 keys of its own, one write
(``flush``) each, as fast as it can; then the keys stored are counted. Run with the tree to
measure on PYTHONPATH:

    PYTHONPATH=<tree>/src python benchmarks/history/s21/attrs_two_procs.py sqlite|postgresql [repeats]
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid

import tunewise as tw

SETTER = r"""
import os, sys, time
import tunewise as tw
url, name, go, who = sys.argv[1:5]
study = tw.load_study(study_name=name, storage=url)
trial = tw.Trial(study, study.trials[0])
while not os.path.exists(go):
    time.sleep(0.002)
for i in range(60):
    trial.set_user_attr(f"{who}{i}", i)
    trial.flush()
"""

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
tw.logging.set_verbosity(tw.logging.WARNING)
for r in range(repeats):
    d = tempfile.mkdtemp()
    url = os.environ["TUNEWISE_TEST_POSTGRES_URL"] if backend == "postgresql" else f"sqlite:///{d}/a.db"
    name = f"attrs-{uuid.uuid4().hex[:8]}"
    study = tw.create_study(study_name=name, storage=url)
    trial = study.ask()
    trial.detach()
    go = os.path.join(d, "go")
    procs = [subprocess.Popen([sys.executable, "-c", SETTER, url, name, go, who]) for who in "ab"]
    time.sleep(2.0)  # both loaded
    open(go, "w").close()
    for p in procs:
        p.wait(timeout=120)
    stored = tw.load_study(study_name=name, storage=url).trials[0].user_attrs
    lost = 120 - sum(f"{w}{i}" in stored for w in "ab" for i in range(60))
    print(f"{backend:10s} run {r}: {len(stored)} keys stored, {lost} of 120 lost", flush=True)
    if backend == "postgresql":
        s = tw.load_study(study_name=name, storage=url)
        s.storage.delete_study(s._study_id)
