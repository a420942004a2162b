"""Sanity check (session 17): mostly categorical spaces WITH floats, GP (new routing) vs TPE (old)."""
import json, math, sys
import numpy as np
import tunewise as tw
tw.logging.set_verbosity(tw.logging.ERROR)

def problem(seed):
    rng = np.random.default_rng([seed, 777])
    eff = [rng.random(k) for k in (3, 4, 5)]
    inter = 0.6 * rng.random((3, 5))
    opt = rng.uniform(0.2, 0.8, size=2)
    def f(cfg):
        i, j, k = cfg["a"], cfg["b"], cfg["c"]
        return float(eff[0][i] + eff[1][j] + eff[2][k] + inter[i, k] + 2 * (cfg["x"] - opt[0]) ** 2
                     + 2 * (math.log10(cfg["lr"]) + 4 - 3 * opt[1]) ** 2 / 9)
    best = min(eff[0][i] + eff[1][j] + eff[2][k] + inter[i, k] for i in range(3) for j in range(4) for k in range(5))
    return f, best

def run(route, seed):
    f, best = problem(seed)
    s = tw.samplers.AutoSampler(seed=seed)
    if route == "tpe":
        s.large_budget = 0  # forces TPE after the design (the old route for this space)
    st = tw.create_study(sampler=s)
    vals = []
    def obj(t):
        cfg = {"a": t.suggest_categorical("a", [0, 1, 2]), "b": t.suggest_categorical("b", [0, 1, 2, 3]),
               "c": t.suggest_categorical("c", [0, 1, 2, 3, 4]), "x": t.suggest_float("x", 0, 1),
               "lr": t.suggest_float("lr", 1e-4, 1e-1, log=True)}
        v = f(cfg); vals.append(v); return v
    st.optimize(obj, n_trials=60)
    return {b: max(min(vals[:b]) - best, 1e-3) for b in (30, 60)}

res = {r: [run(r, s) for s in range(10)] for r in ("gp", "tpe")}
for b in (30, 60):
    l = np.array([math.log(g[b] / t[b]) for g, t in zip(res["gp"], res["tpe"])])
    bs = np.random.default_rng(0).choice(l, (4000, len(l))).mean(1)
    print(b, "gp/tpe", round(math.exp(l.mean()), 2), np.round(np.exp(np.percentile(bs, [2.5, 97.5])), 2))
json.dump(res, open("/tmp/s17m/mixed.json", "w"))
