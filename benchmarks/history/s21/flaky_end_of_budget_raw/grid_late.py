import logging
import tempfile

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
d = tempfile.mkdtemp()
url = f"sqlite:///{d}/g.db"
space = {"x": list(range(10))}


def obj(t):
    return t.suggest_categorical("x", space["x"])


s = tw.create_study(name="g", storage=url, sampler=tw.samplers.GridSampler(space), max_trials=5)
s.optimize(obj, n_trials=100)
late = tw.load_study("g", url, sampler=tw.samplers.GridSampler(space))  # a worker that starts after the budget is used
late.optimize(obj, n_trials=100)
s2 = tw.load_study("g", url, sampler=tw.samplers.GridSampler(space), max_trials=10)
s2.optimize(obj, n_trials=100)
print(len(s2.trials), sorted(t.params.get("x") for t in s2.trials))
