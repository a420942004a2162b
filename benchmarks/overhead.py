"""Framework cost per trial: tunewise vs optuna, same trivial objective, same storage kind.

The objective suggests 3 floats and returns their sum, so nearly all time is the framework's
(sampler + study loop + storage). We time windows of trials: the cost per trial around trial
1,000 and around trial 10,000 shows whether it stays flat as the study grows. Then the
throughput of ``n_jobs=2`` vs ``n_jobs=1`` on a CPU-bound 0.2 s objective (processes, not threads).

    python benchmarks/overhead.py            # full: 10,000 trials per storage
    python benchmarks/overhead.py --quick    # CI size
    python benchmarks/overhead.py --durability   # SQLite synchronous=off/normal/full, cost per trial
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time

_REPORTS = 0  # --reports K: the objective reports K steps and asks should_prune() after each


def _objective_tw(trial):
    value = trial.suggest_float("x", -1, 1) + trial.suggest_float("y", -1, 1) + trial.suggest_float("z", -1, 1)
    for step in range(_REPORTS):  # the study's default pruner (median) decides; its answer is not acted on,
        trial.report(value + 1.0 / (step + 1), step)  # so every trial completes in both frameworks
        trial.should_prune()
    return value


def _tw_sampler(kind: str):
    import tunewise as tw

    if kind == "tpe":
        return tw.samplers.TPESampler(seed=0)
    if kind == "tpe-startup":  # TPE held in its random start-up phase: cheap, but publishes a proposal per trial
        return tw.samplers.TPESampler(seed=0, n_startup_trials=10**9)
    return tw.samplers.RandomSampler(seed=0)


def run_tunewise(storage: str | None, n: int, window: int, checkpoints: list[int],
                 sampler: str = "random") -> dict[int, float]:
    import tunewise as tw

    study = tw.create_study(storage=storage, sampler=_tw_sampler(sampler))
    return _windows(lambda k: study.optimize(_objective_tw, n_trials=k), n, window, checkpoints)


def run_optuna(storage: str | None, n: int, window: int, checkpoints: list[int],
               sampler: str = "random") -> dict[int, float]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if sampler == "tpe":
        opt_sampler = optuna.samplers.TPESampler(seed=0)
    elif sampler == "tpe-startup":
        opt_sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=10**9)
    else:
        opt_sampler = optuna.samplers.RandomSampler(seed=0)
    study = optuna.create_study(storage=storage, sampler=opt_sampler)
    return _windows(lambda k: study.optimize(_objective_tw, n_trials=k), n, window, checkpoints)


_CLOCK = time.perf_counter  # --cpu: time.process_time (this process's CPU time: robust to other load)


def _windows(run, n: int, window: int, checkpoints: list[int]) -> dict[int, float]:
    """Run n trials; return ms/trial measured over the `window` trials ending at each checkpoint."""
    out: dict[int, float] = {}
    done = 0
    for cp in sorted(checkpoints):
        if cp > n:
            break
        if cp - window > done:
            run(cp - window - done)
        t0 = _CLOCK()
        run(window)
        out[cp] = (_CLOCK() - t0) / window * 1000
        done = cp
    return out


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    x = 0
    while time.process_time() < end:
        x += 1


def _cpu_objective(trial):
    x = trial.suggest_float("x", -1, 1)
    _busy(0.2)
    return x * x


def parallel_speedup(n_trials: int) -> tuple[float, float]:
    import tunewise as tw

    times = []
    for n_jobs in (1, 2):
        study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
        t0 = time.perf_counter()
        study.optimize(_cpu_objective, n_trials=n_trials, n_jobs=n_jobs)
        times.append(time.perf_counter() - t0)
        assert len(study.trials) == n_trials
    return times[0], times[1]


def flatness(n_small: int, n_large: int, window: int, rounds: int, sampler: str = "random") -> tuple[float, float]:
    """SQLite cost per trial at n_large vs n_small trials, measured interleaved: two studies (one
    grown to n_small trials, one to n_large) run alternating windows, so machine load hits both
    alike. Returns the median ms/trial of each."""
    import statistics

    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="tw-flat-")
    studies = []
    for n in (n_small, n_large):
        s = tw.create_study(storage=f"sqlite:///{os.path.join(tmp, f'{n}.db')}", sampler=_tw_sampler(sampler))
        s.optimize(_objective_tw, n_trials=n)
        studies.append(s)
    times: list[list[float]] = [[], []]
    for _ in range(rounds):
        for i, s in enumerate(studies):
            t0 = time.perf_counter()
            s.optimize(_objective_tw, n_trials=window)
            times[i].append((time.perf_counter() - t0) / window * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def durability(n_warm: int, window: int, rounds: int, sampler: str) -> dict[str, float]:
    """SQLite cost per trial at each ``synchronous`` level (the storage URL's ``?synchronous=``),
    measured interleaved: one study per level, warmed up to ``n_warm`` trials, then alternating
    windows of ``window`` trials, so machine load hits every level alike. Wall time, as the cost
    of FULL is waiting for the disk's fsync. Returns the median ms/trial of each level."""
    import statistics

    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="tw-durability-")
    levels = ("off", "normal", "full")
    studies = {}
    for level in levels:
        url = f"sqlite:///{os.path.join(tmp, f'{level}.db')}?synchronous={level}"
        studies[level] = tw.create_study(storage=url, sampler=_tw_sampler(sampler))
        studies[level].optimize(_objective_tw, n_trials=n_warm)
    times: dict[str, list[float]] = {level: [] for level in levels}
    for _ in range(rounds):
        for level in levels:
            t0 = time.perf_counter()
            studies[level].optimize(_objective_tw, n_trials=window)
            times[level].append((time.perf_counter() - t0) / window * 1000)
    return {level: statistics.median(ts) for level, ts in times.items()}


def growth(n: int, window: int, every: int, sampler: str, gc_freeze: bool) -> None:
    """Sequential windows on one SQLite study as it grows (what the default run does, in more
    detail): wall and CPU ms/trial, ms/trial spent in Python's garbage collector, WAL and
    database size. ``gc_freeze``: move the objects alive after each window out of the collector's
    reach (``gc.freeze()``), to see how much of any growth is the collector scanning live objects."""
    import gc

    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="tw-growth-")
    path = os.path.join(tmp, "g.db")
    study = tw.create_study(storage=f"sqlite:///{path}", sampler=_tw_sampler(sampler))
    gc_time = [0.0]
    started = [0.0]

    def on_gc(phase: str, _info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - started[0]

    gc.callbacks.append(on_gc)
    print(f"SQLite, one study grown to {n:,} trials ({sampler} sampler); windows of {window} trials"
          f"{'; gc.freeze() after each window' if gc_freeze else ''}\n")
    print("| trials | wall ms/trial | CPU ms/trial | GC ms/trial | GC-tracked objects | WAL MB | DB MB | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    done = 0
    while done < n:
        study.optimize(_objective_tw, n_trials=every - window)
        gc_time[0] = 0.0
        w0, c0 = time.perf_counter(), time.process_time()
        study.optimize(_objective_tw, n_trials=window)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        done += every
        wal = os.path.getsize(path + "-wal") / 1e6 if os.path.exists(path + "-wal") else 0.0
        print(f"| {done:,} | {wall / window * 1000:.3f} | {cpu / window * 1000:.3f} | "
              f"{gc_time[0] / window * 1000:.3f} | {len(gc.get_objects()):,} | {wal:.1f} | "
              f"{os.path.getsize(path) / 1e6:.1f} | {os.getloadavg()[0]:.1f} |", flush=True)
        if gc_freeze:
            gc.freeze()
    gc.callbacks.remove(on_gc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes for CI")
    ap.add_argument("--flatness", action="store_true",
                    help="only: SQLite cost at 10,000 vs 1,000 trials, interleaved windows (robust to load)")
    ap.add_argument("--sampler", choices=("random", "tpe", "tpe-startup"), default="random",
                    help="both frameworks' random sampler (default), TPE, or TPE kept in its random start-up "
                         "phase (tunewise: cheap, but publishes its proposal each trial for the constant liar)")
    ap.add_argument("--no-optuna", action="store_true", help="tunewise only")
    ap.add_argument("--no-parallel", action="store_true", help="skip the n_jobs line")
    ap.add_argument("--storages", default="memory,sqlite", help="comma-separated: memory, sqlite")
    ap.add_argument("--cpu", action="store_true",
                    help="time windows in process CPU time instead of wall time (on a loaded machine; excludes "
                         "time spent waiting for a core, and for disk)")
    ap.add_argument("--reports", type=int, default=0, metavar="K",
                    help="the objective also reports K steps, asking should_prune() after each (the default "
                         "median pruner decides; trials complete whatever it says)")
    ap.add_argument("--growth", type=int, metavar="N",
                    help="only: sequential windows on one SQLite study grown to N trials, with CPU, GC, WAL detail")
    ap.add_argument("--gc-freeze", action="store_true", help="with --growth: gc.freeze() after each window")
    ap.add_argument("--durability", action="store_true",
                    help="only: SQLite cost per trial with synchronous=off/normal/full (interleaved windows, wall "
                         "time: FULL's cost is the fsync at every commit)")
    args = ap.parse_args()
    global _REPORTS
    _REPORTS = args.reports
    if args.growth:
        growth(args.growth, window=200, every=1000, sampler=args.sampler, gc_freeze=args.gc_freeze)
        return
    if args.cpu:
        global _CLOCK
        _CLOCK = time.process_time
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    if args.durability:
        n_warm, window, rounds = (100, 50, 5) if args.quick else (1000, 100, 15)
        med = durability(n_warm, window, rounds, args.sampler)
        print(f"SQLite durability: median ms/trial over {rounds} interleaved windows of {window} trials (after "
              f"{n_warm:,} trials; {args.sampler} sampler, 3 floats; wall time; load average "
              f"{os.getloadavg()[0]:.1f})\n")
        print("| synchronous | ms/trial | extra ms/trial vs normal | what a power cut can do |")
        print("|---|---:|---:|---|")
        risk = {"off": "corrupt the file", "normal": "lose the last commits", "full": "nothing committed is lost"}
        for level, ms in med.items():
            print(f"| {level} | {ms:.3f} | {ms - med['normal']:+.3f} | {risk[level]} |")
        return
    if args.flatness:
        small, large = (300, 3000) if args.quick else (1000, 10_000)
        a, b = flatness(small, large, window=50, rounds=10, sampler=args.sampler)
        print(f"SQLite, interleaved windows of 50 trials x 10 rounds (median ms/trial): {small:,} trials {a:.3f},"
              f" {large:,} trials {b:.3f}; ratio {b / a:.2f} (load average {os.getloadavg()[0]:.1f})")
        return
    if args.quick:
        n_tw, n_opt_mem, n_opt_sql, window, cps, n_par = 2000, 1000, 300, 100, [300, 1000, 2000], 10
    else:
        n_tw, n_opt_mem, n_opt_sql, window, cps, n_par = 10_000, 10_000, 1000, 200, [1000, 10_000], 100
    tmp = tempfile.mkdtemp(prefix="tw-overhead-")
    rows = []
    storages = [k.strip() for k in args.storages.split(",") if k.strip()]
    for kind in storages:
        url_tw = None if kind == "memory" else f"sqlite:///{os.path.join(tmp, 'tw.db')}"
        url_opt = None if kind == "memory" else f"sqlite:///{os.path.join(tmp, 'optuna.db')}"
        tw_ms = run_tunewise(url_tw, n_tw, window, cps, args.sampler)
        opt_ms = {} if args.no_optuna else run_optuna(
            url_opt, n_opt_mem if kind == "memory" else n_opt_sql, window, cps, args.sampler)
        for cp in cps:
            a, b = tw_ms.get(cp), opt_ms.get(cp)
            rows.append((kind, cp, a, b, (b / a) if a and b else None))
        print(f"  measured {kind}", file=sys.stderr, flush=True)
    print(f"\nFramework cost per trial (ms{' of CPU time' if args.cpu else ''}, mean over the {window} trials ending"
          f" at trial N; {args.sampler} sampler, 3 floats"
          f"{f', {args.reports} reports + should_prune()' if args.reports else ''}; load average "
          f"{os.getloadavg()[0]:.1f})\n")
    print("| storage | N | tunewise ms/trial | optuna ms/trial | optuna / tunewise |")
    print("|---|---:|---:|---:|---:|")
    for kind, cp, a, b, r in rows:
        fa = f"{a:.3f}" if a is not None else "-"
        fb = f"{b:.3f}" if b is not None else "not run"
        fr = f"{r:.1f}x" if r is not None else "-"
        print(f"| {kind} | {cp:,} | {fa} | {fb} | {fr} |")
    for kind in storages:
        vals = {cp: a for k, cp, a, _, _ in rows if k == kind and a is not None}
        lo, hi = min(vals), max(vals)
        print(f"\ntunewise {kind}: cost at trial {hi:,} / cost at trial {lo:,} = {vals[hi] / vals[lo]:.2f}")
    if args.no_parallel:
        return
    t1, t2 = parallel_speedup(n_par)
    print(f"\nn_jobs on a CPU-bound 0.2 s objective, {n_par} trials: n_jobs=1 {t1:.2f} s, n_jobs=2 {t2:.2f} s,"
          f" throughput ratio {t1 / t2:.2f}x (cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
