"""Session 26, case 3: what a Study answers once another handle deleted its study.

Usage: PYTHONPATH=<tree>/src python faults_deleted_probe.py [URL] (default: a new SQLite file).
Output of both trees: faults_deleted_probe.txt.
"""

import sys
import tempfile
import uuid

import tunewise as tw

url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/d.db"
name = "del-" + uuid.uuid4().hex[:6]
s = tw.create_study(study_name=name, storage=url)
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
tw.delete_study(study_name=name, storage=url)
ops = {
    "directions": lambda: s.directions,
    "direction": lambda: s.direction,
    "user_attrs": lambda: s.user_attrs,
    "system_attrs": lambda: s.system_attrs,
    "trials": lambda: s.trials,
    "best_params": lambda: s.best_params,
    "ask": lambda: s.ask(),
    "optimize": lambda: s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1),
    "enqueue_trial": lambda: s.enqueue_trial({"x": 0.5}),
    "set_user_attr": lambda: s.set_user_attr("a", 1),
    "get_trials": lambda: s.get_trials(),
    "trials_dataframe": lambda: s.trials_dataframe(),
    "study_name": lambda: s.study_name,
    "metric_names": lambda: s.metric_names,
}
for k, f in ops.items():
    try:
        r = f()
        print(f"{k:16s} OK   {str(r)[:80]!r}")
    except Exception as e:
        print(f"{k:16s} {type(e).__name__}: {str(e)[:150]}")
