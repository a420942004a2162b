"""Multi-fidelity tuning: tunewise's schedulers against optuna's pruners, in one run.

Methods (same problems, compute budgets and seeds):
  tunewise: tw-asha (ASHAScheduler, promote mode, random configurations),
            tw-hyperband (HyperbandScheduler, promote mode, random configurations),
            tw-bohb (HyperbandScheduler promote + BOHBSampler),
            tw-bohb-v1 (the same with the previous BOHBSampler settings: largest budget only,
                        10% random, no bandwidth widening; kept for before/after),
            tw-asha-bohb (ASHAScheduler promote + BOHBSampler: one bracket; the default settings of
                        both, i.e. top_reduction_factor="auto": the cut into the full budget is
                        1/9 while the rungs rank configurations alike, else 1/3),
            tw-asha-bohb-gp (tw-asha-bohb with BOHBSampler(model="gp"): one Gaussian process over
                        (configuration, log budget), log EI at the largest budget),
            tw-asha-bohb-gp-stop (the same with ASHA in stop mode),
            tw-bohb-gp (HyperbandScheduler promote + BOHBSampler(model="gp")),
            tw-asha-bohb-plain (the same with top_reduction_factor=None: 1/3 at every rung, the
                        default before "auto"),
            tw-asha-bohb-stop (ASHAScheduler stop mode + BOHBSampler),
            tw-asha-bohb-top9 (tw-asha-bohb with top_reduction_factor=9: only the top 1/9 of the
                        last rung runs to full fidelity),
            tw-asha-bohb-local (tw-asha-bohb with BOHBSampler(local_fraction=0.5, local_scale=0.25)),
            tw-asha-bohb-local-top9 (both),
            tw-asha-tpe (ASHAScheduler stop mode + TPESampler, the analogue of optuna-sh-tpe),
            tw-asha-tpe-plain (the same with top_reduction_factor=None),
            tw-asha-tpe-top9 (the same with top_reduction_factor=9),
            tw-hb-tpe (HyperbandScheduler stop mode + TPESampler, the analogue of optuna-hb-tpe),
            tw-pbt (PBTScheduler; learning-curve problem only: on the Hartmann functions there is
                    nothing to train, so there is nothing to exploit),
            tw-random (RandomSampler, every trial trained to the full budget)
  Every ASHAScheduler / HyperbandScheduler row uses the scheduler's default cut into the full
  budget, top_reduction_factor="auto" (since session 3; 1/3 at every rung before; since session 5
  it also sends the last rung's best configuration on to the full budget at once until rank
  agreement is measured), unless its name says otherwise (-plain: None, -top9: 9).
  peers:    optuna-hb-tpe (optuna HyperbandPruner + TPESampler),
            optuna-sh-tpe (optuna SuccessiveHalvingPruner + TPESampler),
            optuna-hb-gp (optuna HyperbandPruner + GPSampler: optuna's GP on its finished trials)
  DEHB is not run: DEHB 0.1.2 (the latest on PyPI) requires numpy<2.0, so `pip install dehb`
  (and `mf-prior-bench`) would downgrade numpy to 1.x in the project venv; neither is installed.
Problems:
  mfh3, mfh6: multi-fidelity Hartmann 3-D / 6-D (Kandasamy et al. 2017, "Multi-fidelity Bayesian
     optimisation with continuous approximations", as packaged by mf-prior-bench): the
     coefficients alpha are shifted at low fidelity, ``alpha'(z) = alpha - bias * (1 - z)``,
     ``z = (b - 1) / (R - 1)`` for budget ``b`` in [1, R]. Implemented here from the paper's
     definition (bias 0.5, no noise) because mf-prior-bench cannot be installed (see above).
     Minimized; a configuration's score is its value at full fidelity.
  sgd-digits: a real learning curve: scikit-learn SGDClassifier trained with partial_fit on the
     digits data set, one epoch per resource unit (up to 27), validation accuracy (maximized).
     Checkpoints (coef_, intercept_, t_) go through trial.save_checkpoint / load_checkpoint.
Compute is the sum of fidelity units spent (epochs; for Hartmann, a configuration evaluated up
to budget b has cost b: resuming a paused configuration only pays the difference, as a
training run resumed from a checkpoint would, and optuna's trials continue in place too).
Every method runs until it has spent the same compute. Reported: the compute each method
needs to reach a fixed target (median over seeds, failures counted as not reached; a second,
looser target level is reported beside it) and the best score at the end. optuna studies get a
fixed name per seed (its HyperbandPruner hashes the study name into the bracket assignment).

  .venv/bin/python benchmarks/multi_fidelity.py --quick      # 3 seeds, a few minutes
  .venv/bin/python benchmarks/multi_fidelity.py              # 10 seeds

The machine is shared and noisy: wall times are indicative only; compute units are exact.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

import tunewise as tw  # noqa: E402

# ---- problems ---------------------------------------------------------------------------------
_H3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
_H3_P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])
_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann(x: np.ndarray, z: float, dim: int, bias: float = 0.5) -> float:
    """Multi-fidelity Hartmann (Kandasamy et al. 2017): ``-sum_i alpha'_i(z) exp(-sum_j A_ij (x_j-P_ij)^2)``."""
    A, P = (_H3_A, _H3_P) if dim == 3 else (_H6_A, _H6_P)
    alpha = _ALPHA - bias * (1.0 - z)
    return float(-np.sum(alpha * np.exp(-np.sum(A * (x[None, :] - P) ** 2, axis=1))))


@dataclass
class Problem:
    name: str
    space: dict[str, tuple[Any, ...]]  # name -> ("float", low, high, log) | ("cat", choices)
    steps: list[int]  # the steps a configuration reports at, up to the full budget
    maximize: bool
    target: float
    compute: float  # total fidelity units every method may spend
    advance: Callable[[dict[str, Any], int, int, Any, int], tuple[float, Any]]
    # advance(config, from_step, to_step, state, seed) -> (value at to_step, state)
    full_only: bool  # only values at the full budget count as the incumbent (Hartmann)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def max_resource(self) -> int:
        return self.steps[-1]


R_MFH = 27
BOHB_KW: dict[str, Any] = {}


def _mfh(dim: int, target: float, compute: float) -> Problem:
    def advance(cfg: dict[str, Any], start: int, stop: int, state: Any, seed: int) -> tuple[float, Any]:
        x = np.array([cfg[f"x{i}"] for i in range(dim)])
        return hartmann(x, (stop - 1) / (R_MFH - 1), dim), None

    return Problem(f"mfh{dim}", {f"x{i}": ("float", 0.0, 1.0, False) for i in range(dim)},
                   [1, 3, 9, 27], False, target, compute, advance, True)


_DIGITS: Any = None


def _digits() -> Any:
    global _DIGITS
    if _DIGITS is None:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler

        X, y = load_digits(return_X_y=True)
        Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
        sc = StandardScaler().fit(Xtr)
        _DIGITS = (sc.transform(Xtr), sc.transform(Xva), ytr, yva, np.unique(y))
    return _DIGITS


def _sgd(compute: float) -> Problem:
    def advance(cfg: dict[str, Any], start: int, stop: int, state: Any, seed: int) -> tuple[float, Any]:
        from sklearn.linear_model import SGDClassifier

        Xtr, Xva, ytr, yva, classes = _digits()
        clf = SGDClassifier(loss=cfg["loss"], alpha=cfg["alpha"], learning_rate="constant",
                            eta0=cfg["eta0"], random_state=seed)
        if state is not None:  # resume from the checkpoint: weights and the update counter
            clf.classes_ = classes
            clf.coef_ = np.asarray(state["coef"], dtype=float).copy()
            clf.intercept_ = np.asarray(state["intercept"], dtype=float).copy()
            clf.t_ = float(state["t"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in range(start, stop):
                idx = np.random.default_rng(seed * 1000 + epoch).permutation(len(ytr))
                clf.partial_fit(Xtr[idx], ytr[idx], classes=classes)
        acc = float(clf.score(Xva, yva))
        return acc, {"coef": clf.coef_.copy(), "intercept": clf.intercept_.copy(), "t": float(clf.t_)}

    space = {"alpha": ("float", 1e-6, 1e-1, True), "eta0": ("float", 1e-5, 1.0, True),
             "loss": ("cat", ("hinge", "log_loss", "modified_huber"))}
    return Problem("sgd-digits", space, list(range(1, 28)), True, 0.965, compute, advance, False)


# ---- bookkeeping -------------------------------------------------------------------------------
class StopBudget(Exception):
    pass


class Tracker:
    """Counts compute and records (compute, best score so far) after every evaluation."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.spent = 0.0
        self.best = -math.inf if problem.maximize else math.inf
        self.trace: list[tuple[float, float]] = []

    def add(self, cost: float, value: float, step: int) -> None:
        self.spent += cost
        if not self.p.full_only or step == self.p.max_resource:
            better = value > self.best if self.p.maximize else value < self.best
            if better:
                self.best = value
        self.trace.append((self.spent, self.best))

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.p.compute

    def compute_to_target(self, target: float | None = None) -> float:
        target = self.p.target if target is None else target
        for spent, best in self.trace:
            if (best >= target) if self.p.maximize else (best <= target):
                return spent
        return math.inf


def _tw_suggest(trial: tw.Trial, space: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    cfg = {}
    for name, spec in space.items():
        if spec[0] == "float":
            cfg[name] = trial.suggest_float(name, spec[1], spec[2], log=spec[3])
        else:
            cfg[name] = trial.suggest_categorical(name, list(spec[1]))
    return cfg


def _steps_between(p: Problem, start: int, stop: int) -> list[int]:
    return [s for s in p.steps if start < s <= stop]


def run_tunewise(p: Problem, method: str, seed: int) -> Tracker:
    eta = 3
    if method == "tw-random":
        sampler: tw.samplers.Sampler = tw.samplers.RandomSampler(seed=seed)
        sched: Any = None
    elif method == "tw-asha":
        sampler = tw.samplers.RandomSampler(seed=seed)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-hyperband":
        sampler = tw.samplers.RandomSampler(seed=seed)
        sched = tw.schedulers.HyperbandScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-bohb":
        sampler = tw.samplers.BOHBSampler(seed=seed, **BOHB_KW)
        sched = tw.schedulers.HyperbandScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-bohb-v1":  # the previous session's BOHBSampler settings, for before/after
        sampler = tw.samplers.BOHBSampler(seed=seed, fidelity_weighting="largest", random_fraction=0.1,
                                          bandwidth_factor=1.0, max_good=10**9)
        sched = tw.schedulers.HyperbandScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-asha-bohb":
        sampler = tw.samplers.BOHBSampler(seed=seed, **BOHB_KW)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-asha-bohb-gp":  # BOHBSampler(model="gp"): one GP over (configuration, log budget)
        sampler = tw.samplers.BOHBSampler(seed=seed, model="gp", **BOHB_KW)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-bohb-gp":  # HyperbandScheduler (promote) + BOHBSampler(model="gp")
        sampler = tw.samplers.BOHBSampler(seed=seed, model="gp", **BOHB_KW)
        sched = tw.schedulers.HyperbandScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-asha-bohb-gp-stop":  # the same, stop-mode ASHA (the first trials run on unopposed)
        sampler = tw.samplers.BOHBSampler(seed=seed, model="gp", **BOHB_KW)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="stop")
    elif method == "tw-asha-bohb-plain":  # plain ASHA cut 1/3 at every rung (the default before "auto")
        sampler = tw.samplers.BOHBSampler(seed=seed, **BOHB_KW)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="promote", top_reduction_factor=None)
    elif method == "tw-asha-bohb-top9":  # only the top 1/9 of rung 9 runs to full fidelity
        sampler = tw.samplers.BOHBSampler(seed=seed, **BOHB_KW)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="promote", top_reduction_factor=eta**2)
    elif method == "tw-asha-bohb-local":  # local candidates around the good set's best points
        sampler = tw.samplers.BOHBSampler(seed=seed, local_fraction=0.5, local_scale=0.25)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="promote")
    elif method == "tw-asha-bohb-local-top9":
        sampler = tw.samplers.BOHBSampler(seed=seed, local_fraction=0.5, local_scale=0.25)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="promote", top_reduction_factor=eta**2)
    elif method == "tw-asha-tpe":
        sampler = tw.samplers.TPESampler(seed=seed)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="stop")
    elif method == "tw-asha-tpe-plain":  # top_reduction_factor=None: the stop-mode default before "auto"
        sampler = tw.samplers.TPESampler(seed=seed)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="stop", top_reduction_factor=None)
    elif method == "tw-asha-tpe-top9":
        sampler = tw.samplers.TPESampler(seed=seed)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="stop", top_reduction_factor=eta**2)
    elif method == "tw-hb-tpe":
        sampler = tw.samplers.TPESampler(seed=seed)
        sched = tw.schedulers.HyperbandScheduler(1, p.max_resource, eta, mode="stop")
    elif method == "tw-asha-bohb-stop":
        sampler = tw.samplers.BOHBSampler(seed=seed, **BOHB_KW)
        sched = tw.schedulers.ASHAScheduler(1, p.max_resource, eta, mode="stop")
    elif method == "tw-pbt":
        sampler = tw.samplers.RandomSampler(seed=seed)
        pop = int(p.extra.get("population", 20))
        sched = tw.schedulers.PBTScheduler(perturbation_interval=3, population_size=pop, max_step=p.max_resource,
                                           seed=seed, hyperparam_mutations={
                                               "alpha": tw.loguniform(1e-6, 1e-1), "eta0": tw.loguniform(1e-5, 1.0)})
    else:
        raise ValueError(method)
    return run_custom(p, sampler, sched, seed)


def run_custom(p: Problem, sampler: tw.samplers.Sampler, sched: Any, seed: int) -> Tracker:
    tr = Tracker(p)
    direction = "maximize" if p.maximize else "minimize"
    ckdir = tempfile.mkdtemp(prefix="tw-mf-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    if sched is not None:
        sched.checkpoint_dir = ckdir
    study = tw.create_study(direction=direction, sampler=sampler, scheduler=sched)

    def objective(trial: tw.Trial) -> float:
        cfg = _tw_suggest(trial, p.space)
        ck = trial.load_checkpoint() if sched is not None else None
        start = 0 if ck is None else int(ck["step"])
        state = None if ck is None else ck["state"]
        budget = trial.budget or p.max_resource  # the rung a promote-mode segment trains to
        value = math.nan
        for step in _steps_between(p, start, int(budget)):
            if tr.exhausted:
                raise StopBudget
            value, state = p.advance(cfg, start, step, state, seed)
            tr.add(step - start, value, step)
            start = step
            trial.report(value, step)
            if sched is not None:
                trial.save_checkpoint({"step": step, "state": state})
                if trial.should_prune():
                    raise tw.TrialPruned()
        return value

    def stop_when_spent(study: tw.Study, _t: Any) -> None:
        if tr.exhausted:
            study.stop()

    try:
        study.optimize(objective, n_trials=100_000, callbacks=[stop_when_spent])
    except StopBudget:
        pass
    finally:
        shutil.rmtree(ckdir, ignore_errors=True)
    return tr


def run_optuna(p: Problem, method: str, seed: int) -> Tracker:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)  # the trial cut by the compute cap is not news
    tr = Tracker(p)
    if method in ("optuna-hb-tpe", "optuna-hb-gp"):
        pruner: Any = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=p.max_resource, reduction_factor=3)
    else:
        pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    sampler: Any = (optuna.samplers.GPSampler(seed=seed) if method == "optuna-hb-gp"
                    else optuna.samplers.TPESampler(seed=seed))
    # A fixed study name: optuna's HyperbandPruner assigns brackets by a hash of (study name, trial
    # number), so an auto-generated name would make runs irreproducible.
    study = optuna.create_study(study_name=f"mf-{p.name}-seed{seed}",
                                direction="maximize" if p.maximize else "minimize",
                                sampler=sampler, pruner=pruner)

    def objective(trial: Any) -> float:
        cfg = {}
        for name, spec in p.space.items():
            if spec[0] == "float":
                cfg[name] = trial.suggest_float(name, spec[1], spec[2], log=spec[3])
            else:
                cfg[name] = trial.suggest_categorical(name, list(spec[1]))
        start, state, value = 0, None, math.nan
        for step in p.steps:
            if tr.exhausted:
                raise StopBudget
            value, state = p.advance(cfg, start, step, state, seed)
            tr.add(step - start, value, step)
            start = step
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return value

    def stop_when_spent(study: Any, _t: Any) -> None:
        if tr.exhausted:
            study.stop()

    try:
        study.optimize(objective, n_trials=100_000, callbacks=[stop_when_spent], catch=())
    except StopBudget:
        pass
    return tr


def run(p: Problem, method: str, seed: int) -> tuple[Tracker, float]:
    t0 = time.time()
    tr = run_optuna(p, method, seed) if method.startswith("optuna") else run_tunewise(p, method, seed)
    return tr, time.time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 seeds, smaller compute budgets")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--problems", nargs="*", default=["mfh3", "mfh6", "sgd-digits"])
    ap.add_argument("--methods", nargs="*", default=None)
    args = ap.parse_args()
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    seeds = args.seeds or (3 if args.quick else 10)
    scale = 1.0 if args.quick else 2.0
    problems = {
        "mfh3": _mfh(3, -3.80, 60 * R_MFH * scale),
        "mfh6": _mfh(6, -3.20, 60 * R_MFH * scale),
        "sgd-digits": _sgd(20 * 27 * scale),
    }
    problems["sgd-digits"].extra["population"] = int(20 * scale)
    # A second, looser level per problem, the same for every method: on mfh6 the headline target
    # (-3.2) lies 0.003 above the value of the local minimum (-3.2032) that the low fidelities
    # point to (their argmin is in that basin), so it mostly measures fine convergence there.
    problems["mfh3"].extra["targets2"] = [-3.7]
    problems["mfh6"].extra["targets2"] = [-3.1]
    problems["sgd-digits"].extra["targets2"] = [0.96]
    default_methods = ["tw-asha", "tw-hyperband", "tw-bohb", "tw-asha-bohb", "tw-asha-bohb-gp", "tw-asha-bohb-stop",
                       "tw-asha-tpe", "tw-hb-tpe", "tw-pbt", "tw-random",
                       "optuna-hb-tpe", "optuna-sh-tpe", "optuna-hb-gp"]
    methods = args.methods or default_methods
    print(f"seeds: {seeds}; compute budgets: " + ", ".join(f"{k}={problems[k].compute:g}" for k in args.problems))
    for name in args.problems:
        p = problems[name]
        rows = []
        for m in methods:
            if m == "tw-pbt" and p.full_only:
                continue
            res = [run(p, m, s) for s in range(seeds)]
            finals = [tr.best for tr, _ in res]
            meds = []
            for target in [p.target] + p.extra.get("targets2", []):
                ctt = [tr.compute_to_target(target) for tr, _ in res]
                reached = [c for c in ctt if math.isfinite(c)]
                med = float(np.median(ctt)) if len(reached) * 2 > len(ctt) else math.inf
                meds.append((med, len(reached)))
            rows.append((m, meds, float(np.mean(finals)), float(np.std(finals)),
                         float(np.mean([w for _, w in res]))))
            print(f"  {name:10s} {m:14s} done", flush=True)
        goal = ">=" if p.maximize else "<="
        t2 = p.extra.get("targets2", [])
        print(f"\n## {name}: target {goal} {p.target}, compute budget {p.compute:g} units, {seeds} seeds")
        print("| method | median compute to target | seeds reaching target | "
              + "".join(f"compute to {goal} {t} | seeds | " for t in t2) + "final best (mean ± sd) | wall s/run |")
        print("|---|---:|---:|" + "---:|---:|" * len(t2) + "---:|---:|")
        for m, meds, mean, sd, wall in rows:
            cells = "".join(f"{'not reached' if not math.isfinite(md) else f'{md:.0f}'} | {nr}/{seeds} | "
                            for md, nr in meds)
            print(f"| {m} | {cells}{mean:.4f} ± {sd:.4f} | {wall:.1f} |")
        for i, target in enumerate([p.target] + t2):
            ref = {m: meds[i][0] for m, meds, *_ in rows}
            if "optuna-hb-tpe" not in ref or not math.isfinite(ref["optuna-hb-tpe"]):
                continue
            for m in ref:
                if m.startswith("tw-") and math.isfinite(ref[m]):
                    print(f"target {target}: {m}: {ref[m] / ref['optuna-hb-tpe']:.2f}x the compute of optuna-hb-tpe")
        print(flush=True)


if __name__ == "__main__":
    main()
