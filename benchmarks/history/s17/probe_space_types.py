"""Robustness and quality probe of tunewise's default sampler on search-space types nobody tuned on.

Session 17. Synthetic objectives with known optima (none from ``benchmarks/sample_efficiency.py``:
no bbob function or instance, no scikit-learn task), one per space type:

  cat8            8 categoricals with 3..10 choices, additive effects + two pairwise interactions
  cat-small       3 categoricals (3 x 4 x 5 = 60 configurations): duplicates before exhaustion
  int6            6 suggest_int over 1..100 (one log=True), shifted quadratic with plateaus and rounding
  step            floats with step (0.05 on [0, 1], 0.25 on [-2, 2], 0.1 on [0, 1]) and ints with step
  ellipsoid-40/60 rotated ellipsoid (condition 1e3) in [-5, 5]^d
  eff5-of-40      rotated ellipsoid in 5 of 40 dimensions (35 dummies)
  wide-log        two log floats over 1e-8 .. 1e2 (optima 1.3e-6 and 3e-2) and one float
  cond-deep       3 levels of branches, different parameters per branch, names shared across branches
                  (with different ranges)
  fail-nan        4 floats, NaN returned on 25 % of the space (the optimum sits at its border)
  fail-raise      3 floats + an int + a categorical, the objective raises on 25 % of the space
  fail-inf        4 floats, +inf returned on 25 % of the space
  noisy           5 floats, Gaussian noise of sd 30 % of the objective's range; judged on the clean
                  value of the trial each method returns (its best noisy value)
  cat200          a categorical with 200 choices + 2 floats;  cat200-only: that categorical alone
  evolve-dep      ranges that depend on another parameter (y in [0, x], k in [1, 4 m])
  evolve-time     ranges that change with the trial number (a resumed study's range moving)
  *-max           the same problem maximized (the negated objective)

Methods: tw-default (``tw.create_study(sampler=AutoSampler(seed))``, the default sampler seeded),
tw-tpe, optuna-tpe (default arguments), optuna-gp (where it models the space: not conditional or
evolving ones), tw-random.

Measured per run: regret (clean objective value of the configuration the method returns after b
trials minus the optimum, floored per problem), exceptions, warnings (and WARNING log records),
duplicate proposals (exact; in a finite space those made before it is exhausted; near-duplicates,
within 1e-3 of every continuous range, in spaces with a continuous parameter), proposals outside
their range, off the step lattice or of the wrong type, optimizer CPU time per trial (objective
excluded) and its growth.

  nice -n 10 .venv/bin/python benchmarks/history/s17/probe_space_types.py --workers 2 \\
      --json benchmarks/history/s17/probe_space_types.json
  nice -n 10 .venv/bin/python benchmarks/history/s17/probe_space_types.py --quick       # smoke test
  .venv/bin/python benchmarks/history/s17/probe_space_types.py --summarize benchmarks/history/s17/probe_space_types.json
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

PROBLEM_SEED = 1717  # fixes every problem instance (rotations, effect tables, optima)
NEAR = 1e-3  # a near-duplicate: within this fraction of every continuous range (and equal elsewhere)


# ---- proposals: record and check every suggest ---------------------------------------------------
class Invalid(Exception):
    pass


@dataclass
class Suggestion:
    name: str
    kind: str  # float, int, cat
    value: Any
    low: Any = None
    high: Any = None
    step: Any = None
    log: bool = False
    choices: tuple[Any, ...] | None = None
    issues: list[str] = field(default_factory=list)

    def unit(self) -> float | None:
        """Position in [0, 1] of a numeric value (log-aware)."""
        if self.kind == "cat" or self.high == self.low:
            return None
        v = float(self.value)
        if self.log:
            return (math.log(v) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (v - self.low) / (self.high - self.low)

    def continuous(self) -> bool:
        return self.kind == "float" and self.step is None


def _check(s: Suggestion) -> None:
    v = s.value
    if s.kind == "cat":
        assert s.choices is not None
        if not any(v == c and type(v) is type(c) for c in s.choices):
            s.issues.append(f"not a choice ({v!r})" if v not in s.choices else f"wrong type {type(v).__name__}")
        return
    if s.kind == "int" and (isinstance(v, bool) or not isinstance(v, int)):
        s.issues.append(f"int of type {type(v).__name__}")
    if s.kind == "float" and not isinstance(v, float):
        s.issues.append(f"float of type {type(v).__name__}")
    try:
        fv = float(v)
    except (TypeError, ValueError):
        s.issues.append(f"not a number {v!r}")
        return
    if not math.isfinite(fv):
        s.issues.append(f"non-finite {fv}")
        return
    if fv < s.low or fv > s.high:
        s.issues.append(f"out of bounds {fv!r} not in [{s.low}, {s.high}]")
    if s.step is not None:
        k = (fv - s.low) / s.step
        if abs(k - round(k)) > 1e-6:
            s.issues.append(f"off the step lattice {fv!r} (low {s.low}, step {s.step})")
        elif s.kind == "float" and abs(fv - (s.low + round(k) * s.step)) > 1e-12 * max(1.0, abs(fv)):
            s.issues.append(f"step value not the lattice float {fv!r} vs {s.low + round(k) * s.step!r}")


class ProbeTrial:
    """Wraps a tunewise or optuna trial: records each suggestion and checks it."""

    def __init__(self, trial: Any) -> None:
        self._t = trial
        self.number = trial.number
        self.suggestions: list[Suggestion] = []
        self.suggest_cpu = 0.0

    def _record(self, s: Suggestion) -> Any:
        _check(s)
        self.suggestions.append(s)
        return s.value

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None,
                      log: bool = False) -> float:
        t0 = time.process_time()
        v = self._t.suggest_float(name, low, high, step=step, log=log)
        self.suggest_cpu += time.process_time() - t0
        return self._record(Suggestion(name, "float", v, low, high, step, log))

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1, log: bool = False) -> int:
        t0 = time.process_time()
        v = self._t.suggest_int(name, low, high, step=step, log=log)
        self.suggest_cpu += time.process_time() - t0
        return self._record(Suggestion(name, "int", v, low, high, step, log))

    def suggest_categorical(self, name: str, choices: list[Any]) -> Any:
        t0 = time.process_time()
        v = self._t.suggest_categorical(name, list(choices))
        self.suggest_cpu += time.process_time() - t0
        return self._record(Suggestion(name, "cat", v, choices=tuple(choices)))


# ---- problems -----------------------------------------------------------------------------------
class ObjectiveFails(Exception):
    """Raised by the objective on its failing region (caught: the trial is FAILED)."""


@dataclass
class Problem:
    name: str
    kind: str  # the type number of the brief, for the per-type table
    evaluate: Callable[[ProbeTrial, np.random.Generator], tuple[float, float]]  # (returned, clean)
    f_opt: float
    floor: float
    worst: float  # regret charged when a method has no usable trial yet
    size: int | None = None  # number of configurations of a finite space
    direction: str = "minimize"
    budgets: tuple[int, ...] = (30, 60)
    seeds: int = 8
    optuna_gp: bool = True
    record_params: bool = True


def _rng(tag: str) -> np.random.Generator:
    return np.random.default_rng([PROBLEM_SEED, sum(ord(c) * 131 ** i for i, c in enumerate(tag)) % 2**31])


def _rotation(d: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def make_cat8() -> Problem:
    rng = _rng("cat8")
    sizes = [3, 4, 5, 6, 7, 8, 9, 10]
    weights = [1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15]
    choices = []
    for i, k in enumerate(sizes):  # mixed choice types: strings, ints, a None, a bool pair
        if i == 0:
            choices.append(["relu", "tanh", "gelu"])
        elif i == 1:
            choices.append([None, "l1", "l2", "elastic"])
        elif i == 3:
            choices.append([16, 32, 64, 128, 256, 512])
        else:
            choices.append([f"v{i}_{j}" for j in range(k)])
    effects = [w * rng.random(k) for w, k in zip(weights, sizes)]
    inter01 = 0.9 * rng.random((3, 4))
    inter36 = 0.7 * rng.random((6, 9))
    f_opt = sum(float(e.min()) for i, e in enumerate(effects) if i not in (0, 1, 3, 6))
    f_opt += float((effects[0][:, None] + effects[1][None, :] + inter01).min())
    f_opt += float((effects[3][:, None] + effects[6][None, :] + inter36).min())

    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        idx = []
        for i, ch in enumerate(choices):
            v = trial.suggest_categorical(f"c{i}", ch)
            idx.append(ch.index(v))
        f = sum(float(effects[i][j]) for i, j in enumerate(idx)) + inter01[idx[0], idx[1]] + inter36[idx[3], idx[6]]
        return float(f), float(f)

    return Problem("cat8", "1 categorical", evaluate, f_opt, 1e-3, 3.0, size=int(np.prod(sizes)))


def make_cat_small() -> Problem:
    rng = _rng("cat-small")
    sizes = [3, 4, 5]
    effects = [rng.random(k) for k in sizes]
    inter = 0.8 * rng.random((4, 5))
    table = effects[0][:, None, None] + effects[1][None, :, None] + effects[2][None, None, :] + inter[None]
    f_opt = float(table.min())

    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        a = trial.suggest_categorical("a", ["x", "y", "z"])
        b = trial.suggest_categorical("b", [1, 2, 3, 4])
        c = trial.suggest_categorical("c", ["p", "q", "r", "s", "t"])
        f = float(table[["x", "y", "z"].index(a), b - 1, "pqrst".index(c)])
        return f, f

    return Problem("cat-small", "1 categorical", evaluate, f_opt, 1e-3, 3.0, size=60)


def make_int6() -> Problem:
    centres = [37, 81, 5, 62, 100]  # one optimum on the upper bound
    log_centre = 3  # the log=True parameter's optimum, near its lower end
    w = [1.0, 0.7, 1.3, 0.5, 0.9]

    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        xs = [trial.suggest_int(f"n{i}", 1, 100) for i in range(5)]
        lg = trial.suggest_int("nlog", 1, 100, log=True)
        f = 0.0
        for i, (x, c) in enumerate(zip(xs, centres)):
            if i == 3:  # a plateau parameter: the objective sees x rounded down to a multiple of 4
                x = (x // 4) * 4
            f += w[i] * ((x - c) / 100.0) ** 2
        f += 0.5 * (math.log(lg) - math.log(log_centre)) ** 2 / math.log(100) ** 2
        f = round(f, 4)  # the objective reports 4 decimals
        return f, f

    return Problem("int6", "2 integer", evaluate, 0.0, 1e-4, 3.0, size=100**6)


def make_step() -> Problem:
    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        x1 = trial.suggest_float("x1", 0.0, 1.0, step=0.05)
        x2 = trial.suggest_float("x2", -2.0, 2.0, step=0.25)
        x3 = trial.suggest_float("x3", 0.0, 1.0, step=0.1)
        n = trial.suggest_int("n", 0, 200, step=10)
        m = trial.suggest_int("m", 1, 31, step=3)
        # optima on the lattice: x1 on its upper bound, x2 = 1.25, x3 = 0.3, n = 120, m = 28
        f = 2 * (x1 - 1.0) ** 2 + (x2 - 1.25) ** 2 / 4 + (x3 - 0.3) ** 2 + ((n - 120) / 200) ** 2 + ((m - 28) / 30) ** 2
        f += 0.5 * (x1 - 1.0) * (x3 - 0.3)
        return float(f), float(f)

    return Problem("step", "3 step", evaluate, 0.0, 1e-4, 3.0, size=21 * 17 * 11 * 21 * 11)


def make_ellipsoid(d: int, effective: int | None = None) -> Problem:
    tag = f"ell{d}-{effective}"
    rng = _rng(tag)
    k = effective or d
    dims = np.sort(rng.choice(d, size=k, replace=False)) if effective else np.arange(d)
    rot = _rotation(k, rng)
    x_opt = rng.uniform(-3.5, 3.5, size=k)
    cond = 1e2 if effective else 1e3
    scales = cond ** (np.arange(k) / max(k - 1, 1))

    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        x = np.array([trial.suggest_float(f"x{i:02d}", -5.0, 5.0) for i in range(d)])
        z = rot @ (x[dims] - x_opt)
        f = float(np.sum(scales * z**2)) / k
        return f, f

    name = f"eff{k}-of-{d}" if effective else f"ellipsoid-{d}"
    return Problem(name, "4 high-dim", evaluate, 0.0, 1e-6, 1e4, budgets=(30, 60, 100), seeds=5,
                   optuna_gp=True, record_params=False)


def make_wide_log() -> Problem:
    a_opt, b_opt = 1.3e-6, 3e-2

    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        a = trial.suggest_float("alpha", 1e-8, 1e2, log=True)
        b = trial.suggest_float("beta", 1e-8, 1e2, log=True)
        x = trial.suggest_float("x", 0.0, 1.0)
        f = (math.log10(a / a_opt)) ** 2 / 4 + 0.5 * (math.log10(b / b_opt)) ** 2 / 4 + (x - 0.7) ** 2
        return f, f

    return Problem("wide-log", "5 wide log", evaluate, 0.0, 1e-6, 30.0)


def make_cond_deep() -> Problem:
    """model -> (linear: penalty -> l1_ratio), (tree: kind -> lr/max_features), (net: optimizer -> momentum/beta1).

    Shared names: "lr" (tree/boost [1e-3, 1] log and net [1e-5, 1e-1] log), "depth" (tree [1, 20]
    and net [1, 8]), "C" (linear, every penalty). Leaf minima: net/adam 0 (global), tree/boost 0.05,
    linear/elastic 0.08, net/sgd/nesterov 0.03.
    """

    def lg(v: float, c: float) -> float:
        return math.log10(v / c) ** 2

    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        model = trial.suggest_categorical("model", ["linear", "tree", "net"])
        if model == "linear":
            c = trial.suggest_float("C", 1e-4, 1e4, log=True)
            penalty = trial.suggest_categorical("penalty", ["l1", "l2", "elastic"])
            f = 0.08 + 0.05 * lg(c, 3.0)
            if penalty == "elastic":
                r = trial.suggest_float("l1_ratio", 0.0, 1.0)
                f += 0.3 * (r - 0.2) ** 2
            else:
                f += 0.1 if penalty == "l1" else 0.06
        elif model == "tree":
            depth = trial.suggest_int("depth", 1, 20)
            kind = trial.suggest_categorical("kind", ["forest", "boost"])
            f = 0.05 + 0.002 * (depth - 12) ** 2
            if kind == "boost":
                lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
                f += 0.04 * lg(lr, 0.08)
            else:
                mf = trial.suggest_float("max_features", 0.05, 1.0)
                f += 0.07 + 0.2 * (mf - 0.4) ** 2
        else:
            depth = trial.suggest_int("depth", 1, 8)
            lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
            optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam"])
            f = 0.01 * (depth - 3) ** 2 + 0.06 * lg(lr, 2e-3) if optimizer == "adam" else 0.01 * (depth - 5) ** 2
            if optimizer == "sgd":
                f += 0.06 * lg(lr, 3e-2)
                nesterov = trial.suggest_categorical("nesterov", [False, True])
                mom = trial.suggest_float("momentum", 0.0, 0.99)
                f += (0.03 if nesterov else 0.06) + 0.5 * (mom - 0.9) ** 2
            else:
                b1 = trial.suggest_float("beta1", 0.5, 0.999)
                f += 0.8 * (b1 - 0.85) ** 2
        return float(f), float(f)

    return Problem("cond-deep", "6 conditional", evaluate, 0.0, 1e-4, 3.0, optuna_gp=False)


def _fail_base(x: np.ndarray) -> float:
    # optimum at (0.72, 0.35, 0.6, 0.5) in [0, 1]^4: just inside the failing region x0 > 0.75 (25 %)
    c = np.array([0.72, 0.35, 0.6, 0.5])
    w = np.array([3.0, 1.0, 2.0, 0.5])
    return float(np.sum(w * (x - c) ** 2) + 0.3 * (x[0] - c[0]) * (x[2] - c[2]))


def make_fail(mode: str) -> Problem:
    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(4)])
        f = _fail_base(x)
        if x[0] > 0.75:
            if mode == "nan":
                return math.nan, math.nan
            return math.inf, math.inf
        return f, f

    return Problem(f"fail-{mode}", "7 failures", evaluate, 0.0, 1e-6, 6.0)


def make_fail_raise() -> Problem:
    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)]
        k = trial.suggest_int("k", 1, 10)
        kind = trial.suggest_categorical("kind", ["a", "b", "c"])
        if x[0] > 0.75:
            raise ObjectiveFails("region x0 > 0.75 fails")
        f = _fail_base(np.array([x[0], x[1], x[2], 0.5])) + 0.02 * (k - 7) ** 2 + {"a": 0.1, "b": 0.0, "c": 0.3}[kind]
        return f, f

    return Problem("fail-raise", "7 failures", evaluate, 0.0, 1e-6, 6.0)


def make_noisy() -> Problem:
    c = np.array([0.2, 0.8, 0.45, 0.6, 0.3])
    w = np.array([2.0, 1.5, 1.0, 1.0, 0.5])

    def clean(x: np.ndarray) -> float:
        return float(np.sum(w * (x - c) ** 2) + 0.1 * np.sum(1 - np.cos(6 * np.pi * (x - c))))

    grid = np.random.default_rng(PROBLEM_SEED).random((20000, 5))
    values = np.array([clean(x) for x in grid])
    sd = 0.3 * float(values.max() - values.min())

    def evaluate(trial: ProbeTrial, rng: np.random.Generator) -> tuple[float, float]:
        x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(5)])
        f = clean(x)
        return f + sd * float(rng.standard_normal()), f

    return Problem("noisy", "8 noisy", evaluate, 0.0, 1e-4, 6.0)


def make_cat200(alone: bool) -> Problem:
    rng = _rng("cat200")
    cost = rng.random(200) ** 2  # many mediocre choices, a few good ones
    cost[rng.integers(200)] = 0.0
    labels = [f"item{j:03d}" for j in range(200)]

    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        v = trial.suggest_categorical("item", labels)
        f = float(cost[labels.index(v)])
        if not alone:
            x = trial.suggest_float("x", 0.0, 1.0)
            y = trial.suggest_float("y", -1.0, 1.0)
            f += (x - 0.3) ** 2 + 0.5 * (y + 0.4) ** 2
        return f, f

    name = "cat200-only" if alone else "cat200"
    return Problem(name, "9 cat200/evolving", evaluate, 0.0, 1e-4, 3.0, size=200 if alone else None)


def make_evolve_dep() -> Problem:
    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.1, 1.0)
        y = trial.suggest_float("y", 0.0, x)  # upper bound depends on x
        m = trial.suggest_int("m", 1, 8)
        k = trial.suggest_int("k", 1, 4 * m)  # upper bound depends on m
        z = trial.suggest_float("z", 0.0, 1.0, step=0.1 * 1 if m % 2 else 0.05)  # step depends on m
        f = (x - 0.8) ** 2 + 2 * (y - 0.5) ** 2 + 0.01 * (m - 6) ** 2 + 0.002 * (k - 17) ** 2 + (z - 0.4) ** 2
        return float(f), float(f)

    return Problem("evolve-dep", "9 cat200/evolving", evaluate, 0.0, 1e-4, 3.0, optuna_gp=False)


def make_evolve_time() -> Problem:
    def evaluate(trial: ProbeTrial, _: np.random.Generator) -> tuple[float, float]:
        t = trial.number
        # a range that moves and narrows as the study goes (optimum 0.7 in every one of them)
        lo = -5.0 + 4.0 * min(t, 40) / 40
        hi = 5.0 - 3.0 * min(t, 40) / 40
        x = trial.suggest_float("x", lo, hi)
        n = trial.suggest_int("n", 0, 20 + (t % 3) * 40)  # the int range flips between 20, 60 and 100
        s = trial.suggest_float("s", 1e-3 if t < 20 else 1e-2, 10.0, log=True)
        f = (x - 0.7) ** 2 / 4 + ((n - 15) / 20) ** 2 + 0.2 * math.log10(s / 0.3) ** 2
        return float(f), float(f)

    return Problem("evolve-time", "9 cat200/evolving", evaluate, 0.0, 1e-4, 10.0, optuna_gp=False)


def maximized(p: Problem) -> Problem:
    def evaluate(trial: ProbeTrial, rng: np.random.Generator) -> tuple[float, float]:
        returned, clean = p.evaluate(trial, rng)
        return -returned, -clean

    return Problem(p.name + "-max", "10 maximize", evaluate, -p.f_opt, p.floor, p.worst, size=p.size,
                   direction="maximize", budgets=p.budgets, seeds=p.seeds, optuna_gp=p.optuna_gp,
                   record_params=p.record_params)


def all_problems() -> list[Problem]:
    base = [make_cat8(), make_cat_small(), make_int6(), make_step(), make_ellipsoid(40), make_ellipsoid(60),
            make_ellipsoid(40, 5), make_wide_log(), make_cond_deep(), make_fail("nan"), make_fail_raise(),
            make_fail("inf"), make_noisy(), make_cat200(False), make_cat200(True), make_evolve_dep(),
            make_evolve_time()]
    by = {p.name: p for p in base}
    return base + [maximized(by[n]) for n in ("cat8", "int6", "step", "wide-log", "cond-deep", "fail-nan")]


# ---- methods -------------------------------------------------------------------------------------
METHODS = ("tw-default", "tw-tpe", "optuna-tpe", "optuna-gp", "tw-random")


def _auto_plugin(seed: int) -> Any:
    """Dev variant (session 17; needs plugin_incumbent.patch): the GP's incumbent is its best posterior
    mean at a result."""
    import tunewise as tw

    sampler = tw.samplers.AutoSampler(seed=seed)
    sampler._gp_sampler()._plugin_incumbent = True
    return sampler


# run on request (--methods): tunewise's GPSampler alone; tw-default-gp, the name the GP route for
# mostly categorical spaces ran under as a dev variant (the default since: the same sampler); the
# plug-in incumbent (needs plugin_incumbent.patch)
EXTRA_METHODS = ("tw-gp", "tw-default-gp", "tw-default-plugin")


def make_study(method: str, seed: int, direction: str) -> tuple[Any, str]:
    if method.startswith("tw-"):
        import tunewise as tw

        tw.logging.set_verbosity(tw.logging.WARNING)
        sampler = {"tw-default": lambda: tw.samplers.AutoSampler(seed=seed),
                   "tw-tpe": lambda: tw.samplers.TPESampler(seed=seed),
                   "tw-random": lambda: tw.samplers.RandomSampler(seed=seed),
                   "tw-gp": lambda: tw.samplers.GPSampler(seed=seed),
                   "tw-default-gp": lambda: tw.samplers.AutoSampler(seed=seed),
                   "tw-default-plugin": lambda: _auto_plugin(seed)}[method]()
        return tw.create_study(direction=direction, sampler=sampler), "tw"
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.logging.disable_default_handler()  # its records still reach the capture handler
    if method == "optuna-tpe":
        sampler = optuna.samplers.TPESampler(seed=seed)
    elif method == "optuna-gp":
        sampler = optuna.samplers.GPSampler(seed=seed)
    else:
        raise ValueError(method)
    return optuna.create_study(direction=direction, sampler=sampler), "optuna"


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()[:160]}")


def _message_key(text: str) -> str:
    """A warning's text with its numbers replaced, so repeats of one warning group together."""
    import re

    return re.sub(r"[-+]?\d[\d.e+-]*", "#", text)[:160]


def run_one(problem_name: str, method: str, seed: int) -> dict[str, Any]:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    problem = {p.name: p for p in all_problems()}[problem_name]
    budget = max(problem.budgets)
    noise_rng = np.random.default_rng([PROBLEM_SEED, seed, 99])
    records: list[dict[str, Any]] = []
    state = {"last_end": None}

    def objective(trial: Any) -> float:
        start = time.process_time()
        gap = start - state["last_end"] if state["last_end"] is not None else None
        pt = ProbeTrial(trial)
        rec: dict[str, Any] = {"number": trial.number, "gap_cpu": gap}
        records.append(rec)
        try:
            returned, clean = problem.evaluate(pt, noise_rng)
        except ObjectiveFails:
            rec.update(state="fail-raised", returned=None, clean=None)
            raise
        finally:
            rec["suggestions"] = pt.suggestions
            rec["suggest_cpu"] = pt.suggest_cpu
            end = time.process_time()
            rec["eval_cpu"] = max(0.0, end - start - pt.suggest_cpu)
            state["last_end"] = end
        rec.update(state="ok" if math.isfinite(returned) else ("nan" if math.isnan(returned) else "inf"),
                   returned=returned, clean=clean)
        return returned

    log_capture = _LogCapture()
    loggers = [logging.getLogger("tunewise"), logging.getLogger("optuna")]
    for lg in loggers:
        lg.addHandler(log_capture)
    exception = None
    study = None
    t0 = time.process_time()
    w0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            study, _ = make_study(method, seed, problem.direction)
            t0 = time.process_time()  # study creation (imports) excluded
            study.optimize(objective, n_trials=budget, catch=(ObjectiveFails,))
        except Exception as exc:  # noqa: BLE001 - a crash is a finding
            exception = {"type": type(exc).__name__, "message": str(exc)[:500],
                         "traceback": traceback.format_exc()[-3000:], "at_trial": len(records)}
    total_cpu = time.process_time() - t0
    wall = time.perf_counter() - w0
    for lg in loggers:
        lg.removeHandler(log_capture)
    warn_list = [f"{w.category.__name__}: {str(w.message)[:200]}" for w in caught]

    # states as the framework recorded them (NaN: failed in both?), and the framework's own best
    fw_states = {}
    attrs = None
    if study is not None:
        for t in study.trials:
            fw_states[t.number] = str(t.state).split(".")[-1]
        attrs = getattr(study, "system_attrs", {}).get("auto_sampler") if method == "tw-default" else None

    return analyse(problem, method, seed, records, fw_states, exception, warn_list, log_capture.records,
                   total_cpu, wall, attrs)


def analyse(problem: Problem, method: str, seed: int, records: list[dict[str, Any]], fw_states: dict[int, str],
            exception: dict[str, Any] | None, warn_list: list[str], log_list: list[str], total_cpu: float,
            wall: float, attrs: Any) -> dict[str, Any]:
    sign = 1.0 if problem.direction == "minimize" else -1.0
    records = sorted(records, key=lambda r: r["number"])
    seen: dict[tuple[Any, ...], int] = {}
    cont_rows: list[tuple[tuple[Any, ...], np.ndarray]] = []
    dups, premature, near, near_failed = [], [], [], []
    failed_rows: list[tuple[tuple[Any, ...], np.ndarray]] = []
    issues: list[str] = []
    per_trial = []
    best_val, best_clean = math.inf, None
    regret_curve = []
    has_cont = False
    for i, r in enumerate(records):
        sugg: list[Suggestion] = r["suggestions"]
        for s in sugg:
            for issue in s.issues:
                issues.append(f"trial {r['number']} {s.name}: {issue}")
        key = tuple(sorted((s.name, repr(s.value)) for s in sugg))
        if key in seen:
            dups.append(r["number"])
            if problem.size is None or len(seen) < problem.size:
                premature.append(r["number"])
        cont = [s for s in sugg if s.continuous()]
        if cont:
            has_cont = True
            disc = tuple(sorted((s.name, repr(s.value)) for s in sugg if not s.continuous()))
            names = tuple(sorted(s.name for s in cont))
            u = np.array([s.unit() for s in sorted(cont, key=lambda s: s.name)], dtype=float)
            for (d2, n2), u2 in cont_rows:
                if d2 == disc and n2 == names and np.all(np.abs(u2 - u) <= NEAR):
                    near.append(r["number"])
                    break
            for (d2, n2), u2 in failed_rows:  # the stuck-loop signature: back next to a point that failed
                if d2 == disc and n2 == names and np.all(np.abs(u2 - u) <= NEAR):
                    near_failed.append(r["number"])
                    break
            cont_rows.append(((disc, names), u))
            if r.get("state") in ("nan", "inf", "fail-raised"):
                failed_rows.append(((disc, names), u))
        seen.setdefault(key, r["number"])
        returned = r.get("returned")
        if r.get("state") == "ok" or r.get("state") == "inf":
            v = sign * returned
            if v < best_val:  # the first of equal values, as study.best_trial
                best_val, best_clean = v, r["clean"]
        regret = problem.worst if best_clean is None else max(sign * best_clean - sign * problem.f_opt, 0.0)
        regret_curve.append(regret)
        opt_cpu = None
        if r["gap_cpu"] is not None:
            opt_cpu = r["gap_cpu"] + r["suggest_cpu"]
        elif i == 0:
            opt_cpu = r["suggest_cpu"]
        per_trial.append({
            "number": r["number"], "state": r.get("state"), "fw_state": fw_states.get(r["number"]),
            "returned": None if r.get("returned") is None or not math.isfinite(r["returned"]) else r["returned"],
            "clean": None if r.get("clean") is None or not math.isfinite(r["clean"]) else r["clean"],
            "opt_cpu": opt_cpu,
            "params": {s.name: s.value for s in sugg} if problem.record_params else None,
        })
    regrets = {str(b): (max(regret_curve[b - 1], problem.floor) if len(regret_curve) >= b else None)
               for b in problem.budgets}
    cpus = [p["opt_cpu"] for p in per_trial if p["opt_cpu"] is not None]
    nan_states = sorted({(p["state"], p["fw_state"]) for p in per_trial if p["state"] in ("nan", "inf", "fail-raised")})
    return {
        "problem": problem.name, "type": problem.kind, "method": method, "seed": seed,
        "direction": problem.direction, "n_trials": len(records), "regret": regrets,
        "regret_curve": regret_curve, "exception": exception,
        "warnings": dict(Counter(_message_key(w) for w in warn_list)),
        "log_warnings": dict(Counter(_message_key(w) for w in log_list)),
        "duplicates": dups, "premature_duplicates": premature,
        "near_duplicates": near if has_cont else None, "near_failed": near_failed if has_cont else None,
        "issues": issues[:50], "n_issues": len(issues),
        "opt_cpu_mean": float(np.mean(cpus)) if cpus else None,
        "opt_cpu_max": float(np.max(cpus)) if cpus else None,
        "opt_cpu_last10": float(np.mean(cpus[-10:])) if len(cpus) >= 10 else None,
        "opt_cpu_11_20": float(np.mean(cpus[10:20])) if len(cpus) >= 20 else None,
        "total_cpu": total_cpu, "wall": wall, "failed_state_map": [list(x) for x in nan_states],
        "auto_sampler": attrs, "trials": per_trial,
    }


# ---- summary -------------------------------------------------------------------------------------
def _boot(logs: list[np.ndarray], rng: np.random.Generator, n: int = 4000) -> tuple[float, float, float]:
    """Mean over problems of each problem's mean log-ratio; CI by resampling seeds within problems."""
    point = float(np.mean([x.mean() for x in logs]))
    draws = np.zeros(n)
    for x in logs:
        idx = rng.integers(0, len(x), size=(n, len(x)))
        draws += x[idx].mean(axis=1)
    draws /= len(logs)
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return math.exp(point), math.exp(lo), math.exp(hi)


def _gmean(v: list[float]) -> float:
    return float(np.exp(np.mean(np.log(v))))


def summarize(results: list[dict[str, Any]], out: Any = sys.stdout) -> dict[str, Any]:
    def p(*a: Any) -> None:
        print(*a, file=out)

    rng = np.random.default_rng(0)
    problems = {p_.name: p_ for p_ in all_problems()}
    by: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for r in results:
        by.setdefault((r["problem"], r["method"]), {})[r["seed"]] = r
    names = [n for n in problems if any(k[0] == n for k in by)]
    methods = [m for m in METHODS + EXTRA_METHODS if any(k[1] == m for k in by)]
    summary: dict[str, Any] = {"per_problem": [], "per_type": []}

    p("\n## Geometric-mean regret per problem and budget (floored per problem); ratio tw-default / optuna-tpe, "
      "95% paired bootstrap CI over seeds")
    p("| problem | b | seeds | " + " | ".join(methods) + " | tw/otpe [CI] | tw/random |")
    p("|---|---|---|" + "---|" * len(methods) + "---|---|")
    type_logs: dict[tuple[str, int], list[np.ndarray]] = {}
    for n in names:
        prob = problems[n]
        for b in prob.budgets:
            cells = []
            gm: dict[str, float] = {}
            for m in methods:
                runs = by.get((n, m), {})
                vals = [r["regret"][str(b)] for r in runs.values() if r["regret"].get(str(b)) is not None]
                if vals:
                    gm[m] = _gmean(vals)
                    cells.append(f"{gm[m]:.3g}")
                else:
                    cells.append("-")
            ratio = "-"
            rr = "-"
            tw_runs, ot_runs = by.get((n, "tw-default"), {}), by.get((n, "optuna-tpe"), {})
            rnd_runs = by.get((n, "tw-random"), {})
            seeds = sorted(set(tw_runs) & set(ot_runs))
            pairs = [(tw_runs[s]["regret"][str(b)], ot_runs[s]["regret"][str(b)]) for s in seeds
                     if tw_runs[s]["regret"].get(str(b)) is not None and ot_runs[s]["regret"].get(str(b)) is not None]
            row = {"problem": n, "budget": b, "gmean": gm}
            if pairs:
                logs = np.array([math.log(a) - math.log(c) for a, c in pairs])
                est, lo, hi = _boot([logs], rng)
                ratio = f"{est:.2f} [{lo:.2f}, {hi:.2f}]"
                row["ratio_tw_otpe"] = [est, lo, hi]
                type_logs.setdefault((prob.kind, b), []).append(logs)
            if "tw-default" in gm and "tw-random" in gm and rnd_runs:
                rr = f"{gm['tw-default'] / gm['tw-random']:.2f}"
            p(f"| {n} | {b} | {len(pairs)} | " + " | ".join(cells) + f" | {ratio} | {rr} |")
            summary["per_problem"].append(row)

    p("\n## Ratio tw-default / optuna-tpe per type (mean over the type's problems of the per-problem mean "
      "log-ratio; CI resamples seeds within problems)")
    p("| type | budget | problems | ratio | 95% CI |")
    p("|---|---|---|---|---|")
    for (kind, b), logs in sorted(type_logs.items(), key=lambda kv: (int(kv[0][0].split()[0]), kv[0][1])):
        est, lo, hi = _boot(logs, rng)
        flag = "  worse" if lo > 1 else ("  better" if hi < 1 else "")
        p(f"| {kind} | {b} | {len(logs)} | {est:.2f} | [{lo:.2f}, {hi:.2f}]{flag} |")
        summary["per_type"].append({"type": kind, "budget": b, "ratio": [est, lo, hi]})

    p("\n## Robustness per problem and method (summed over seeds): runs, crashes, exact duplicates "
      "(premature: before a finite space is exhausted), near-duplicates (continuous spaces: within 1e-3 of "
      "every continuous range of an earlier trial; fine-tuning near an optimum also counts), proposals near a failed "
      "or inf point, invalid proposals (out of range / off lattice / wrong type), optimizer CPU ms/trial mean, max, "
      "trials 11-20 -> last 10")
    p("| problem | method | runs | crashes | dup (premature) | near-dup | near a failed point | invalid | cpu ms mean "
      "| max | 11-20 -> last10 |")
    p("|---|---|---|---|---|---|---|---|---|---|---|")
    flags = []
    for n in names:
        for m in methods:
            runs = list(by.get((n, m), {}).values())
            if not runs:
                continue
            crashes = sum(r["exception"] is not None for r in runs)
            dup = sum(len(r["duplicates"]) for r in runs)
            pre = sum(len(r["premature_duplicates"]) for r in runs)
            near = [r["near_duplicates"] for r in runs]
            near_s = "-" if all(x is None for x in near) else str(sum(len(x or []) for x in near))
            nf = [r.get("near_failed") for r in runs]
            near_f = "-" if all(x is None for x in nf) else str(sum(len(x or []) for x in nf))
            inv = sum(r["n_issues"] for r in runs)
            cm = np.mean([r["opt_cpu_mean"] for r in runs if r["opt_cpu_mean"] is not None]) * 1e3
            cx = max(r["opt_cpu_max"] for r in runs if r["opt_cpu_max"] is not None) * 1e3
            a = [r["opt_cpu_11_20"] for r in runs if r["opt_cpu_11_20"] is not None]
            z = [r["opt_cpu_last10"] for r in runs if r["opt_cpu_last10"] is not None]
            growth = f"{np.mean(a) * 1e3:.0f} -> {np.mean(z) * 1e3:.0f}" if a and z else "-"
            p(f"| {n} | {m} | {len(runs)} | {crashes} | {dup} ({pre}) | {near_s} | {near_f} | {inv} | {cm:.0f} "
              f"| {cx:.0f} | {growth} |")
            if crashes:
                flags.append(f"CRASH {n} {m}: " + "; ".join(
                    f"seed {r['seed']} {r['exception']['type']}: {r['exception']['message'][:200]}"
                    for r in runs if r["exception"]))
            if inv:
                ex = next(r["issues"][0] for r in runs if r["issues"])
                flags.append(f"INVALID {n} {m}: {inv} proposals, e.g. {ex}")
            if m.startswith("tw-") and pre:
                flags.append(f"DUPLICATES {n} {m}: {pre} exact duplicates before the space was exhausted")
            if m.startswith("tw-") and near_f not in ("-", "0"):
                flags.append(f"STUCK {n} {m}: {near_f} proposals within {NEAR} of a point that failed or returned inf")
            if m.startswith("tw-") and (cm > 200 or (a and z and np.mean(z) > 3 * np.mean(a) and np.mean(z) > 0.05)):
                flags.append(f"COST {n} {m}: mean {cm:.0f} ms/trial, 11-20 -> last 10 {growth} ms")

    p("\n## Warnings and WARNING log records (distinct messages, runs with each; tunewise methods and peers)")
    for n in names:
        for m in methods:
            runs = list(by.get((n, m), {}).values())
            cnt: Counter[str] = Counter()
            for r in runs:
                for k in set(r["warnings"]) | {f"[log] {x}" for x in r["log_warnings"]}:
                    cnt[k] += 1
            for k, c in cnt.most_common(4):
                p(f"- {n} / {m}: {c} runs: {k[:150]}")
    p("\n## Flags")
    for f in flags:
        p("- " + f)
    if not flags:
        p("- none")
    summary["flags"] = flags
    return summary


def compare_reruns(results: list[dict[str, Any]], reruns: dict[str, list[dict[str, Any]]], out: Any = sys.stdout
                   ) -> None:
    """Each rerun variant (same problems and seeds) against optuna-tpe of ``results``."""
    rng = np.random.default_rng(0)
    peer = {(r["problem"], r["seed"]): r for r in results if r["method"] == "optuna-tpe"}
    print("\n## Reruns: a variant's geometric-mean regret, optuna-tpe's, the ratio [95% CI], duplicates "
          "before exhaustion, proposals near a failed point (summed over seeds)", file=out)
    print("| problem | variant | b | variant | optuna-tpe | ratio [CI] | dup | near failed |", file=out)
    print("|---|---|---|---|---|---|---|---|", file=out)
    for tag, runs in reruns.items():
        for name in dict.fromkeys(r["problem"] for r in runs):
            mine = [r for r in runs if r["problem"] == name and (name, r["seed"]) in peer]
            for b in sorted({b for r in mine for b in r["regret"]}, key=int):
                a = [r["regret"][b] for r in mine]
                o = [peer[(name, r["seed"])]["regret"][b] for r in mine]
                est, lo, hi = _boot([np.log(a) - np.log(o)], rng)
                dup = sum(len(r["premature_duplicates"]) for r in mine)
                nf = sum(len(r.get("near_failed") or []) for r in mine)
                print(f"| {name} | {tag} | {b} | {_gmean(a):.3g} | {_gmean(o):.3g} | {est:.2f} [{lo:.2f}, {hi:.2f}] "
                      f"| {dup} | {nf} |", file=out)


# ---- driver --------------------------------------------------------------------------------------
def _job(args: tuple[str, str, int]) -> dict[str, Any]:
    return run_one(*args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problems", nargs="*")
    ap.add_argument("--methods", nargs="*", default=list(METHODS))
    ap.add_argument("--seeds", type=int, help="override every problem's seed count")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="2 seeds, 4 cheap problems")
    ap.add_argument("--json", help="write the raw runs here")
    ap.add_argument("--summarize", nargs="*", help="only print the tables of these JSON files")
    args = ap.parse_args()
    if args.summarize:
        results, reruns = [], {}
        for path in args.summarize:
            with open(path) as fh:
                data = json.load(fh)
            results += data["runs"]
            reruns.update(data.get("reruns", {}))
        summarize(results)
        if reruns:
            compare_reruns(results, reruns)
        return
    problems = all_problems()
    if args.quick:
        problems = [p for p in problems if p.name in ("cat-small", "step", "fail-nan", "cond-deep")]
    if args.problems:
        problems = [p for p in problems if p.name in args.problems]
    jobs = []
    for p in problems:
        for m in args.methods:
            if m == "optuna-gp" and not p.optuna_gp:
                continue
            n_seeds = 2 if args.quick else (args.seeds or p.seeds)
            jobs += [(p.name, m, s) for s in range(n_seeds)]
    # the costly cells first, so the pool ends together
    jobs.sort(key=lambda j: (-("ellipsoid" in j[0] or "eff" in j[0]), -("gp" in j[1] or "default" in j[1])))
    t0 = time.perf_counter()
    results = []
    if args.workers > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(args.workers, maxtasksperchild=20) as pool:
            for i, r in enumerate(pool.imap_unordered(_job, jobs)):
                results.append(r)
                print(f"[{i + 1}/{len(jobs)} {time.perf_counter() - t0:.0f}s] {r['problem']} {r['method']} "
                      f"seed {r['seed']}: cpu {r['total_cpu']:.1f}s{' CRASH' if r['exception'] else ''}",
                      file=sys.stderr, flush=True)
    else:
        for i, j in enumerate(jobs):
            r = _job(j)
            results.append(r)
            print(f"[{i + 1}/{len(jobs)} {time.perf_counter() - t0:.0f}s] {r['problem']} {r['method']} "
                  f"seed {r['seed']}: cpu {r['total_cpu']:.1f}s{' CRASH' if r['exception'] else ''}",
                  file=sys.stderr, flush=True)
    summary = summarize(results)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"command": " ".join(sys.argv), "problem_seed": PROBLEM_SEED, "summary": summary,
                       "cpu_seconds": sum(r["total_cpu"] for r in results), "runs": results}, fh, default=repr)


if __name__ == "__main__":
    main()
