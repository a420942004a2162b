"""Scaling out: trials per second with 1, 2, 4 (and 8) worker processes sharing one storage.

Each worker is a separate Python process that opens the same study by name and runs
``study.optimize(objective, n_trials=N/k)`` with ``n_jobs=1``, exactly as a user starts workers
on several machines. All workers load first and start together; the clock runs from the start
signal until the last worker is done. tunewise and optuna run the same objectives (a trivial one,
and one that sleeps 0.1 s) on the same storages (a SQLite file, a PostgreSQL database), each
with its random sampler. We also report errors seen by workers (e.g. "database is locked") and
the memory a process needs to hold a study of finished trials.

    python benchmarks/scaling.py --quick                  # CI size, SQLite (+ PostgreSQL if configured)
    python benchmarks/scaling.py                          # 1, 2, 4, 8 workers, bigger studies
    python benchmarks/scaling.py --postgres postgresql+psycopg://tw:tw@127.0.0.1:5432/tunewise_bench
    python benchmarks/scaling.py --only throughput --workers 1,2,4,8 --trivial-trials 300 --sleep-trials 48
    python benchmarks/scaling.py --only startup --workers 1,2,4,8   # optimize(n_jobs=k) worker start-up

PostgreSQL is used when ``--postgres`` or ``TUNEWISE_BENCH_POSTGRES_URL`` (or
``TUNEWISE_TEST_POSTGRES_URL``) names a database; ``.ci/postgres.sh`` starts a local one.
Timings on a shared machine are noisy: compare columns within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---- worker side ----------------------------------------------------------------------------------
def _objective(kind: str):  # noqa: ANN202 - works for both frameworks' trial objects
    def objective(trial):  # noqa: ANN001, ANN202
        x = trial.suggest_float("x", -1, 1)
        y = trial.suggest_float("y", -1, 1)
        z = trial.suggest_float("z", -1, 1)
        if kind == "sleep":
            time.sleep(0.1)
        return x * x + y * y + z * z

    return objective


def worker(framework: str, url: str, name: str, n_trials: int, kind: str, go: str, seed: int) -> None:
    errors: list[str] = []
    if framework == "tunewise":
        import logging

        import tunewise as tw

        logging.getLogger("tunewise").setLevel(logging.WARNING)  # retried lock errors would show here
        study = tw.create_study(name=name, storage=url, load_if_exists=True,
                                sampler=tw.samplers.RandomSampler(seed=seed))
    else:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = None
        for _ in range(20):  # optuna's concurrent create_study on one SQLite file can itself fail
            try:
                study = optuna.create_study(study_name=name, storage=url, load_if_exists=True,
                                            sampler=optuna.samplers.RandomSampler(seed=seed))
                break
            except Exception as e:  # noqa: BLE001
                errors.append(f"create: {type(e).__name__}: {str(e).splitlines()[0][:120]}")
                time.sleep(0.2)
        assert study is not None
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.002)
    t0 = time.perf_counter()
    done = 0
    objective = _objective(kind)
    while done < n_trials:  # keep going through errors, as a user's worker loop would
        try:
            study.optimize(objective, n_trials=n_trials - done)
            done = n_trials
        except Exception as e:  # noqa: BLE001
            errors.append(f"{type(e).__name__}: {str(e).splitlines()[0][:120]}")
            done += 1
            if len(errors) > 50:
                break
    # Wall-clock end stamp: the driver measures from its start signal to the last worker's end,
    # leaving out interpreter start-up and teardown, which are not the framework's per-trial cost.
    print(json.dumps({"elapsed": time.perf_counter() - t0, "end": time.time(), "errors": errors}), flush=True)


# ---- driver side ----------------------------------------------------------------------------------
def _spawn(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    return subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _count_trials(framework: str, url: str, name: str) -> tuple[int, int]:
    """(all trials, distinct numbers) as stored."""
    if framework == "tunewise":
        import tunewise as tw

        trials = tw.load_study(name, url).trials
    else:
        import optuna

        trials = optuna.load_study(study_name=name, storage=url).trials
    return len(trials), len({t.number for t in trials})


def run_config(framework: str, url: str, workers: int, total: int, kind: str, tmp: str) -> dict:
    name = f"scale-{framework}-{uuid.uuid4().hex[:8]}"
    go = os.path.join(tmp, f"go-{name}")
    per = [total // workers + (1 if i < total % workers else 0) for i in range(workers)]
    procs = [_spawn(framework, url, name, str(n), kind, go, str(i + 1)) for i, n in enumerate(per)]
    for p in procs:
        line = p.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"{framework} worker failed to start: {line}\n{p.communicate()[1][-2000:]}")
    t0 = time.time()
    open(go, "w").close()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=3600)
        if p.returncode != 0:
            raise RuntimeError(f"{framework} worker crashed:\n{err[-2000:]}")
        res = json.loads(out.strip().splitlines()[-1])
        # Errors a framework retried or logged without raising still show on stderr: count them too.
        res["errors"] += [f"stderr: {line.strip()[:120]}" for line in err.splitlines()
                          if "database is locked" in line or "deadlock" in line.lower()]
        results.append(res)
    wall = max(r["end"] for r in results) - t0
    n_stored, n_distinct = _count_trials(framework, url, name)
    errors = [e for r in results for e in r["errors"]]
    return {"framework": framework, "workers": workers, "kind": kind, "trials": total, "wall": wall,
            "tps": total / wall, "stored": n_stored, "distinct": n_distinct, "errors": errors}


MEMORY_PROBE = r"""
import gc, json, os, sys, tracemalloc
framework, url, name = sys.argv[1:4]
# Open the study first (imports, engine, connection), then measure what holding its trials costs.
if framework == "tunewise":
    import tunewise as tw
    study = tw.load_study(name, url)
    study.user_attrs  # a first query: connection open, but no trial read yet
else:
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.load_study(study_name=name, storage=url)
    study.user_attrs
# Bytes of Python objects still alive after the load (what the process keeps), via tracemalloc:
# RSS is too coarse here, as allocator arenas are reused and never shrink.
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
trials = study.get_trials(deepcopy=False)
gc.collect()
after = tracemalloc.get_traced_memory()[0]
print(json.dumps({"n": len(trials), "bytes": after - before}))
"""


# In-memory storage: the study lives in the process that runs it, so we measure what running n
# trials leaves allocated (tracemalloc started before the study is created, after a warm-up study
# has paid for imports and first-use caches).
MEMORY_PROBE_IN_PROCESS = r"""
import gc, json, logging, sys, tracemalloc
framework, n, shape, here = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sys.path.insert(0, here)
import scaling
objective = scaling._rich_objective if shape == "rich" else scaling._objective("trivial")
if framework == "tunewise":
    import tunewise as tw
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    make = lambda: tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
else:
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    make = lambda: optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
warm = make()
warm.optimize(objective, n_trials=5)
del warm
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
study = make()
study.optimize(objective, n_trials=n)
gc.collect()
after = tracemalloc.get_traced_memory()[0]
print(json.dumps({"n": len(study.trials), "bytes": after - before}))
"""


def memory_in_process(framework: str, n: int, shape: str) -> tuple[int, float]:
    """In-memory storage: bytes a process keeps after running n trials of ``shape``."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE_IN_PROCESS, framework, str(n), shape, HERE], env=env,
                         check=True, capture_output=True, text=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    return res["n"], res["bytes"]


def _rich_objective(trial):  # noqa: ANN001, ANN201 - a typical training run's trial
    p = {f"f{i}": trial.suggest_float(f"f{i}", 1e-5, 1.0, log=True) for i in range(5)}
    p["layers"] = trial.suggest_int("layers", 1, 8)
    p["width"] = trial.suggest_int("width", 16, 512)
    p["opt"] = trial.suggest_categorical("opt", ["adam", "sgd", "adamw"])
    trial.set_user_attr("note", "run")
    for step in range(10):
        trial.report(p["f0"] * step, step)
    return p["f0"]


def memory_per_trials(framework: str, url: str, n: int, shape: str) -> tuple[int, float]:
    """Build a study of n finished trials, then measure what a fresh process keeps to load it.

    ``shape``: "3 floats" (the trivial objective) or "rich" (8 params of 3 kinds, 10 reports, a
    user attribute: closer to a real training run)."""
    name = f"mem-{framework}-{uuid.uuid4().hex[:8]}"
    rich = shape == "rich"
    if framework == "tunewise":
        import tunewise as tw

        study = tw.create_study(name=name, storage=url, sampler=tw.samplers.RandomSampler(seed=0))
        study.optimize(_rich_objective if rich else _objective("trivial"), n_trials=n)
    else:
        import optuna
        from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.create_study(study_name=name, storage=url)
        rng = __import__("random").Random(0)
        trials = []
        for _ in range(n):
            if rich:
                dists = {f"f{i}": FloatDistribution(1e-5, 1.0, log=True) for i in range(5)}
                dists.update(layers=IntDistribution(1, 8), width=IntDistribution(16, 512),
                             opt=CategoricalDistribution(["adam", "sgd", "adamw"]))
                params = {f"f{i}": 10 ** rng.uniform(-5, 0) for i in range(5)}
                params.update(layers=rng.randint(1, 8), width=rng.randint(16, 512),
                              opt=rng.choice(["adam", "sgd", "adamw"]))
                trials.append(optuna.trial.create_trial(
                    params=params, distributions=dists, value=params["f0"], user_attrs={"note": "run"},
                    intermediate_values={s: params["f0"] * s for s in range(10)}))
            else:
                dist = FloatDistribution(-1, 1)
                trials.append(optuna.trial.create_trial(params={k: rng.uniform(-1, 1) for k in "xyz"},
                                                        distributions={k: dist for k in "xyz"}, value=rng.random()))
        study.add_trials(trials)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, framework, url, name], env=env, check=True,
                         capture_output=True, text=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    return res["n"], res["bytes"]


def _startup_objective(trial):  # noqa: ANN001, ANN201 - records which process ran the trial
    trial.set_user_attr("pid", os.getpid())
    x = trial.suggest_float("x", -1, 1)
    time.sleep(0.2)
    return x * x


def startup(workers: list[int], n_trials: int = 30) -> None:
    """``study.optimize(n_jobs=k)``: from the call to each worker process's first trial, and the
    speed-up over n_jobs=1 for 30 trials of a 0.2 s objective (in-memory storage). Workers are
    started as fresh interpreters ("spawn", TUNEWISE_WORKER_START=spawn) or forked from the
    pre-imported zygote (the default on Linux; the first call starts the zygote)."""
    import tunewise as tw

    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    imports = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import tunewise.execution._worker"], env=env, check=True)
        imports.append(time.perf_counter() - t)
    print(f"\nWorker interpreter start + imports (`python -c 'import tunewise.execution._worker'`): "
          f"median {sorted(imports)[1]:.2f} s of 3\n")
    print(f"| start | n_jobs | wall s ({n_trials} trials x 0.2 s) | speed-up vs n_jobs=1 | "
          f"first worker's first trial (s) | last worker's first trial (s) |")
    print("|---|---:|---:|---:|---:|---:|")
    base = None
    zygote_started = False
    for mode in ("spawn", "zygote"):
        os.environ["TUNEWISE_WORKER_START"] = mode
        for k in workers:
            study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
            t0 = time.time()
            study.optimize(_startup_objective, n_trials=n_trials, n_jobs=k)
            wall = time.time() - t0
            firsts: dict[int, float] = {}
            for t in study.trials:
                pid = t.user_attrs["pid"]
                firsts[pid] = min(firsts.get(pid, float("inf")), t.datetime_start.timestamp() - t0)
            if k == 1:
                base = wall
            label = mode
            if mode == "zygote" and k > 1:
                label = "zygote (reused)" if zygote_started else "zygote (started by this call)"
                zygote_started = True
            print(f"| {label} | {k} | {wall:.2f} | {(base or n_trials * 0.2) / wall:.2f}x | "
                  f"{min(firsts.values()):.2f} | {max(firsts.values()):.2f} |", flush=True)
    os.environ.pop("TUNEWISE_WORKER_START", None)


def print_throughput(rows: list[dict], storages: list[str], kinds: list[str], workers: list[int]) -> None:
    print("\nThroughput: trials per second, all workers together (higher is better); 'ms/trial' is the"
          " worker-time per trial = workers x wall / trials, minus the objective's own 0.1 s sleep\n")
    print("| storage | objective | workers | trials | tunewise trials/s | optuna trials/s | speed-up |"
          " tunewise ms/trial | optuna ms/trial | overhead ratio | errors (tw / optuna) | stored ok |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")

    def fmt(v: float | None, f: str) -> str:
        return "-" if v is None else format(v, f)

    by = {(r["storage"], r["kind"], r["workers"], r["framework"]): r for r in rows}
    for storage in storages:
        for kind in kinds:
            sleep = 0.1 if kind == "sleep" else 0.0
            for k in workers:
                a, b = by.get((storage, kind, k, "tunewise")), by.get((storage, kind, k, "optuna"))
                if a is None:
                    continue

                def per_trial(r: dict | None, k: int = k, sleep: float = sleep) -> float | None:
                    return None if r is None else max(k * r["wall"] / r["trials"] - sleep, 0.0) * 1000

                pa, pb = per_trial(a), per_trial(b)
                ok = "yes" if a["stored"] == a["distinct"] == a["trials"] else f"tw {a['stored']}/{a['trials']}"
                if b is not None and not (b["stored"] == b["distinct"] >= b["trials"] - len(b["errors"])):
                    ok += f", optuna {b['stored']}/{b['trials']}"
                print(f"| {storage} | {kind if kind == 'trivial' else 'sleep 0.1 s'} | {k} | {a['trials']} | "
                      f"{a['tps']:.1f} | {fmt(b and b['tps'], '.1f')} | "
                      f"{fmt(b and a['tps'] / b['tps'], '.1f')}x | {fmt(pa, '.2f')} | {fmt(pb, '.2f')} | "
                      f"{fmt(pb / pa if pa and pb else None, '.1f')}x | {len(a['errors'])} / "
                      f"{'-' if b is None else len(b['errors'])} | {ok} |")
    errs = [(r["framework"], r["storage"], r["workers"], e) for r in rows for e in r["errors"]]
    if errs:
        print("\nErrors seen by workers (first 10):")
        for fw, st, k, e in errs[:10]:
            print(f"- {fw} {st} {k} workers: {e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1/2/4 workers and small studies (a few minutes)")
    ap.add_argument("--postgres", default=os.environ.get("TUNEWISE_BENCH_POSTGRES_URL")
                    or os.environ.get("TUNEWISE_TEST_POSTGRES_URL"), help="PostgreSQL URL (optional)")
    ap.add_argument("--no-optuna", action="store_true", help="tunewise only")
    ap.add_argument("--only", choices=["throughput", "memory", "startup"], help="run one part")
    ap.add_argument("--workers", help="comma-separated worker counts (default 1,2,4; 1,2,4,8 without --quick)")
    ap.add_argument("--trivial-trials", type=int, help="trials per trivial-objective run (default 300/2000)")
    ap.add_argument("--sleep-trials", type=int, help="trials per 0.1 s-objective run (default 24/80)")
    ap.add_argument("--storages", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    ap.add_argument("--mem-trials", type=int, help="trials per memory measurement (default 1,000 / 10,000)")
    ap.add_argument("--worker", nargs=7, metavar="ARG", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        fw, url, name, n, kind, go, seed = args.worker
        worker(fw, url, name, int(n), kind, go, int(seed))
        return

    workers = [1, 2, 4] if args.quick else [1, 2, 4, 8]
    if args.workers:
        workers = [int(k) for k in args.workers.split(",")]
    sizes = {"trivial": args.trivial_trials or (300 if args.quick else 2000),
             "sleep": args.sleep_trials or (24 if args.quick else 80)}
    if args.only == "startup":
        startup(workers)
        return
    mem_n = args.mem_trials or (1000 if args.quick else 10_000)
    frameworks = ["tunewise"] if args.no_optuna else ["tunewise", "optuna"]
    tmp = tempfile.mkdtemp(prefix="tw-scaling-")
    storages = {k: v for k, v in {"sqlite": None, "postgresql": args.postgres}.items()
                if k in args.storages.split(",")}
    rows = []
    for storage, pg_url in storages.items():
        if args.only == "memory":
            break
        if storage == "postgresql" and not pg_url:
            print("  (PostgreSQL skipped: pass --postgres URL or run .ci/postgres.sh)", file=sys.stderr)
            continue
        for kind, total in sizes.items():
            for k in workers:
                for fw in frameworks:
                    url = pg_url or f"sqlite:///{os.path.join(tmp, f'{fw}-{kind}-{k}.db')}"
                    r = run_config(fw, url, k, total, kind, tmp)
                    r["storage"] = storage
                    rows.append(r)
                    print(f"  {storage:10s} {kind:7s} workers={k} {fw:8s} {r['tps']:8.1f} trials/s"
                          f"  stored={r['stored']} errors={len(r['errors'])}", file=sys.stderr, flush=True)

    if rows:
        print_throughput(rows, list(storages), list(sizes), workers)
    if args.only == "throughput":
        return

    print(f"\nMemory to hold a study of finished trials (Python objects kept, measured with tracemalloc over"
          f" {mem_n:,} trials and scaled to 10,000). SQL: a fresh process loads every trial of the study."
          f" memory: the process that ran the trials with in-memory storage.\n")
    print("| storage | trial shape | tunewise MB / 10k trials | optuna MB / 10k trials | optuna / tunewise |")
    print("|---|---|---:|---:|---:|")
    for storage, pg_url in {"memory": None, **storages}.items():
        if storage == "postgresql" and not pg_url:
            continue
        for shape in ("3 floats", "rich"):
            res = {}
            for fw in frameworks:
                if storage == "memory":
                    n, nbytes = memory_in_process(fw, mem_n, shape)
                else:
                    url = pg_url or f"sqlite:///{os.path.join(tmp, f'mem-{fw}-{shape[0]}.db')}"
                    n, nbytes = memory_per_trials(fw, url, mem_n, shape)
                res[fw] = nbytes / n * 10_000 / 2**20
            a, b = res["tunewise"], res.get("optuna")
            ratio = "-" if b is None or a <= 0 else f"{b / a:.1f}x"
            label = shape if shape != "rich" else "8 params, 10 reports, 1 user attr"
            print(f"| {storage} | {label} | {a:.1f} | {'-' if b is None else f'{b:.1f}'} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
