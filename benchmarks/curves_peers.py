"""Peers of benchmarks/curves.py that need their own virtual environment: Syne Tune, SMAC3, DEHB.

Same families, seeds, per-seed problems, compute budget and compute-to-target accounting as
benchmarks/curves.py (its ``make_bench``/``Tracker`` are imported, not copied), written in its
per-(family, method, seed) record format, one JSON line per run, so that

    .venv/bin/python benchmarks/curves.py --report benchmarks/results/curves_peers_test.json <curves.py --out file>

puts these methods in the same paired table as optuna-hb-tpe and tunewise's schedulers. Every peer
gets the run's problem seed (``Bench.seed``; a test family's differs from the benchmark seed since
session 28), so peer rows stored before session 28 are on the old test instances.

Methods (every scheduler gets min_resource 1, max_resource R and reduction factor eta of its family):
  st-asha        Syne Tune ASHA (random search, stopping type: a trial continues in place)
  st-bohb        Syne Tune BOHB (ASHA with the KDE searcher)
  st-mobster     Syne Tune MOBSTER (ASHA with a GP over (configuration, epoch))
  st-hypertune   Syne Tune Hyper-Tune (brackets weighted by rank agreement, GP over all rungs)
                 all four through Syne Tune's simulator back end (``UserBlackboxBackend`` around a
                 blackbox whose fidelities are the family's epochs; one worker; simulated time =
                 epochs trained), i.e. the blackbox-repository route Syne Tune benchmarks with
                 Syne Tune's defaults otherwise (its first configuration is the space's midpoint).
                 Syne Tune 0.13.0: 0.14+ rewrote the schedulers and dropped MOBSTER and Hyper-Tune.
  smac-hb        SMAC3 ``MultiFidelityFacade`` with its ``Hyperband`` intensifier (random forest)
  dehb           DEHB (differential evolution + Hyperband)
SMAC and DEHB ask for (configuration, budget) pairs. Charged by default as if every trained
configuration were checkpointed: a configuration asked again at a larger budget pays only its new
epochs (as tunewise promote mode and the in-place trials of optuna and Syne Tune do). The same run
also records ``<method>-scratch``: every evaluation retrains from epoch 0, what SMAC and DEHB do
unless the user adds checkpoints. Budgets that are not an epoch (Hyperband with eta 2 on R = 9
asks for 4.5, 2.25, 1.125) are rounded to the nearest epoch the family reports at.

Each peer runs under its own venv (their pins clash with ours: Syne Tune 0.13's blackbox repository
wants numpy < 1.24, DEHB 0.1.2 numpy < 2); the venv needs numpy, scipy, scikit-learn and tunewise's core dependencies
(curves.py imports tunewise from src/), e.g.
  python3 -m venv /work/venvs/synetune013 && /work/venvs/synetune013/bin/pip install \\
      "syne-tune[gpsearchers,kde,blackbox-repository]==0.13.0" scipy scikit-learn sqlalchemy alembic \\
      cloudpickle click tqdm pyyaml moocore
  python3 -m venv /work/venvs/dehb && /work/venvs/dehb/bin/pip install dehb==0.1.2 scipy scikit-learn \\
      sqlalchemy alembic cloudpickle click tqdm pyyaml moocore
SMAC3 (2.4.1) runs in the project venv. The runs of the stored results:

  V=/work/venvs
  nice -n 15 $V/synetune013/bin/python benchmarks/curves_peers.py --methods st-asha --seeds 20 --skip-done
  nice -n 19 $V/synetune013/bin/python benchmarks/curves_peers.py --methods st-asha --first-seed 20 --seeds 40
  nice -n 15 $V/synetune013/bin/python benchmarks/curves_peers.py --methods st-bohb --seeds 10 --skip-done
  nice -n 15 $V/synetune013/bin/python benchmarks/curves_peers.py --methods st-hypertune --seeds 10 \\
      -j 2 --skip-done
  nice -n 19 $V/synetune013/bin/python benchmarks/curves_peers.py --methods st-hypertune --first-seed 10 \\
      --seeds 10 --families plateau-81-eta4 mfh6     # session 17: where the default trailed the best peer
  nice -n 15 $V/synetune013/bin/python benchmarks/curves_peers.py --methods st-mobster --seeds 5 -j 2 --skip-done
  nice -n 15 $V/dehb/bin/python benchmarks/curves_peers.py --methods dehb --seeds 20 -j 2 --skip-done
  nice -n 15 .venv/bin/python benchmarks/curves_peers.py --methods smac-hb --seeds 10 -j 2
(runs cut short by time left fewer seeds: see the counts in the report) and the reference methods
from the same seeds (today's code; the optuna rows are deterministic, so they match the ones the
peers were first paired with, from commit 6ad5915, run by run):
  nice -n 5 .venv/bin/python benchmarks/curves.py --split test --seeds 20 --budget-factor 10 -j 2 \\
      --methods optuna-hb-tpe tw-none tw-asha-stop tw-tpe-asha-stop tw-asha-promote --families crossing-243-steep \\
      crossing-9-eta2 plateau-81-eta4 diverge-81 uninformative-81 noisy-27-heavy mfh6 \\
      --out benchmarks/results/curves_ref_test_s11.jsonl
  .venv/bin/python benchmarks/curves.py --report benchmarks/results/curves_ref_test_s11.jsonl \\
      benchmarks/results/curves_peers_test.json
(its last table: each tunewise method against the peer that did best on each family.)
Jobs run seed-major, cheapest family first, so a run cut short has whole seeds of most families;
``--skip-done`` resumes one. The paired ratios of ``curves.py --report`` use the seeds both
methods have.

``--quick``: 2 seeds, 2 families, to check that a venv works.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import time
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from curves import Bench, StopBudget, Tracker, _append, make_bench, report  # noqa: E402

TEST_FAMILIES = ["crossing-243-steep", "crossing-9-eta2", "plateau-81-eta4", "diverge-81", "uninformative-81",
                 "noisy-27-heavy", "mfh6"]
ST_METHODS = ["st-asha", "st-bohb", "st-mobster", "st-hypertune"]
METHODS = [*ST_METHODS, "smac-hb", "dehb"]
DEFAULT_OUT = os.path.join(HERE, "results", "curves_peers_test.json")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _to_step(b: Bench, budget: float) -> int:
    """The epoch the family reports at nearest to an optimizer's (possibly fractional) budget."""
    return min(b.steps, key=lambda s: (abs(s - budget), s))


class Evaluator:
    """Trains (configuration, budget) pairs for the optimizers that ask for them (SMAC, DEHB).

    ``resume`` charges a configuration asked again at a larger budget only its new epochs (it
    continues from its checkpoint); ``scratch`` charges every evaluation from epoch 0. Both see
    the same optimizer run; the run ends when ``resume`` has spent the budget (``scratch``
    spends at least as fast, its trace stops growing once it is exhausted)."""

    def __init__(self, b: Bench) -> None:
        self.b = b
        self.resume = Tracker(b)
        self.scratch = Tracker(b)
        # configuration -> (last step trained, training state, {step: (reported, truth)})
        self.memo: dict[tuple[Any, ...], tuple[int, Any, dict[int, tuple[float, float]]]] = {}

    def __call__(self, cfg: dict[str, Any], step: int) -> float:
        key = tuple(sorted(cfg.items()))
        if key not in self.memo:
            self.resume.trials += 1
            self.scratch.trials += 1
        last, state, seen = self.memo.get(key, (0, None, {}))
        for s in self.b.steps:
            if last < s <= step:
                if self.resume.exhausted:
                    raise StopBudget
                value, truth, state = self.b.advance(cfg, last, s, state)
                self.resume.add(s - last, truth, s)
                seen[s] = (value, truth)
                last = s
        self.memo[key] = (last, state, seen)
        prev = 0
        for s in self.b.steps:
            if s > step:
                break
            if not self.scratch.exhausted:
                self.scratch.add(s - prev, seen[s][1], s)
            prev = s
        return seen[step][0]


def _configspace(b: Bench, seed: int) -> Any:
    from ConfigSpace import ConfigurationSpace, Float

    cs = ConfigurationSpace(seed=seed)
    for name, spec in b.space.items():
        if spec[0] != "float":
            raise ValueError(f"{b.name}: only float parameters are mapped to ConfigSpace, got {spec}")
        cs.add(Float(name, (spec[1], spec[2]), log=spec[3]))
    return cs


# ---- SMAC3 -------------------------------------------------------------------------------------
def run_smac(b: Bench, seed: int) -> Evaluator:
    from smac import MultiFidelityFacade, Scenario
    from smac.intensifier.hyperband import Hyperband
    from smac.runhistory.dataclasses import TrialValue

    ev = Evaluator(b)
    out = tempfile.mkdtemp(prefix="smac-curves-")
    scenario = Scenario(_configspace(b, seed), name=f"{b.name}-{seed}", output_directory=Path(out), deterministic=True,
                        n_trials=10 ** 7, min_budget=b.steps[0], max_budget=b.R, seed=seed)

    def unused(config: Any, seed: int = 0, budget: float = 0.0) -> float:  # ask/tell drives the run
        raise AssertionError

    smac = MultiFidelityFacade(scenario, unused, intensifier=Hyperband(scenario, eta=b.eta, seed=seed),
                               overwrite=True, logging_level=40)
    try:
        while True:
            info = smac.ask()
            value = ev(dict(info.config), _to_step(b, float(info.budget or b.R)))
            smac.tell(info, TrialValue(cost=value), save=False)
    except StopBudget:
        pass
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return ev


# ---- DEHB --------------------------------------------------------------------------------------
def run_dehb(b: Bench, seed: int) -> Evaluator:
    from dehb import DEHB  # type: ignore[import-not-found]

    ev = Evaluator(b)
    out = tempfile.mkdtemp(prefix="dehb-curves-")
    cs = _configspace(b, seed)
    dehb = DEHB(cs=cs, dimensions=len(b.space), min_fidelity=b.steps[0], max_fidelity=b.R, eta=b.eta, n_workers=1,
                seed=seed, output_path=out, save_freq=None, log_level="ERROR")
    try:
        while True:
            job = dehb.ask()
            step = _to_step(b, float(job["fidelity"]))
            value = ev(dict(job["config"]), step)
            dehb.tell(job, {"fitness": value, "cost": float(step)})
    except StopBudget:
        pass
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return ev


# ---- Syne Tune ---------------------------------------------------------------------------------
def run_syne_tune(b: Bench, method: str, seed: int) -> Tracker:
    """One Syne Tune run on Syne Tune's simulator back end: the family is a ``Blackbox`` whose
    fidelities are its report steps (objectives: the reported loss the scheduler sees, the
    noise-free loss the tracker counts, and the elapsed epochs, which are the simulated time),
    served by ``UserBlackboxBackend`` to a ``Tuner`` with one worker. A callback charges every
    result the scheduler receives (its new epochs) to the tracker; the run stops once the
    tracker has spent the family's budget."""
    import numpy as np
    from syne_tune import Tuner  # type: ignore[import-not-found]
    from syne_tune.backend.simulator_backend.simulator_callback import SimulatorCallback  # type: ignore[import-not-found]
    from syne_tune.blackbox_repository.blackbox import Blackbox  # type: ignore[import-not-found]
    from syne_tune.blackbox_repository.simulated_tabular_backend import UserBlackboxBackend  # type: ignore[import-not-found]
    from syne_tune.config_space import loguniform, randint, uniform  # type: ignore[import-not-found]
    from syne_tune.optimizer.baselines import ASHA, BOHB, MOBSTER, HyperTune  # type: ignore[import-not-found]
    from syne_tune.tuner_callback import TunerCallback  # type: ignore[import-not-found]

    space = {name: (loguniform if spec[3] else uniform)(spec[1], spec[2]) for name, spec in b.space.items()}

    class Curves(Blackbox):
        def __init__(self) -> None:
            super().__init__(configuration_space=space, fidelity_space={"epoch": randint(b.steps[0], b.R)},
                             objectives_names=["loss", "truth", "elapsed"])

        @property
        def fidelity_values(self) -> Any:
            return np.array(b.steps)

        def _objective_function(self, configuration: dict[str, Any], fidelity: Any = None, seed: Any = None) -> Any:
            cfg = {k: configuration[k] for k in b.space}
            rows, start, state = [], 0, None
            for s in b.steps:
                value, truth, state = b.advance(cfg, start, s, state)
                rows.append((value, truth, float(s)))
                start = s
            if fidelity is not None:
                return dict(zip(self.objectives_names, rows[b.steps.index(int(fidelity["epoch"]))]))
            return np.array(rows)

    tr = Tracker(b)
    last: dict[int, int] = {}

    class Charge(TunerCallback):
        def on_trial_result(self, trial: Any, status: str, result: dict[str, Any], decision: str) -> None:
            step = int(result["epoch"])
            prev = last.get(trial.trial_id)
            if prev is None:
                tr.trials += 1
            last[trial.trial_id] = step
            if not tr.exhausted:
                tr.add(step - (prev or 0), float(result["truth"]), step)

    n_rungs = 1 + round(math.log(b.R / b.steps[0], b.eta))
    kwargs: dict[str, Any] = {"metric": "loss", "mode": "min", "resource_attr": "epoch", "max_t": b.R,
                              "grace_period": b.steps[0], "reduction_factor": b.eta, "type": "stopping",
                              "random_seed": seed}
    if method == "st-hypertune":  # Hyper-Tune samples the bracket of each new trial from all of them
        kwargs["brackets"] = n_rungs
    cls = {"st-asha": ASHA, "st-bohb": BOHB, "st-mobster": MOBSTER, "st-hypertune": HyperTune}[method]
    scheduler = cls(space, **kwargs)
    backend = UserBlackboxBackend(blackbox=Curves(), elapsed_time_attr="elapsed")
    folder = tempfile.mkdtemp(prefix="st-curves-")
    os.environ["SYNETUNE_FOLDER"] = folder
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the Tuner prints its trial table
            Tuner(trial_backend=backend, scheduler=scheduler, stop_criterion=lambda status: tr.exhausted,
                  n_workers=1, sleep_time=0, callbacks=[SimulatorCallback(), Charge()], results_update_interval=1e9,
                  print_update_interval=1e9, save_tuner=False, tuner_name=f"curves-{method}-{b.name}-{seed}",
                  suffix_tuner_name=False).run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return tr


# ---- runner ------------------------------------------------------------------------------------
def _record(b: Bench, family: str, method: str, seed: int, tr: Tracker, wall: float, peer: str) -> dict[str, Any]:
    return {"family": family, "split": b.split, "method": method, "seed": seed, "problem_seed": b.seed,
            "ctt": tr.compute_to_target(),
            "final": tr.best, "budget": b.compute, "target": b.target, "trials": tr.trials, "wall": wall,
            "peer": peer}


def run_one(job: tuple[str, str, int, float]) -> list[dict[str, Any]]:
    family, method, seed, budget_factor = job
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    b = make_bench(family, seed, budget_factor)
    t0 = time.time()
    if method in ST_METHODS:
        tr = run_syne_tune(b, method, b.seed)  # the problem seed, as curves.py's methods
        return [_record(b, family, method, seed, tr, time.time() - t0, f"syne-tune {_version('syne-tune')}")]
    if method == "smac-hb":
        ev, peer = run_smac(b, b.seed), f"smac {_version('smac')}"
    elif method == "dehb":
        ev, peer = run_dehb(b, b.seed), f"dehb {_version('dehb')}"
    else:
        raise ValueError(f"unknown method {method!r}; known: {METHODS}")
    wall = time.time() - t0
    return [_record(b, family, method, seed, ev.resume, wall, peer),
            _record(b, family, f"{method}-scratch", seed, ev.scratch, wall, peer)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2 seeds, 2 families: check that a venv works")
    ap.add_argument("--seeds", type=int, default=None, help="seeds 0..N-1 (default 10)")
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--families", nargs="*", default=None, help=f"default: the test families {TEST_FAMILIES}")
    ap.add_argument("--methods", nargs="+", required=True, choices=METHODS)
    ap.add_argument("--budget-factor", type=float, default=10.0, help="compute budget in units of R (default 10)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--out", default=DEFAULT_OUT, help="append one JSON line per run here ('' to skip)")
    ap.add_argument("--skip-done", action="store_true", help="skip the runs --out already holds (resume)")
    args = ap.parse_args()
    seeds = range(args.first_seed, args.first_seed + (args.seeds or (2 if args.quick else 10)))
    families = args.families or (["crossing-9-eta2", "mfh6"] if args.quick else TEST_FAMILIES)
    # seed-major, cheapest family first: a run cut short still has whole seeds of most families
    by_cost = sorted(families, key=lambda f: make_bench(f, 0, args.budget_factor).compute)
    jobs = [(f, m, s, args.budget_factor) for s in seeds for f in by_cost for m in args.methods]
    if args.skip_done and args.out and os.path.exists(args.out):
        with open(args.out) as fh:
            done_keys = {(r["family"], r["method"], r["seed"]) for r in map(json.loads, filter(str.strip, fh))}
        jobs = [j for j in jobs if (j[0], j[1], j[2]) not in done_keys]
    print(f"{len(jobs)} runs: {len(families)} families x {len(args.methods)} methods x {len(seeds)} seeds, "
          f"budget {args.budget_factor:g} R -> {args.out or '(not stored)'}", flush=True)
    t0 = time.time()
    results: list[dict[str, Any]] = []

    def done(rows: list[dict[str, Any]]) -> None:
        for r in rows:
            results.append(r)
            _append(args.out, r)
        if len(results) % 20 < len(rows):
            print(f"  {len(results)} records, {time.time() - t0:.0f} s", flush=True)

    if args.jobs > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(args.jobs) as pool:
            for rows in pool.imap_unordered(run_one, jobs):
                done(rows)
    else:
        for j in jobs:
            done(run_one(j))
    print(report(results))
    print(f"\ntotal wall {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
