"""Standalone copy of test_at_the_end_of_the_budget_a_dead_workers_trial_is_reaped_and_rerun; prints everything."""
import logging
import os
import subprocess
import sys
import tempfile
import textwrap
import time

import tunewise as tw

logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(threadName)s %(message)s")
KILLED_WORKER = """
import sys, time
import tunewise as tw
url, name = sys.argv[1], sys.argv[2]
study = tw.load_study(name, url)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(120)
study.optimize(objective, n_trials=1)
"""
if os.environ.get("WARM"):  # as in the fast lane: GP/scipy imported and compiled by earlier tests
    _w = tw.create_study()
    _w.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6)
grace = float(os.environ.get("GRACE", "0.5"))
d = tempfile.mkdtemp(prefix="eob")
os.environ["TUNEWISE_SPOOL_DIR"] = os.path.join(d, "spool")
url = f"sqlite:///{d}/end.db"
study = tw.create_study(name="s", storage=url, heartbeat_interval=0.1, grace_period=grace, max_retries=1, max_trials=5)
proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(KILLED_WORKER), url, "s"], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True, env=dict(os.environ))
assert proc.stdout.readline().strip() == "in trial", proc.communicate()
dl = time.time() + 60
while not study.storage.get_trial(study.trials[0].trial_id).params:
    assert time.time() < dl
    time.sleep(0.05)
proc.kill()
proc.wait(timeout=30)
t0 = time.time()
study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100)
el = time.time() - t0
trials = study.trials
states = [t.state.value for t in trials]
ok = ("RUNNING" not in states and "WAITING" not in states and states.count("COMPLETE") == 5
      and states.count("FAILED") == 1)
print(("OK " if ok else "BAD ") + f"{el:.2f}s " + " ".join(s[:1] for s in states), flush=True)
if not ok:
    for t in trials:
        print("  ", t.number, t.state.value, t.datetime_start, t.datetime_complete, getattr(t, "heartbeat", None),
              {k: v for k, v in t.system_attrs.items()}, t.params, flush=True)
