"""Transfer benchmark: does a knowledge base of related tasks make a new study faster, and does an
unrelated one cost little?

Two task families, leave-one-task-out:

- ``bbob-fXX``: COCO bbob function XX (``cocoex``, instance 1, 3-D, box [-5, 5]^3) under small
  shifts: task i is ``f(x - delta_i)`` with ``delta_i ~ U(-0.3, 0.3)^3`` (seeded), so the tasks are
  related but their optima differ. Regret = f - f_opt, exact.
- ``svm``: an RBF SVC tuned over ``log10_C`` x ``log10_gamma`` (a 0.25-step lattice, 0.5 with
  ``--quick``) on four scikit-learn data sets (breast_cancer, digits (600 rows), wine, iris;
  standardized; 3-fold CV error). Every lattice point is evaluated once up front, so the regret
  against the best lattice point is exact and the studies replay a lookup table.

For each held-out task the others are tuned once (50 TPE trials each) and added to a knowledge base
(with tags; the svm tasks with meta-features from their data). The held-out task is then tuned with

- ``cold``: the base sampler alone;
- ``warm``: ``FromSimilarTasks(top_k=5)`` (enqueue the neighbours' best, then a fading prior);
- ``enqueue``: the same configurations enqueued, no prior (``n0=0``: what one would do by hand
  with ``enqueue_trial`` in Optuna);
- ``unrelated``: warm start from a knowledge base holding only a deliberately misleading task
  (bbob: a sphere whose optimum is the far corner from the held-out optimum; svm: the *negated*
  error of another data set, so its "best" configurations are that data set's worst);
- ``optuna``: Optuna's TPESampler, cold (peer).

Reported: mean regret after 5, 10, 20, 50 trials (over seeds), the number of trials the warm start
needs to reach the cold start's regret at 50 (per task, on the seed-mean curves; 51 = never), and
the unrelated / cold ratio of regret at 50 (per task, with a floor of 1e-3 on both regrets; the
geometric mean over tasks; "pooled": the family's summed unrelated regret@50 over its summed
cold regret@50; and the same ratio on the per-task medians over seeds, less swayed by the few runs
in which TPE gets stuck). Also the spread of both targets over the seeds (a paired bootstrap: the
seeds resampled with replacement, 5th-95th percentile): the reach moves by 1-2 trials between
seed sets of 10, which is why the result uses 20.

    .venv/bin/python benchmarks/transfer.py --quick
    .venv/bin/python benchmarks/transfer.py            # 20 seeds, finer svm lattice
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

import tunewise as tw  # noqa: E402

BUDGETS = (5, 10, 20, 50)
N_TRIALS = 50
SOURCE_TRIALS = 50
DIM = 3
FLOOR = 1e-3
N0, P_MAX = 5.0, 0.5  # FromSimilarTasks defaults; --n0 / --max-probability change them


# ---- tasks ------------------------------------------------------------------------------------
class Task:
    def __init__(self, name: str, space: dict[str, Any], evaluate: Callable[[dict[str, Any]], float],
                 f_opt: float, tags: list[str], meta: dict[str, float]) -> None:
        self.name, self.space, self.evaluate, self.f_opt = name, space, evaluate, f_opt
        self.tags, self.meta = tags, meta
        self.x_opt: np.ndarray | None = None

    def objective(self, trial: tw.Trial) -> float:
        return self.evaluate({n: trial.suggest(n, d) for n, d in self.space.items()})


_KEEP: list[Any] = []


def _bbob_problem(fid: int) -> tuple[Any, np.ndarray]:
    import cocoex

    suite = cocoex.Suite("bbob", "", f"dimensions: {DIM} instance_indices: 1 function_indices: {fid}")
    p = suite.get_problem_by_function_dimension_instance(fid, DIM, 1)
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # _best_parameter("print") writes x_opt to a file in the working directory
        try:
            p._best_parameter("print")
            x_opt = np.atleast_1d(np.loadtxt(os.path.join(tmp, os.listdir(tmp)[0])))
        finally:
            os.chdir(cwd)
    _KEEP.append(suite)  # the problem must not outlive its suite
    return p, x_opt


def bbob_family(fid: int, n_tasks: int = 5) -> list[Task]:
    p, x_opt = _bbob_problem(fid)
    f_opt = float(p(x_opt))
    rng = np.random.default_rng(1000 + fid)
    space = {f"x{i}": tw.distributions.Float(-5.0, 5.0) for i in range(DIM)}
    tasks = []
    for i in range(n_tasks):
        delta = rng.uniform(-0.3, 0.3, DIM)

        def evaluate(params: dict[str, Any], delta: np.ndarray = delta) -> float:
            x = np.array([params[f"x{j}"] for j in range(DIM)])
            return float(p(x - delta))

        t = Task(f"bbob-f{fid:02d}-s{i}", space, evaluate, f_opt, ["bbob", f"f{fid}"], {"dim": float(DIM)})
        t.x_opt = np.clip(x_opt + delta, -5, 5)
        t._problem = p  # type: ignore[attr-defined]
        tasks.append(t)
    return tasks


def bbob_unrelated(target: Task) -> Task:
    corner = np.where(target.x_opt > 0, -4.5, 4.5)  # type: ignore[operator]

    def evaluate(params: dict[str, Any]) -> float:
        x = np.array([params[f"x{j}"] for j in range(DIM)])
        return float(np.sum((x - corner) ** 2))

    return Task("unrelated-sphere", target.space, evaluate, 0.0, ["bbob", "sphere"], {"dim": float(DIM)})


_SVM_DATA = ("breast_cancer", "digits", "wine", "iris")


def _load(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    if name == "digits":
        idx = np.random.default_rng(0).choice(len(y), 600, replace=False)
        X, y = X[idx], y[idx]
    return X, y


def svm_table(name: str, step: float, cache_dir: str) -> dict[tuple[float, float], float]:
    """CV error of every lattice point (cached under ./out)."""
    path = os.path.join(cache_dir, f"transfer_svm_{name}_{step}.json")
    if os.path.exists(path):
        with open(path) as fh:
            return {tuple(k): v for k, v in json.load(fh)}
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    X, y = _load(name)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    table = {}
    for lc in np.arange(-2.0, 3.0 + 1e-9, step):
        for lg in np.arange(-5.0, 1.0 + 1e-9, step):
            model = make_pipeline(StandardScaler(), SVC(C=10 ** lc, gamma=10 ** lg))
            table[(round(lc, 4), round(lg, 4))] = 1.0 - float(cross_val_score(model, X, y, cv=cv).mean())
    os.makedirs(cache_dir, exist_ok=True)
    with open(path, "w") as fh:
        json.dump([[list(k), v] for k, v in table.items()], fh)
    return table


def svm_family(step: float, cache_dir: str) -> list[Task]:
    space = {"log10_C": tw.distributions.Float(-2.0, 3.0, step=step),
             "log10_gamma": tw.distributions.Float(-5.0, 1.0, step=step)}
    tasks = []
    for name in _SVM_DATA:
        table = svm_table(name, step, cache_dir)

        def evaluate(params: dict[str, Any], table: dict = table) -> float:
            return table[(round(params["log10_C"], 4), round(params["log10_gamma"], 4))]

        meta = tw.transfer.compute_meta_features(*_load(name))
        tasks.append(Task(f"svm-{name}", space, evaluate, min(table.values()), ["svm", "rbf"], meta))
    return tasks


def svm_unrelated(target: Task, family: list[Task]) -> Task:
    other = family[(family.index(target) + 1) % len(family)]

    def evaluate(params: dict[str, Any]) -> float:
        return -other.evaluate(params)  # its best configurations are the other data set's worst

    return Task(f"anti-{other.name}", target.space, evaluate, 0.0, ["svm", "rbf"], dict(other.meta))


# ---- runs -------------------------------------------------------------------------------------
BASE = "tpe"  # --base: the sampler of every tunewise study tuned on a held-out task
SHORTEN = True  # --no-shorten-startup: keep the base's full random start-up after a warm start
N_UNCONDITIONAL = 2  # --n-unconditional: configurations run before the new study has judged its sources
LOCAL_FRACTION = 0.75  # --local-fraction: share of own trials spent on local steps while a source is trusted


def base_sampler(seed: int, kind: str = "tpe") -> tw.samplers.Sampler:
    if kind == "auto":  # the default of create_study, as a user would have it
        return tw.samplers.AutoSampler(seed=seed)
    return tw.samplers.TPESampler(seed=seed)


WARM_STARTUP: int | None = None  # --warm-startup: TPE's n_startup_trials in warm-started studies


def tune(task: Task, n_trials: int, seed: int, storage: Any = None, warm: Any = None) -> list[float]:
    sampler = base_sampler(seed, BASE)
    if warm is not None and WARM_STARTUP is not None:
        sampler = tw.samplers.TPESampler(seed=seed, n_startup_trials=WARM_STARTUP)
    study = tw.create_study(storage=storage, sampler=sampler, warm_start=warm)
    study.optimize(task.objective, n_trials=n_trials)
    return [t.value for t in study.trials]


def tune_optuna(task: Task, n_trials: int, seed: int) -> list[float]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))

    def obj(trial: Any) -> float:
        params = {}
        for n, d in task.space.items():
            params[n] = trial.suggest_float(n, d.low, d.high, step=d.step)
        return task.evaluate(params)

    study.optimize(obj, n_trials=n_trials)
    return [t.value for t in study.trials]


def source_study(task: Task, storage: Any, seed: int) -> Any:
    study = tw.create_study(name=task.name, storage=storage, sampler=base_sampler(seed))
    study.optimize(task.objective, n_trials=SOURCE_TRIALS)
    return study


def regret_curve(values: list[float], f_opt: float) -> np.ndarray:
    best = np.minimum.accumulate(np.asarray(values, dtype=float))
    return np.maximum(best - f_opt, 0.0)


METHODS = ("cold", "warm", "enqueue", "unrelated", "optuna")


def run_family(name: str, tasks: list[Task], unrelated: Callable[[Task], Task], seeds: list[int],
               use_optuna: bool) -> dict[str, dict[str, np.ndarray]]:
    """{task: {method: seeds x N_TRIALS regret}}."""
    kb_storage = tw.storage.InMemoryStorage()
    for i, t in enumerate(tasks):
        s = source_study(t, kb_storage, seed=100 + i)
        tw.transfer.add_to_knowledge_base(s, task=t.name, tags=t.tags, meta_features=t.meta, top_k=10)
    out: dict[str, dict[str, np.ndarray]] = {}
    for t in tasks:
        u = unrelated(t)
        bad_storage = tw.storage.InMemoryStorage()
        s = source_study(u, bad_storage, seed=999)
        tw.transfer.add_to_knowledge_base(s, task=u.name, tags=u.tags, meta_features=u.meta, top_k=10)
        curves: dict[str, list[np.ndarray]] = {m: [] for m in METHODS}
        for seed in seeds:
            def warm(prior: bool = True, storage: Any = kb_storage, seed: int = seed, t: Task = t) -> Any:
                return tw.transfer.FromSimilarTasks(top_k=5, tags=t.tags, meta_features=t.meta, storage=storage,
                                                    exclude=[t.name], n0=N0 if prior else 0.0,
                                                    max_probability=P_MAX, seed=seed, space=t.space,
                                                    shorten_startup=SHORTEN, n_unconditional=N_UNCONDITIONAL,
                                                    local_fraction=LOCAL_FRACTION)
            curves["cold"].append(regret_curve(tune(t, N_TRIALS, seed), t.f_opt))
            curves["warm"].append(regret_curve(tune(t, N_TRIALS, seed, warm=warm()), t.f_opt))
            curves["enqueue"].append(regret_curve(tune(t, N_TRIALS, seed, warm=warm(prior=False)), t.f_opt))
            curves["unrelated"].append(regret_curve(tune(t, N_TRIALS, seed, warm=warm(storage=bad_storage)), t.f_opt))
            if use_optuna:
                curves["optuna"].append(regret_curve(tune_optuna(t, N_TRIALS, seed), t.f_opt))
        out[t.name] = {m: np.array(c) for m, c in curves.items() if c}
        print(f"  {name}: {t.name} done", file=sys.stderr, flush=True)
    return out


def trials_to_reach(warm: np.ndarray, target: float) -> int:
    hit = np.flatnonzero(warm <= target + 1e-12)
    return int(hit[0]) + 1 if len(hit) else N_TRIALS + 1


def report(results: dict[str, dict[str, dict[str, np.ndarray]]]) -> str:
    lines = []
    methods = [m for m in METHODS if any(m in r for fam in results.values() for r in fam.values())]
    lines.append("### Mean regret after n trials (over seeds)\n")
    lines.append("| task | method | " + " | ".join(f"n={b}" for b in BUDGETS) + " |")
    lines.append("|---|---|" + "---:|" * len(BUDGETS))
    summary = []
    for fam, per_task in results.items():
        reach, ratios, reach_enq = [], [], []
        pooled = [0.0, 0.0]  # sums over tasks of mean regret@50: unrelated, cold
        med_ratios: list[float] = []
        for task, curves in per_task.items():
            for m in methods:
                if m not in curves:
                    continue
                mean = curves[m].mean(axis=0)
                lines.append(f"| {task} | {m} | " + " | ".join(f"{mean[b - 1]:.4g}" for b in BUDGETS) + " |")
            cold50 = curves["cold"].mean(axis=0)[N_TRIALS - 1]
            reach.append(trials_to_reach(curves["warm"].mean(axis=0), cold50))
            reach_enq.append(trials_to_reach(curves["enqueue"].mean(axis=0), cold50))
            un50 = curves["unrelated"].mean(axis=0)[N_TRIALS - 1]
            ratios.append(max(un50, FLOOR) / max(cold50, FLOOR))
            med_ratios.append(max(float(np.median(curves["unrelated"][:, N_TRIALS - 1])), FLOOR)
                              / max(float(np.median(curves["cold"][:, N_TRIALS - 1])), FLOOR))
            pooled[0] += un50
            pooled[1] += cold50
        summary.append((fam, reach, reach_enq, ratios, pooled[0] / max(pooled[1], 1e-300), med_ratios))
    lines.append("\n### Targets\n")
    lines.append("| family | trials for warm to reach cold@50 (per task) | mean | enqueue-only mean | "
                 "unrelated/cold mean regret@50 (per task) | geo-mean | pooled | geo-mean of median ratios |")
    lines.append("|---|---|---:|---:|---|---:|---:|---:|")
    all_reach, all_ratio, all_med = [], [], []
    for fam, reach, reach_enq, ratios, pooled_ratio, med in summary:
        all_reach += reach
        all_ratio += ratios
        all_med += med
        lines.append(f"| {fam} | {', '.join(map(str, reach))} | {np.mean(reach):.1f} | {np.mean(reach_enq):.1f} | "
                     f"{', '.join(f'{r:.2f}' for r in ratios)} | {math.exp(np.mean(np.log(ratios))):.2f} | "
                     f"{pooled_ratio:.2f} | {math.exp(np.mean(np.log(med))):.2f} |")
    lines.append(f"| **all** | | **{np.mean(all_reach):.1f}** | | | **{math.exp(np.mean(np.log(all_ratio))):.2f}** | "
                 f"| **{math.exp(np.mean(np.log(all_med))):.2f}** |")
    lines += ["", spread(results)]
    return "\n".join(lines)


def spread(results: dict[str, dict[str, dict[str, np.ndarray]]], n_boot: int = 500) -> str:
    """How much the mean reach and the unrelated ratio move with the seeds: a paired bootstrap.

    The seeds are resampled with replacement (the same draw for every task and method, since
    seed i of ``cold`` and of ``warm`` share the base sampler's seed) and both targets recomputed
    on the resampled seed-mean curves; the 5th and 95th percentiles are reported. With ~10 seeds
    the reach moves by a few trials (one seed that finds or misses an exact lattice optimum shifts
    a task's mean curve), which is why the result is run with 20.
    """
    rng = np.random.default_rng(12345)
    n_seeds = min(c.shape[0] for per_task in results.values() for curves in per_task.values()
                  for c in curves.values())
    fams: dict[str, list[tuple[float, float]]] = {fam: [] for fam in results}
    overall: list[tuple[float, float]] = []
    for _ in range(n_boot):
        idx = rng.integers(n_seeds, size=n_seeds)
        all_r, all_q = [], []
        for fam, per_task in results.items():
            r, q = [], []
            for curves in per_task.values():
                cold50 = curves["cold"][idx].mean(axis=0)[N_TRIALS - 1]
                r.append(trials_to_reach(curves["warm"][idx].mean(axis=0), cold50))
                un50 = curves["unrelated"][idx].mean(axis=0)[N_TRIALS - 1]
                q.append(math.log(max(un50, FLOOR) / max(cold50, FLOOR)))
            fams[fam].append((float(np.mean(r)), math.exp(float(np.mean(q)))))
            all_r += r
            all_q += q
        overall.append((float(np.mean(all_r)), math.exp(float(np.mean(all_q)))))
    lines = [f"### Spread over seeds (paired bootstrap of the {n_seeds} seeds, {n_boot} resamples: 5th-95th "
             "percentile)\n", "| family | mean reach | unrelated/cold geo-mean |", "|---|---:|---:|"]
    for fam, vals in [*fams.items(), ("**all**", overall)]:
        a = np.array(vals)
        lines.append(f"| {fam} | {np.percentile(a[:, 0], 5):.1f} - {np.percentile(a[:, 0], 95):.1f} | "
                     f"{np.percentile(a[:, 1], 5):.2f} - {np.percentile(a[:, 1], 95):.2f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="3 seeds, 2 bbob functions, coarse svm lattice")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--functions", type=int, nargs="*", default=None, help="bbob function ids")
    ap.add_argument("--no-svm", action="store_true")
    ap.add_argument("--no-optuna", action="store_true")
    ap.add_argument("--cache", default=os.path.join("out", "transfer_cache"))
    ap.add_argument("--n0", type=float, default=N0, help="prior strength of the warm start")
    ap.add_argument("--max-probability", type=float, default=P_MAX, help="cap on the prior's share")
    ap.add_argument("--warm-startup", type=int, default=None,
                    help="n_startup_trials of the TPE base in warm-started studies (default: TPE's 10)")
    ap.add_argument("--base", choices=("tpe", "auto"), default="tpe",
                    help="sampler of the held-out studies: TPESampler, or AutoSampler (create_study's default)")
    ap.add_argument("--no-shorten-startup", action="store_true",
                    help="ablation: the base keeps its full random start-up after a trusted warm start")
    ap.add_argument("--n-unconditional", type=int, default=2,
                    help="configurations of the knowledge base run before its sources are judged (default 2)")
    ap.add_argument("--local-fraction", type=float, default=LOCAL_FRACTION,
                    help="share of own trials spent on local steps around the incumbent while a source is "
                         "trusted (default 0.75; 0: the warm start without local refinement)")
    args = ap.parse_args()
    globals().update(N0=args.n0, P_MAX=args.max_probability, WARM_STARTUP=args.warm_startup, BASE=args.base,
                     SHORTEN=not args.no_shorten_startup, N_UNCONDITIONAL=args.n_unconditional,
                     LOCAL_FRACTION=args.local_fraction)
    seeds = list(range(args.seeds or (3 if args.quick else 20)))
    fids = args.functions if args.functions is not None else ([8, 10] if args.quick else [2, 8, 10, 15])
    use_optuna = not args.no_optuna
    if use_optuna:
        try:
            import optuna  # noqa: F401
        except ImportError:
            use_optuna = False
    warnings.simplefilter("ignore", tw.transfer.KnowledgeBaseWarning)
    start = time.time()
    results: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    for fid in fids:
        fam = bbob_family(fid)
        results[f"bbob-f{fid:02d}"] = run_family(f"bbob-f{fid:02d}", fam, bbob_unrelated, seeds, use_optuna)
    if not args.no_svm:
        fam = svm_family(0.5 if args.quick else 0.25, args.cache)
        results["svm"] = run_family("svm", fam, lambda t: svm_unrelated(t, fam), seeds, use_optuna)
    startup = f" (n_startup_trials={WARM_STARTUP} when warm-started)" if WARM_STARTUP is not None else ""
    base = "TPESampler" if BASE == "tpe" else "AutoSampler (create_study's default)"
    ablation = "" if SHORTEN else " (warm start without start-up shortening)"
    ablation += f"; n_unconditional={N_UNCONDITIONAL}; local_fraction={LOCAL_FRACTION}"
    print(f"base sampler: tunewise {base}{startup}{ablation}; {len(seeds)} seeds; {N_TRIALS} trials per study; "
          f"sources tuned with {SOURCE_TRIALS} TPE trials; wall time {time.time() - start:.0f} s\n")
    print(report(results))


if __name__ == "__main__":
    main()
