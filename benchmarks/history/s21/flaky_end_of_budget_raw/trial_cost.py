import logging
import sys
import tempfile
import time

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
kind = sys.argv[1]
url = None if kind == "memory" else f"sqlite:///{tempfile.mkdtemp()}/c.db"
s = tw.create_study(storage=url, sampler=tw.samplers.RandomSampler(seed=0), max_trials=10**6)
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100)
n = 1500 if kind == "memory" else 400
t0 = time.process_time()
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n)
t1 = time.process_time()
print(f"{(t1 - t0) / n * 1e6:.1f}")
