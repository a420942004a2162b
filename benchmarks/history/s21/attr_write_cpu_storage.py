"""CPU time of one attribute-carrying write at the storage level, single writer, as the loop makes
it: before session 21 the whole ``user_attrs`` dict (a plain dict), since then the live trial's
``LiveAttrs`` naming the key it set. Run on each tree, alternating:

    PYTHONPATH=<tree>/src python benchmarks/history/s21/attr_write_cpu_storage.py sqlite
    PYTHONPATH=<tree>/src TUNEWISE_TEST_POSTGRES_URL=... python ... postgresql

Rows, microseconds of this process's CPU per operation (min and median of 9 repeats):
``report``: ``update_trial`` with the reports only (30 steps); ``attr+report``: the same with
``user_attrs`` (5 keys, one of them set anew at each write); ``start+finish``: ``start_trial``
then ``finish_trial`` with params, 3 reports and 3 user attributes.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid

import tunewise.trial
from tunewise.storage import get_storage
from tunewise.trial import TrialState

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
url = os.environ["TUNEWISE_TEST_POSTGRES_URL"] if backend == "postgresql" else f"sqlite:///{tempfile.mkdtemp()}/c.db"
LIVE = getattr(tunewise.trial, "LiveAttrs", None)  # None: the tree before session 21
s = get_storage(url)
sid = s.create_study(f"c-{uuid.uuid4().hex[:8]}", ["minimize"])
STEPS = 30 if backend == "sqlite" else 10


def attrs(initial):
    return dict(initial) if LIVE is None else LIVE(initial)


def written(a):
    if LIVE is not None:
        a.written()


def writes(with_attr):
    t = s.start_trial(sid)
    user = attrs({"a": "aa", "b": "bb", "c": "cc", "d": "dd"})
    user["e"] = 0
    s.update_trial(t.trial_id, user_attrs=user)
    written(user)
    iv = {}
    c0 = time.process_time()
    for step in range(STEPS):
        iv[step] = step / STEPS
        if with_attr:
            user["metrics"] = {"loss": 1.0 / (step + 1), "step": step}
            s.update_trial(t.trial_id, intermediate_values=iv, user_attrs=user)
            written(user)
        else:
            s.update_trial(t.trial_id, intermediate_values=iv)
    out = (time.process_time() - c0) / STEPS * 1e6
    s.finish_trial(t.trial_id, TrialState.COMPLETE, [0.0])
    return out


def trials():
    n = 30 if backend == "sqlite" else 10
    c0 = time.process_time()
    for i in range(n):
        t = s.start_trial(sid)
        user = attrs({})
        user["fold_scores"], user["note"], user["n"] = [0.1, 0.2, i], "run", i
        s.finish_trial(t.trial_id, TrialState.COMPLETE, [float(i)], params={"x": 0.5, "y": i},
                       intermediate_values={0: 1.0, 1: 0.5, 2: 0.25}, user_attrs=user, system_attrs=attrs({}))
    return (time.process_time() - c0) / n * 1e6


for name, fn in (("report", lambda: writes(False)), ("attr+report", lambda: writes(True)), ("start+finish", trials)):
    res = [fn() for _ in range(9)]
    print(f"{backend:10s} {'after' if LIVE else 'before':6s} {name:13s} cpu min {min(res):7.1f} us  "
          f"median {statistics.median(res):7.1f} us", flush=True)
