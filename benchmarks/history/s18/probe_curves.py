"""Issue 19 probe (session 18): early stopping on learning-curve families nobody here has seen.

Every synthetic family of ``benchmarks/_curve_families.py``, dev and test alike, shares one
quality landscape (a bowl over ``lr``, ``width``, ``reg``) and differs only in the transient. The
defaults were chosen on the dev families and reported on the test families many times, so the
test figures say little about curves of another make. These families were written for this
probe, before any run on them, and are run once, to report: other landscapes (multimodal,
categorical effects, a learning rate that scales with the batch size, irrelevant parameters),
other curve shapes (power laws, overfitting, step-decay schedules, noise that shrinks with
training, sigmoid starts) and one real model. Nothing in the library is changed on their account
in this session.

- ``pow-50``: power-law curves ``q + (1 + t)**-alpha``, alpha set by the learning rate relative to
  its optimum and slowed by dropout; 5 parameters (two categorical: batch size, layers), the best
  learning rate grows with the batch size. R = 50, eta = 3.
- ``overfit-64-eta4``: the loss falls, then rises once the model overfits; high capacity fits
  best and overfits first unless regularised. The best loss over training counts (a checkpoint
  of the best epoch). R = 64, eta = 4.
- ``steplr-90``: a step-decay schedule (the learning rate drops at 50% and 75% of training):
  before the drops, large learning rates sit on a high noise floor and look worst; after them
  they finish best. R = 90, eta = 3.
- ``branin-27``: crossing curves over a multimodal (Branin) landscape of two parameters, with a
  categorical optimizer that shifts both the quality and the speed. R = 27, eta = 3.
- ``hetero-40-eta2``: crossing curves over a rotated valley, noise sd ``0.15 / sqrt(t)``: early
  reports are very noisy, late ones almost clean. R = 40, eta = 2.
- ``sigmoid-30``: error stays near chance, then drops along a sigmoid whose onset depends on the
  learning rate and the first parameter; 7 parameters, 2 of them irrelevant. R = 30, eta = 3.
- ``mlp-breast``: scikit-learn's ``MLPClassifier.partial_fit`` on breast_cancer (standardised,
  75/25 split by seed), one epoch per unit, validation log-loss; 4 parameters (learning rate,
  L2, hidden units, batch size as a categorical). R = 30, eta = 3. Its target is the 5% quantile
  of 300 random configurations' best validation log-loss over training (seed 0's split).

The target of a synthetic family is the 5% quantile of 1,000 random configurations' best
noise-free loss over training (for monotone curves the final loss, the rule of ``curves.py``).
Compute, ratios and intervals are ``curves.py``'s (``run_one``, ``report``).

    nice -n 10 .venv/bin/python benchmarks/history/s18/probe_curves.py --seeds 20 --budget-factor 10 -j 2 \
        --out probe_curves_b10.jsonl   # and --budget-factor 30
    .venv/bin/python benchmarks/history/s18/probe_curves.py --report probe_curves_b10.jsonl
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
import zlib
from collections.abc import Callable
from multiprocessing import Pool
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "benchmarks"))
import curves  # noqa: E402
from curves import Bench  # noqa: E402

Curve = Callable[[dict[str, Any], float], float]
METHODS = ["optuna-hb-tpe", "optuna-tpe", "tw-none", "tw-asha-stop", "tw-tpe-asha-stop", "tw-asha-promote"]


def _noise_rng(seed: int, cfg: dict[str, Any], step: int) -> np.random.Generator:
    key = zlib.crc32(repr(sorted(cfg.items())).encode())
    return np.random.default_rng([seed, key, step])


def _sample(space: dict[str, tuple[Any, ...]], rng: np.random.Generator) -> dict[str, Any]:
    cfg: dict[str, Any] = {}
    for name, spec in space.items():
        if spec[0] == "float":
            lo, hi, log = spec[1], spec[2], spec[3]
            cfg[name] = float(10 ** rng.uniform(math.log10(lo), math.log10(hi)) if log else rng.uniform(lo, hi))
        else:
            cfg[name] = spec[1][int(rng.integers(len(spec[1])))]
    return cfg


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ---- the synthetic families: (space, R, eta, noise sd at step t, curve(seed) -> loss(cfg, t)) ----
def _pow(seed: int) -> tuple[dict[str, Any], Curve]:
    rng = np.random.default_rng([seed, 1801])
    lr0, d0, wd0 = rng.uniform(-3.2, -2.0), rng.uniform(0.1, 0.5), rng.uniform(-5.0, -3.0)
    batch_eff = dict(zip((16, 32, 64, 128, 256), rng.random(5) * 0.08, strict=True))
    layer_eff = dict(zip((1, 2, 3, 4), rng.random(4) * 0.10, strict=True))
    space = {"lr": ("float", 1e-4, 1.0, True), "batch": ("cat", [16, 32, 64, 128, 256]),
             "dropout": ("float", 0.0, 0.8, False), "layers": ("cat", [1, 2, 3, 4]),
             "wd": ("float", 1e-6, 1e-2, True)}

    def loss(cfg: dict[str, Any], t: float) -> float:
        best_lr = lr0 + 0.5 * (math.log2(cfg["batch"]) - 6.0) * math.log10(2.0)  # linear scaling rule
        dl = (math.log10(cfg["lr"]) - best_lr) / 1.2
        q = (0.08 + 0.25 * dl * dl + 0.2 * (cfg["dropout"] - d0) ** 2 + 0.02 * (math.log10(cfg["wd"]) - wd0) ** 2
             + batch_eff[cfg["batch"]] + layer_eff[cfg["layers"]])
        alpha = (0.4 + 1.6 * _sig(2.0 * (math.log10(cfg["lr"]) - best_lr))) * (1.0 - 0.5 * cfg["dropout"])
        return q + (1.0 + t) ** (-alpha)

    return space, loss


def _overfit(seed: int) -> tuple[dict[str, Any], Curve]:
    rng = np.random.default_rng([seed, 1802])
    lr0, r0 = rng.uniform(-3.0, -1.5), rng.uniform(-4.0, -2.0)
    space = {"lr": ("float", 1e-4, 1.0, True), "capacity": ("float", 0.0, 1.0, False),
             "reg": ("float", 1e-6, 1.0, True)}
    R = 64

    def loss(cfg: dict[str, Any], t: float) -> float:
        dl = (math.log10(cfg["lr"]) - lr0) / 1.5
        c, lreg = cfg["capacity"], math.log10(cfg["reg"])
        fit = 0.3 - 0.2 * c + 0.15 * dl * dl + 0.04 * max(0.0, lreg - r0) ** 2  # too much reg underfits
        tau = max(0.25 * R * (cfg["lr"] / 10 ** lr0) ** -0.7, 0.1)
        onset = R * (0.15 + 0.25 * max(0.0, lreg - (r0 - 2.0)) / 2.0 + 0.4 * (1.0 - c))  # reg and low capacity delay it
        over = 0.3 * c * max(0.0, t - onset) / R
        return 0.05 + fit + 0.8 * math.exp(-t / tau) + over

    return space, loss


def _steplr(seed: int) -> tuple[dict[str, Any], Curve]:
    rng = np.random.default_rng([seed, 1803])
    lr0, m0, wd0 = rng.uniform(-1.8, -0.8), rng.uniform(0.8, 0.95), rng.uniform(-5.0, -3.5)
    space = {"lr": ("float", 1e-4, 1.0, True), "momentum": ("float", 0.5, 0.99, False),
             "wd": ("float", 1e-6, 1e-2, True)}
    R = 90

    def loss(cfg: dict[str, Any], t: float) -> float:
        ll = math.log10(cfg["lr"])
        dl = (ll - lr0) / 1.2
        q = 0.06 + 0.3 * dl * dl + 0.8 * (cfg["momentum"] - m0) ** 2 + 0.02 * (math.log10(cfg["wd"]) - wd0) ** 2
        floor = 0.35 * _sig(2.5 * (ll + 2.0))  # the noise floor of a large step size
        scale = 1.0 if t < 0.5 * R else (0.25 if t < 0.75 * R else 0.04)
        tau = max(0.15 * R * (cfg["lr"] / 10 ** lr0) ** -0.6, 0.1)
        return q + floor * scale + 0.7 * math.exp(-t / tau)

    return space, loss


def _branin(seed: int) -> tuple[dict[str, Any], Curve]:
    rng = np.random.default_rng([seed, 1804])
    lr0 = rng.uniform(-3.0, -1.5)
    opt_eff = dict(zip(("sgd", "adam", "rmsprop"), rng.random(3) * 0.15, strict=True))
    opt_speed = dict(zip(("sgd", "adam", "rmsprop"), 0.5 + rng.random(3), strict=True))
    shift = rng.uniform(-0.15, 0.15, 2)
    space = {"x1": ("float", 0.0, 1.0, False), "x2": ("float", 0.0, 1.0, False),
             "lr": ("float", 1e-4, 1.0, True), "optimizer": ("cat", ["sgd", "adam", "rmsprop"])}
    R = 27

    def loss(cfg: dict[str, Any], t: float) -> float:
        u = 15.0 * ((cfg["x1"] + shift[0]) % 1.0) - 5.0
        v = 15.0 * ((cfg["x2"] + shift[1]) % 1.0)
        br = ((v - 5.1 / (4 * math.pi ** 2) * u * u + 5.0 / math.pi * u - 6.0) ** 2
              + 10.0 * (1 - 1 / (8 * math.pi)) * math.cos(u) + 10.0)
        dl = (math.log10(cfg["lr"]) - lr0) / 1.5
        q = 0.05 + 0.004 * (br - 0.397887) + 0.2 * dl * dl + opt_eff[cfg["optimizer"]]
        tau = max(0.3 * R * (cfg["lr"] / 10 ** lr0) ** -0.8 / opt_speed[cfg["optimizer"]], 0.05)
        return q + math.exp(-t / tau)

    return space, loss


def _hetero(seed: int) -> tuple[dict[str, Any], Curve]:
    rng = np.random.default_rng([seed, 1805])
    lr0, w0, r0 = rng.uniform(-3.2, -2.0), rng.uniform(0.2, 0.8), rng.uniform(-5.0, -3.0)
    angle = rng.uniform(0, math.pi)
    space = {"lr": ("float", 1e-4, 1.0, True), "width": ("float", 0.0, 1.0, False),
             "reg": ("float", 1e-6, 1e-1, True)}
    R = 40

    def loss(cfg: dict[str, Any], t: float) -> float:
        a, b = (math.log10(cfg["lr"]) - lr0) / 1.5, cfg["width"] - w0
        u, v = a * math.cos(angle) + b * math.sin(angle), -a * math.sin(angle) + b * math.cos(angle)
        q = 0.05 + 0.6 * u * u + 0.04 * v * v + 0.02 * (math.log10(cfg["reg"]) - r0) ** 2  # a long narrow valley
        tau = max(0.3 * R * (cfg["lr"] / 10 ** lr0) ** -0.8, 0.05)
        return q + math.exp(-t / tau)

    return space, loss


def _sigmoid(seed: int) -> tuple[dict[str, Any], Curve]:
    rng = np.random.default_rng([seed, 1806])
    centre = rng.uniform(0.2, 0.8, 5)
    weight = np.array([0.5, 0.3, 0.2, 0.1, 0.05])
    lr0 = rng.uniform(-3.0, -1.5)
    space = {"lr": ("float", 1e-4, 1.0, True)} | {f"x{i}": ("float", 0.0, 1.0, False) for i in range(6)}
    R = 30

    def loss(cfg: dict[str, Any], t: float) -> float:
        dl = (math.log10(cfg["lr"]) - lr0) / 1.5
        x = np.array([cfg[f"x{i}"] for i in range(5)])  # x5 is irrelevant; so is x4 nearly
        q = 0.04 + float(weight @ (x - centre) ** 2) + 0.15 * dl * dl
        onset = R * (0.15 + 0.5 * cfg["x0"]) * (cfg["lr"] / 10 ** lr0) ** -0.3  # the best x0 starts late
        return q + (0.9 - q) * _sig(-(t - onset) / (0.06 * R))

    return space, loss


SYNTHETIC: dict[str, tuple[Callable[[int], tuple[dict[str, Any], Curve]], int, int, Callable[[float], float]]] = {
    "pow-50": (_pow, 50, 3, lambda t: 0.0),
    "overfit-64-eta4": (_overfit, 64, 4, lambda t: 0.0),
    "steplr-90": (_steplr, 90, 3, lambda t: 0.0),
    "branin-27": (_branin, 27, 3, lambda t: 0.0),
    "hetero-40-eta2": (_hetero, 40, 2, lambda t: 0.15 / math.sqrt(t)),
    "sigmoid-30": (_sigmoid, 30, 3, lambda t: 0.0),
}


@functools.cache
def _target(name: str, seed: int) -> float:
    make, R, _, _ = SYNTHETIC[name]
    space, loss = make(seed)
    rng = np.random.default_rng(12345)
    best = [min(loss(c, t) for t in range(1, R + 1)) for c in (_sample(space, rng) for _ in range(1000))]
    return float(np.quantile(best, 0.05))


def _synthetic(name: str, seed: int, budget_factor: float) -> Bench:
    make, R, eta, sd = SYNTHETIC[name]
    space, loss = make(seed)

    def advance(cfg: dict[str, Any], start: int, stop: int, state: Any) -> tuple[float, float, Any]:
        truth = loss(cfg, stop)
        s = sd(stop)
        return truth + (float(_noise_rng(seed, cfg, stop).normal(0.0, s)) if s else 0.0), truth, None

    return Bench(name, "probe", space, list(range(1, R + 1)), eta, _target(name, seed), budget_factor * R, advance)


# ---- the real family ------------------------------------------------------------------------------
MLP_SPACE = {"lr": ("float", 1e-5, 1.0, True), "alpha": ("float", 1e-7, 1.0, True),
             "hidden": ("float", 4.0, 256.0, True), "batch": ("cat", [8, 32, 128])}
MLP_R = 30


@functools.cache
def _breast(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xva), ytr, yva


def _mlp_advance(seed: int) -> Callable[[dict[str, Any], int, int, Any], tuple[float, float, Any]]:
    def advance(cfg: dict[str, Any], start: int, stop: int, state: Any) -> tuple[float, float, Any]:
        import warnings

        from sklearn.metrics import log_loss
        from sklearn.neural_network import MLPClassifier

        Xtr, Xva, ytr, yva = _breast(seed)
        clf = state
        if clf is None:
            clf = MLPClassifier(hidden_layer_sizes=(int(round(cfg["hidden"])),), learning_rate_init=cfg["lr"],
                                alpha=cfg["alpha"], batch_size=int(cfg["batch"]), random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(start, stop):
                clf.partial_fit(Xtr, ytr, classes=[0, 1])
            p = clf.predict_proba(Xva)
        v = float(log_loss(yva, np.clip(p, 1e-6, 1 - 1e-6), labels=[0, 1]))
        if not math.isfinite(v):
            v = 10.0
        return v, v, clf

    return advance


MLP_TARGET_FILE = os.path.join(HERE, "probe_curves_mlp_target.json")


def mlp_target() -> float:
    if os.path.exists(MLP_TARGET_FILE):
        return float(json.load(open(MLP_TARGET_FILE))["target"])
    rng = np.random.default_rng(12345)
    adv = _mlp_advance(0)
    best = []
    for _ in range(300):
        cfg = _sample(MLP_SPACE, rng)
        state, b = None, math.inf
        for t in range(1, MLP_R + 1):
            v, _, state = adv(cfg, t - 1, t, state)
            b = min(b, v)
        best.append(b)
    target = float(np.quantile(best, 0.05))
    json.dump({"target": target, "rule": "5% quantile of 300 random configurations' best validation log-loss "
               "over 30 epochs, seed 0's split", "median": float(np.median(best))}, open(MLP_TARGET_FILE, "w"))
    return target


def make_bench(name: str, seed: int, budget_factor: float) -> Bench:
    if name in SYNTHETIC:
        return _synthetic(name, seed, budget_factor)
    if name == "mlp-breast":
        return Bench(name, "probe", MLP_SPACE, list(range(1, MLP_R + 1)), 3, mlp_target(), budget_factor * MLP_R,
                     _mlp_advance(seed))
    raise ValueError(f"unknown probe family {name!r}")


FAMILIES = [*SYNTHETIC, "mlp-breast"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--families", nargs="*", default=FAMILIES)
    ap.add_argument("--methods", nargs="*", default=METHODS)
    ap.add_argument("--budget-factor", type=float, default=10.0)
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--report", nargs="+")
    a = ap.parse_args()
    if a.report:
        rows = [json.loads(line) for f in a.report for line in open(f)]
        for r in rows:
            r["split"] = "test"  # report()'s split summary; these are probe families, seen by nobody
        print(curves.report(rows))
        return
    curves.make_bench = make_bench  # run_one builds its bench through this module's families
    if "mlp-breast" in a.families:
        mlp_target()
    jobs = [(f, m, s, a.budget_factor) for s in range(a.first_seed, a.first_seed + a.seeds)
            for f in a.families for m in a.methods]
    out = open(a.out, "a") if a.out else None
    with Pool(a.jobs) as pool:
        for i, r in enumerate(pool.imap_unordered(curves.run_one, jobs)):
            if out:
                out.write(json.dumps(r) + "\n")
                out.flush()
            if (i + 1) % 50 == 0:
                print(f"{i + 1}/{len(jobs)}", flush=True)


if __name__ == "__main__":
    main()
