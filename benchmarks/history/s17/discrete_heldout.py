"""Held-out check of TPE's no-repeat rule in finite spaces (session 17; decided before any run).

The probe of this session (``probe_space_types.py``) found tunewise's TPE re-proposing its best
configuration in spaces without a continuous parameter, and its problems were used to write the
rule. These problems are new (other structures, one random instance per seed), so they were not
looked at while the rule was written. Each run: 60 trials; regret = f(best) - min f over the
space (exact: every space is small enough to enumerate), floored at 1e-3; duplicates = trials
repeating an evaluated configuration while the space still had an untried one.

    # the library under test comes first on sys.path (a worktree of the code before the change)
    PYTHONPATH=/tmp/wt/src .venv/bin/python benchmarks/history/s17/discrete_heldout.py --label before --out A.json
    .venv/bin/python benchmarks/history/s17/discrete_heldout.py --label after --out B.json --optuna
    .venv/bin/python benchmarks/history/s17/discrete_heldout.py --summarize A.json B.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

SEEDS = range(10)
BUDGETS = (30, 60)
FLOOR = 1e-3


def problems(seed: int) -> dict[str, tuple[dict[str, Any], Callable[[dict[str, Any]], float]]]:
    """name -> (space, f). A space maps a name to ("cat", choices) or ("int", low, high)."""
    rng = np.random.default_rng([seed, 4242])
    out: dict[str, tuple[dict[str, Any], Callable[[dict[str, Any]], float]]] = {}

    # six categoricals, sizes 2-8, additive effects plus three pairwise interactions
    sizes = [2, 3, 4, 5, 6, 8]
    eff = [rng.random(k) * w for k, w in zip(sizes, [0.3, 0.5, 1.0, 0.7, 0.4, 1.2], strict=True)]
    pairs = [(0, 3), (1, 5), (2, 4)]
    inter = {p: 0.6 * rng.random((sizes[p[0]], sizes[p[1]])) for p in pairs}
    space_a = {f"c{i}": ("cat", [f"v{j}" for j in range(k)]) for i, k in enumerate(sizes)}

    def f_a(cfg: dict[str, Any]) -> float:
        idx = [int(cfg[f"c{i}"][1:]) for i in range(len(sizes))]
        return float(sum(e[j] for e, j in zip(eff, idx, strict=True))
                     + sum(inter[(a, b)][idx[a], idx[b]] for a, b in pairs))

    out["cat6-interact"] = (space_a, f_a)

    # three categoricals of 10 choices; one strong interaction decides the best pair
    e3 = [rng.random(10) * 0.5 for _ in range(3)]
    strong = rng.random((10, 10)) ** 3 * 2.0
    space_b = {f"k{i}": ("cat", list(range(10))) for i in range(3)}

    def f_b(cfg: dict[str, Any]) -> float:
        i, j, k = (int(cfg[f"k{n}"]) for n in range(3))
        return float(e3[0][i] + e3[1][j] + e3[2][k] + strong[i, j])

    out["cat3x10"] = (space_b, f_b)

    # three categoricals and two integers (mostly categorical: the default runs TPE)
    ec = [rng.random(k) for k in (3, 4, 5)]
    centre = rng.integers(0, 8, size=2)
    space_c = {"a": ("cat", ["x", "y", "z"]), "b": ("cat", [None, True, 2, "s"]),
               "c": ("cat", list("pqrst")), "n": ("int", 0, 7), "m": ("int", 0, 7)}

    def f_c(cfg: dict[str, Any]) -> float:
        ia = ["x", "y", "z"].index(cfg["a"])
        ib = [None, True, 2, "s"].index(cfg["b"])
        ic = "pqrst".index(cfg["c"])
        return float(ec[0][ia] + ec[1][ib] + ec[2][ic] + 0.05 * ((cfg["n"] - centre[0]) ** 2
                                                                 + (cfg["m"] - centre[1]) ** 2))

    out["mixed-cat-int"] = (space_c, f_c)

    # a small space: 6 x 8 = 48 configurations, exhausted near the budget
    small = rng.random((6, 8))
    space_d = {"u": ("cat", list(range(6))), "w": ("cat", list(range(8)))}
    out["cat6x8-small"] = (space_d, lambda cfg: float(small[int(cfg["u"]), int(cfg["w"])]))
    return out


def suggest(trial: Any, space: dict[str, Any]) -> dict[str, Any]:
    cfg = {}
    for name, spec in space.items():
        cfg[name] = (trial.suggest_categorical(name, spec[1]) if spec[0] == "cat"
                     else trial.suggest_int(name, spec[1], spec[2]))
    return cfg


def all_configs(space: dict[str, Any]) -> list[dict[str, Any]]:
    axes = [spec[1] if spec[0] == "cat" else list(range(spec[1], spec[2] + 1)) for spec in space.values()]
    return [dict(zip(space, combo, strict=True)) for combo in itertools.product(*axes)]


def make_study(method: str, seed: int) -> Any:
    """The study a method runs in: optuna-tpe, tw-tpe, tw-tpe-uni (multivariate=False), tw-default,
    tw-default-tpe (the default forced onto TPE after its design, ``large_budget=0``: the route of a
    mostly categorical space before session 17) or tw-default-gp (the name the GP route ran under
    as a dev variant; the default since, so the same sampler)."""
    if method == "optuna-tpe":
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        return optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.ERROR)
    if method == "tw-tpe":
        return tw.create_study(sampler=tw.samplers.TPESampler(seed=seed))
    if method == "tw-tpe-uni":
        return tw.create_study(sampler=tw.samplers.TPESampler(seed=seed, multivariate=False))
    sampler = tw.samplers.AutoSampler(seed=seed)
    if method == "tw-default-tpe":
        sampler.large_budget = 0
    return tw.create_study(sampler=sampler)


def run(method: str, space: dict[str, Any], f: Callable[[dict[str, Any]], float], seed: int) -> list[dict[str, Any]]:
    study = make_study(method, seed)
    configs: list[dict[str, Any]] = []

    def objective(trial: Any) -> float:
        cfg = suggest(trial, space)
        configs.append(cfg)
        return f(cfg)

    study.optimize(objective, n_trials=max(BUDGETS))
    return configs


def measure(method: str, space: dict[str, Any], f: Callable[[dict[str, Any]], float], seed: int) -> dict[str, Any]:
    """One run: the regret at each budget (floored) and the repeats while untried configurations remained."""
    values = [f(c) for c in all_configs(space)]
    best, n_space = min(values), len(values)
    configs = run(method, space, f, seed)
    keys = [json.dumps(c, sort_keys=True) for c in configs]
    dups = sum(1 for i, k in enumerate(keys) if k in keys[:i] and len(set(keys[:i])) < n_space)
    return {"regret": {str(b): max(min(f(c) for c in configs[:b]) - best, FLOOR) for b in BUDGETS}, "dups": dups,
            "space": n_space}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", default="tunewise")
    ap.add_argument("--out")
    ap.add_argument("--optuna", action="store_true")
    ap.add_argument("--methods", nargs="*", help="tunewise methods (default: tw-default tw-tpe tw-tpe-uni)")
    ap.add_argument("--summarize", nargs="+")
    a = ap.parse_args()
    if a.summarize:
        summarize([r for path in a.summarize for r in json.load(open(path))])
        return
    methods = (a.methods or ["tw-default", "tw-tpe", "tw-tpe-uni"]) + (["optuna-tpe"] if a.optuna else [])
    rows = []
    for seed in SEEDS:
        for name, (space, f) in problems(seed).items():
            for method in methods:
                label = method if method.startswith("optuna") else f"{method}:{a.label}"
                rows.append({"problem": name, "seed": seed, "method": label, **measure(method, space, f, seed)})
                print(name, seed, label, rows[-1]["regret"], "dups", rows[-1]["dups"], file=sys.stderr)
    json.dump(rows, open(a.out, "w"))


def summarize(rows: list[dict[str, Any]]) -> None:
    cell = {(r["problem"], r["seed"], r["method"]): r for r in rows}
    methods = sorted({r["method"] for r in rows})
    for problem in sorted({r["problem"] for r in rows}):
        print(f"## {problem} (space {rows[[r['problem'] for r in rows].index(problem)]['space']})")
        for b in map(str, BUDGETS):
            line = []
            for m in methods:
                v = [cell[(problem, s, m)]["regret"][b] for s in SEEDS if (problem, s, m) in cell]
                line.append(f"{m} {math.exp(np.mean(np.log(v))):.4f}")
            print(f"  budget {b}: " + " | ".join(line))
        print("  duplicates per run: " + " | ".join(
            f"{m} {np.mean([cell[(problem, s, m)]['dups'] for s in SEEDS if (problem, s, m) in cell]):.1f}"
            for m in methods))
    for b in map(str, BUDGETS):
        for num, den in (("tw-default:after", "optuna-tpe"), ("tw-default:before", "optuna-tpe"),
                         ("tw-default:after", "tw-default:before"), ("tw-tpe:after", "tw-tpe:before"),
                         ("tw-tpe-uni:after", "tw-tpe-uni:before"), ("tw-tpe-uni:after", "optuna-tpe"),
                         ("tw-default-gp:after", "tw-default:after")):
            logs = [math.log(cell[(p, s, num)]["regret"][b] / cell[(p, s, den)]["regret"][b])
                    for p in sorted({r["problem"] for r in rows}) for s in SEEDS
                    if (p, s, num) in cell and (p, s, den) in cell]
            if not logs:
                continue
            arr = np.array(logs)
            boot = np.random.default_rng(0).choice(arr, (4000, len(arr))).mean(axis=1)
            lo, hi = np.exp(np.percentile(boot, [2.5, 97.5]))
            print(f"budget {b}: {num} / {den}: {math.exp(arr.mean()):.2f} [{lo:.2f}, {hi:.2f}] ({len(arr)} cells)")


if __name__ == "__main__":
    main()
