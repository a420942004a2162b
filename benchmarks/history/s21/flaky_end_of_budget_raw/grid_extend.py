import logging
import tempfile

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
d = tempfile.mkdtemp()
url = f"sqlite:///{d}/g.db"
space = {"x": list(range(10))}
s = tw.create_study(name="g", storage=url, sampler=tw.samplers.GridSampler(space), max_trials=5)
s.optimize(lambda t: t.suggest_categorical("x", space["x"]), n_trials=100)
s2 = tw.load_study("g", url, sampler=tw.samplers.GridSampler(space), max_trials=10)
s2.optimize(lambda t: t.suggest_categorical("x", space["x"]), n_trials=100)
xs = sorted(t.params.get("x") for t in s2.trials if t.state.value == "COMPLETE")
print(len(s2.trials), [t.state.value[:1] for t in s2.trials], xs)
