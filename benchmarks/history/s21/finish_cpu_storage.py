"""CPU per start_trial / finish_trial (SQLite, one writer; min over 11 repeats of 200): a finish without
attributes and one with 3 new user attributes (a live trial's LiveAttrs after session 21, a plain dict
before). PYTHONPATH=<tree>/src python benchmarks/history/s21/finish_cpu_storage.py"""

import statistics
import tempfile
import time

import tunewise.trial
from tunewise.storage import get_storage
from tunewise.trial import TrialState

LIVE = getattr(tunewise.trial, "LiveAttrs", None)
s = get_storage(f"sqlite:///{tempfile.mkdtemp()}/c.db")
sid = s.create_study("m", ["minimize"])
def run(mode, n=200):
    tids = [s.start_trial(sid).trial_id for _ in range(n)]
    if mode == "none":
        c0 = time.process_time()
        for tid in tids:
            s.finish_trial(tid, TrialState.COMPLETE, [0.0], params={"x": 0.5}, intermediate_values={0: 1.0})
    else:
        attrs = []
        for i in range(n):
            u = {} if LIVE is None else LIVE()
            u["fold_scores"], u["note"], u["n"] = [0.1, 0.2, i], "run", i
            attrs.append(u)
        c0 = time.process_time()
        for tid, u in zip(tids, attrs):
            s.finish_trial(tid, TrialState.COMPLETE, [0.0], params={"x": 0.5}, intermediate_values={0: 1.0},
                           user_attrs=u)
    return (time.process_time() - c0) / n * 1e6
def start(n=200):
    c0 = time.process_time()
    tids = [s.start_trial(sid).trial_id for _ in range(n)]
    out = (time.process_time() - c0) / n * 1e6
    for t in tids:
        s.finish_trial(t, TrialState.COMPLETE, [0.0])
    return out
for name, fn in (("start", start), ("finish-noattrs", lambda: run("none")), ("finish-attrs", lambda: run("attrs"))):
    r = [fn() for _ in range(11)]
    print(f"{'after' if LIVE else 'before'} {name:15s} min {min(r):6.1f} med {statistics.median(r):6.1f}")
