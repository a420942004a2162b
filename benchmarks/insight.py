"""Insight: how fast the plots and importances are at scale, and whether importance is right.

Three tables, tunewise next to Optuna (the tool we mean to beat):

1. Plot build time (Python side, figure JSON size) on one study of N trials with a log
   float, an int and a categorical, pruned and failed trials and 20-step learning curves.
2. Parameter importance on synthetic objectives where the important parameter is known:
   how often each evaluator ranks it first (over seeds), and time per call.
3. Dashboard API latency at N trials (served in-process with a test client): the study
   summary, a sorted table page, the incremental feed, and plot JSON.
4. Four worker processes writing one SQLite study, with and without a dashboard polled
   like an open page: the workers' time should not change and no request should fail.

    python benchmarks/insight.py --quick     # N = 10,000, 5 importance seeds
    python benchmarks/insight.py             # N = 50,000, 10 seeds

Timings are wall-clock on a shared machine: treat them as order-of-magnitude comparisons.
"""

from __future__ import annotations

import argparse
import logging
import math
import time
import warnings

import numpy as np


def build_trials(n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        lr = float(10 ** rng.uniform(-5, -1))
        units = int(rng.integers(16, 513))
        act = ["relu", "tanh", "gelu"][int(rng.integers(3))]
        value = (math.log10(lr) + 3) ** 2 + 0.001 * units + 0.3 * (act == "tanh") + float(rng.normal(0, 0.05))
        state = "PRUNED" if i % 10 == 3 else "FAILED" if i % 50 == 7 else "COMPLETE"
        steps = 20 if state == "COMPLETE" else 10
        out.append({"lr": lr, "units": units, "act": act, "value": value, "state": state,
                    "curve": {s: value + 1.0 / (s + 1) for s in range(steps)}})
    return out


def tunewise_study(rows: list[dict]):
    import tunewise as tw
    from tunewise import distributions as D

    store = tw.storage.InMemoryStorage()
    study = tw.create_study(name="bench", storage=store)
    sid = study._study_id
    dists = {"lr": D.Float(1e-5, 1e-1, log=True), "units": D.Int(16, 512),
             "act": D.Categorical(("relu", "tanh", "gelu"))}
    for k, d in dists.items():
        store.add_distribution(sid, k, d)
    for r in rows:
        t = store.start_trial(sid)
        params = {"lr": r["lr"], "units": r["units"], "act": r["act"]}
        state = tw.TrialState(r["state"])
        store.finish_trial(t.trial_id, state, [r["value"]] if state == tw.TrialState.COMPLETE else None,
                           params=params, intermediate_values=r["curve"], system_attrs={"worker": f"w{t.number % 4}"})
    return study, store


def optuna_study(rows: list[dict]):
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study()
    dists = {"lr": FloatDistribution(1e-5, 1e-1, log=True), "units": IntDistribution(16, 512),
             "act": CategoricalDistribution(["relu", "tanh", "gelu"])}
    states = {"COMPLETE": optuna.trial.TrialState.COMPLETE, "PRUNED": optuna.trial.TrialState.PRUNED,
              "FAILED": optuna.trial.TrialState.FAIL}
    trials = [optuna.trial.create_trial(
        params={"lr": r["lr"], "units": r["units"], "act": r["act"]}, distributions=dists,
        value=r["value"] if r["state"] == "COMPLETE" else None, state=states[r["state"]],
        intermediate_values=r["curve"]) for r in rows]
    study.add_trials(trials)
    return study


def timed(fn, repeat: int = 1):
    best = math.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def plot_table(n: int) -> None:
    import optuna.visualization as ov

    import tunewise as tw

    rows = build_trials(n)
    tws, _ = tunewise_study(rows)
    ops = optuna_study(rows)
    cases = [
        ("optimization_history", lambda: tw.plots.optimization_history(tws), lambda: ov.plot_optimization_history(ops)),
        ("parallel_coordinate", lambda: tw.plots.parallel_coordinate(tws), lambda: ov.plot_parallel_coordinate(ops)),
        ("contour (lr, units)", lambda: tw.plots.contour(tws, params=["lr", "units"]),
         lambda: ov.plot_contour(ops, params=["lr", "units"])),
        ("slice", lambda: tw.plots.slice(tws), lambda: ov.plot_slice(ops)),
        ("intermediate_values", lambda: tw.plots.intermediate_values(tws), lambda: ov.plot_intermediate_values(ops)),
        ("edf", lambda: tw.plots.edf(tws), lambda: ov.plot_edf(ops)),
        ("timeline", lambda: tw.plots.timeline(tws), lambda: ov.plot_timeline(ops)),
    ]
    print(f"\n## Plot build time and figure size, {n:,} trials (best of 2)\n")
    print("| plot | tunewise s | tunewise JSON MB | optuna s | optuna JSON MB |")
    print("|---|---:|---:|---:|---:|")
    for name, f_tw, f_op in cases:
        t1, fig1 = timed(lambda f=f_tw: f().to_json(), 2)
        try:
            t2, fig2 = timed(lambda f=f_op: f().to_json(), 2)
            op = f"{t2:.2f} | {len(fig2) / 1e6:.1f}"
        except Exception as e:  # an Optuna plot may refuse a study shape
            op = f"error: {type(e).__name__} | -"
        print(f"| {name} | {t1:.2f} | {len(fig1) / 1e6:.2f} | {op} |")


def _synthetic(seed: int, n: int, kind: str):
    """Known ground truth: 'x' matters, the rest barely or not at all."""
    rng = np.random.default_rng(seed)
    X = {"x": rng.uniform(-1, 1, n), "y": 10 ** rng.uniform(-3, 0, n), "z": rng.uniform(0, 1, n),
         "c": rng.integers(0, 3, n)}
    if kind == "quadratic":
        y = 5 * X["x"] ** 2 + 0.3 * np.log10(X["y"]) + rng.normal(0, 0.05, n)
    else:  # interaction: x matters through its product with the categorical
        y = np.where(X["c"] == 0, 3 * X["x"], -3 * X["x"]) + 0.2 * X["z"] + rng.normal(0, 0.05, n)
    return X, y


def importance_table(seeds: int, sizes: list[int]) -> None:
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution
    from optuna.importance import FanovaImportanceEvaluator, get_param_importances

    import tunewise as tw
    from tunewise import distributions as D

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    print(f"\n## Parameter importance on known ground truth ({seeds} seeds)\n")
    print("| objective | trials | method | true param ranked first | mean importance of it | s per call |")
    print("|---|---:|---|---:|---:|---:|")
    for kind in ("quadratic", "interaction"):
        for n in sizes:
            stats: dict[str, list[tuple[bool, float, float]]] = {}
            for seed in range(seeds):
                X, y = _synthetic(seed, n, kind)
                store = tw.storage.InMemoryStorage()
                s = tw.create_study(storage=store)
                dists = {"x": D.Float(-1, 1), "y": D.Float(1e-3, 1, log=True), "z": D.Float(0, 1),
                         "c": D.Categorical((0, 1, 2))}
                for k, d in dists.items():
                    store.add_distribution(s._study_id, k, d)
                for i in range(n):
                    t = store.start_trial(s._study_id)
                    store.finish_trial(t.trial_id, tw.TrialState.COMPLETE, [float(y[i])],
                                       params={k: (int(X[k][i]) if k == "c" else float(X[k][i])) for k in dists})
                od = {"x": FloatDistribution(-1, 1), "y": FloatDistribution(1e-3, 1, log=True),
                      "z": FloatDistribution(0, 1), "c": CategoricalDistribution([0, 1, 2])}
                os_ = optuna.create_study()
                os_.add_trials([optuna.trial.create_trial(
                    params={k: (int(X[k][i]) if k == "c" else float(X[k][i])) for k in od}, distributions=od,
                    value=float(y[i])) for i in range(n)])
                pi = tw.importance.param_importances
                runs = {
                    "tunewise fanova": lambda s=s, seed=seed, pi=pi: pi(s, evaluator="fanova", seed=seed),
                    "tunewise permutation": lambda s=s, seed=seed, pi=pi: pi(s, evaluator="permutation", seed=seed),
                    "optuna fanova": lambda o=os_, seed=seed: get_param_importances(
                        o, evaluator=FanovaImportanceEvaluator(seed=seed)),
                }
                for name, fn in runs.items():
                    t, imp = timed(fn)
                    stats.setdefault(name, []).append((next(iter(imp)) == "x", float(imp["x"]), t))
            for name, vals in stats.items():
                first = sum(v[0] for v in vals) / len(vals)
                print(f"| {kind} | {n} | {name} | {first:.0%} | {np.mean([v[1] for v in vals]):.2f} | "
                      f"{np.mean([v[2] for v in vals]):.2f} |")


def dashboard_table(n: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from tunewise.insight import create_app

    rows = build_trials(n)
    _, store = tunewise_study(rows)
    client = TestClient(create_app(store, min_refresh=0.0), base_url="http://127.0.0.1")
    print(f"\n## Dashboard API at {n:,} trials (first call / cached call, seconds; response size)\n")
    print("| request | first s | again s | KB |")
    print("|---|---:|---:|---:|")
    reqs = ["/api/studies", "/api/studies/bench", "/api/studies/bench/trials?limit=25",
            "/api/studies/bench/trials?sort=value&limit=25",
            "/api/studies/bench/trials?sort=params.lr&order=desc&limit=25",
            "/api/studies/bench/trials?state=PRUNED&filter=lr%3C0.001&limit=25",
            f"/api/studies/bench/trials?after={n - 2}",
            "/api/studies/bench/plots/history", "/api/studies/bench/plots/parallel",
            "/api/studies/bench/plots/intermediate", "/api/studies/bench/plots/timeline",
            "/api/studies/bench/plots/importance"]
    for r in reqs:
        t1, resp = timed(lambda r=r: client.get(r))
        assert resp.status_code == 200, (r, resp.text[:200])
        t2, _ = timed(lambda r=r: client.get(r))
        print(f"| `{r}` | {t1:.3f} | {t2:.3f} | {len(resp.content) / 1e3:.0f} |")


WATCH_WORKER = """
import sys, time
import tunewise as tw
study = tw.load_study("watched", sys.argv[1], sampler=tw.samplers.RandomSampler(seed=int(sys.argv[3])))
def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    for step in range(5):
        trial.report(x * x + 1 / (step + 1), step)
    time.sleep(0.01)
    return x * x
t0 = time.perf_counter()
study.optimize(objective, n_trials=int(sys.argv[2]))
print(time.perf_counter() - t0)
"""


def watch_table(per_worker: int, workers: int = 4) -> None:
    """4 worker processes write one SQLite study; time them with and without a dashboard
    being polled the way an open page polls it (every 0.5 s, plus plots and table)."""
    import os
    import subprocess
    import sys
    import tempfile
    import threading

    import httpx
    import uvicorn

    import tunewise as tw
    from tunewise.insight import create_app

    def run(watch: bool) -> tuple[float, list[float], int, int]:
        d = tempfile.mkdtemp()
        url = f"sqlite:///{os.path.join(d, 'w.db')}"
        tw.create_study(name="watched", storage=url)
        polls = errors = 0
        stop = threading.Event()
        server = None
        if watch:
            import socket

            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            server = uvicorn.Server(uvicorn.Config(create_app(url, min_refresh=0.5), host="127.0.0.1", port=port,
                                                   log_level="error"))
            threading.Thread(target=server.run, daemon=True).start()
            while not server.started:
                time.sleep(0.05)

            def poll() -> None:
                nonlocal polls, errors
                base = f"http://127.0.0.1:{port}/api/studies/watched"
                wm, k = -1, 0
                with httpx.Client(timeout=30) as c:
                    while not stop.is_set():
                        extra = [("/trials", {"sort": "value", "limit": 25}), ("/plots/history", {})]
                        for path, params in [("/trials", {"after": wm}), ("", {})] + (extra if k % 10 == 0 else []):
                            r = c.get(base + path, params=params)
                            polls += 1
                            if r.status_code != 200:
                                errors += 1
                            elif path == "/trials" and "after" in params:
                                wm = r.json()["watermark"]
                        k += 1
                        stop.wait(0.5)

            threading.Thread(target=poll, daemon=True).start()
        env = dict(os.environ, PYTHONPATH="src")
        t0 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", WATCH_WORKER, url, str(per_worker), str(i)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for i in range(workers)]
        outs = [p.communicate() for p in procs]
        wall = time.perf_counter() - t0
        stop.set()
        if server is not None:
            server.should_exit = True
        failed = sum(p.returncode != 0 for p in procs)
        if failed:
            print("worker errors:", [o[1][-300:] for o in outs if o[1]])
        per = [float(o[0].strip().splitlines()[-1]) for o in outs if o[0].strip()]
        n = tw.load_study("watched", url).trials
        assert len(n) == workers * per_worker, len(n)
        return wall, per, polls, errors

    print(f"\n## {workers} SQLite workers x {per_worker} trials, watched or not\n")
    print("| run | wall s | mean worker optimize s | dashboard requests | request errors |")
    print("|---|---:|---:|---:|---:|")
    for watch in (False, True, False, True):
        wall, per, polls, errors = run(watch)
        label = "dashboard polling" if watch else "no dashboard"
        print(f"| {label} | {wall:.1f} | {np.mean(per):.1f} | {polls} | {errors} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 trials and 5 seeds instead of 50,000 and 10")
    ap.add_argument("--only", choices=["plots", "importance", "dashboard", "watch"], default=None)
    args = ap.parse_args()
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    n = 10_000 if args.quick else 50_000
    if args.only in (None, "plots"):
        plot_table(n)
    if args.only in (None, "importance"):
        importance_table(5 if args.quick else 10, [100, 500] if args.quick else [100, 500, 2000])
    if args.only in (None, "dashboard"):
        dashboard_table(n)
    if args.only in (None, "watch"):
        watch_table(100 if args.quick else 400)


if __name__ == "__main__":
    main()
